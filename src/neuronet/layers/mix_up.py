"""MixUp: during training, blends each image (and its label) with another of the batch."""
import numbers

from ..ops import math as m
from .image_preprocessing import RandomImageLayer

LABELLED_KEYS = ("images", "labels")


class BatchMixingLayer(RandomImageLayer):
    """Base of MixUp and CutMix: each image is mixed with its partner, the image a random
    permutation of the batch puts in its place; called on a dict {"images": ..., "labels":
    ...}, the labels are mixed too, label = w label + (1 - w) partner's label, w the share
    of the image that stays.

    Subclasses implement `_draw(images, rng)` -> a dict with 'permutation_order' and
    'mix_weight' (the w of each image), and `_apply(images, draw)`.
    """

    _draw_made = None                 # the draw of the last images, for their labels

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict):
            return super().call(inputs, training)
        unknown = sorted(set(inputs) - set(LABELLED_KEYS))
        if "images" not in inputs or unknown:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) takes images or a "
                             f"dict with the keys 'images' and (optional) 'labels', received "
                             f"a dict with the keys {sorted(inputs)}")
        self._draw_made = None
        outputs = {"images": super().call(inputs["images"], training)}
        if "labels" in inputs:
            labels = inputs["labels"]
            mixed = self._draw_made is not None
            outputs["labels"] = self._mix_labels(labels, self._draw_made) if mixed else labels
        return outputs

    def transform(self, images):                  # images: (batch, height, width, channels)
        if images.shape[0] == 1:                  # one image: its only partner is itself
            return images
        self._draw_made = self._draw(images, self._generator())
        return self._apply(images, self._draw_made)

    def _mix_labels(self, labels, draw):
        batch = len(draw["mix_weight"])
        if labels.ndim == 0 or labels.shape[0] != batch:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects labels with "
                             f"one row per image ({batch}), received labels of shape "
                             f"{labels.shape}")
        labels = labels if labels.dtype == self.dtype else m.cast(labels, self.dtype)
        weight = draw["mix_weight"].astype(self.dtype).reshape((batch,) + (1,) * (labels.ndim - 1))
        partners = m.take(labels, draw["permutation_order"], axis=0)
        return m.add(m.multiply(weight, labels), m.multiply(1 - weight, partners))


class MixUp(BatchMixingLayer):
    """MixUp: during training (training=True) each image becomes w x + (1 - w) x', x' another
    image of the batch (a random permutation) and w drawn from Beta(alpha, alpha) per image;
    otherwise the identity. Called on a dict {"images": ..., "labels": ...} (one-hot or
    soft labels, one row per image), it mixes the labels with the same weights and returns
    such a dict.

    alpha: the parameter of the Beta distribution, a number > 0 (0.2 by default; smaller
    values keep the images closer to themselves). seed: an int for a reproducible layer,
    None to draw from backend.rng(). Outputs have the layer's float dtype; the gradient
    flows back to the images.
    Input shape: (batch, height, width, channels) (a single image is left as it is);
    channels first with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not (isinstance(alpha, numbers.Real) and not isinstance(alpha, bool) and alpha > 0):
            raise ValueError(f"MixUp: alpha must be a number > 0, received alpha={alpha!r}")
        self.alpha = alpha

    def _draw(self, images, rng):
        batch = images.shape[0]
        return {"permutation_order": rng.permutation(batch),
                "mix_weight": rng.beta(self.alpha, self.alpha, batch)}

    def _apply(self, images, draw):
        weight = draw["mix_weight"].astype(images.dtype)[:, None, None, None]
        partners = m.take(images, draw["permutation_order"], axis=0)
        return m.add(m.multiply(weight, images), m.multiply(1 - weight, partners))

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
