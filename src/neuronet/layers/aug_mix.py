"""AugMix: during training, blends each image with a mix of randomly augmented copies."""
import numbers

from ..backend import check_choice
from ..ops import math as m
from ..ops.image import INTERPOLATIONS
from .color_augmentation import interval_bounds
from .image_preprocessing import RandomImageLayer
from .rand_augment import augmentation_layers, check_count
from .random_brightness import check_value_range, plain_factor

AUG_MIX_LAYERS = ("random_shear", "random_translation", "random_rotation",
                  "random_posterization", "solarization", "auto_contrast", "equalization")
COLOUR_LAYERS = ("random_brightness", "random_color_degeneration", "random_contrast",
                 "random_sharpness")                                    # with all_ops=True


class AugMix(RandomImageLayer):
    """AugMix: during training (training=True), the images become m x + (1 - m) sum over
    chains of w_k chain_k(x), clipped to value_range; otherwise the identity.

    Each of the num_chains chains takes chain_depth steps; each step applies one of the
    augmentation layers, or none, chosen uniformly at random (so a chain applies 0 to
    chain_depth layers). The chain weights w are drawn from Dirichlet(alpha, ..., alpha) and
    m from Beta(alpha, alpha), all once per batch: the same augmentation for every image.

    value_range: the range of the pixel values, (0, 255) by default. num_chains: an int
    >= 1 (3 by default). chain_depth: an int >= 0 (3 by default). factor: the strength of
    the layers, a number f in [0, 1] for the bounds (0, f) or a pair of its own bounds (0.3
    by default; see `rand_augment.augmentation_layers`). alpha: a number > 0 (1.0 by
    default). all_ops: the layers are RandomShear, RandomTranslation, RandomRotation,
    RandomPosterization, Solarization, AutoContrast and Equalization, and with all_ops=True
    (the default) also RandomBrightness, RandomColorDegeneration, RandomContrast and
    RandomSharpness. interpolation: 'bilinear' or 'nearest', for the geometric layers.
    seed: an int for a reproducible layer (each layer gets its own stream of it), None to
    draw from backend.rng(). Outputs have the layer's float dtype.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range("AugMix", value_range)
        self.num_chains = check_count("AugMix", "num_chains", num_chains, 1)
        self.chain_depth = check_count("AugMix", "chain_depth", chain_depth, 0)
        bounds = interval_bounds(factor, "factor", "AugMix")
        if not (isinstance(alpha, numbers.Real) and not isinstance(alpha, bool) and alpha > 0):
            raise ValueError(f"AugMix: alpha must be a number > 0, received alpha={alpha!r}")
        self.factor = plain_factor(factor)
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = check_choice("AugMix", "interpolation", interpolation,
                                          INTERPOLATIONS)
        names = AUG_MIX_LAYERS + COLOUR_LAYERS if self.all_ops else AUG_MIX_LAYERS
        self._augmentations = augmentation_layers(self, names, bounds, self.value_range,
                                                  interpolation)

    def transform(self, images):                  # images: (batch, height, width, 3)
        rng = self._generator()
        chain_weights = rng.dirichlet([self.alpha] * self.num_chains)
        keep = float(rng.beta(self.alpha, self.alpha))
        mixed = 0.0
        for weight in chain_weights:
            chained = images
            for choice in rng.integers(0, len(self._augmentations) + 1, self.chain_depth):
                if choice < len(self._augmentations):     # the last choice: no layer
                    chained = self._augmentations[choice].transform(chained)
            mixed = m.add(mixed, m.multiply(float(weight), chained))
        out = m.add(m.multiply(keep, images), m.multiply(1.0 - keep, mixed))
        return m.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation}
