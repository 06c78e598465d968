"""RandomColorJitter: during training, random brightness, contrast, saturation and hue."""
from .image_preprocessing import RandomImageLayer
from .random_brightness import RandomBrightness, check_value_range, plain_factor
from .random_contrast import RandomContrast
from .random_hue import RandomHue
from .random_saturation import RandomSaturation


class RandomColorJitter(RandomImageLayer):
    """Applies, in this order, RandomBrightness, RandomContrast, RandomSaturation and
    RandomHue -- those whose factor is given -- during training only (training=True);
    otherwise the identity.

    value_range: the range of the pixel values, (0, 255) by default, for all four.
    brightness_factor, contrast_factor, saturation_factor, hue_factor: the `factor` of
    each layer (see them), None to skip it. seed: an int for a reproducible layer (each
    step gets its own stream from it), None to draw from backend.rng(). Outputs have the
    layer's float dtype.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandomColorJitter", value_range)
        factors = {"brightness_factor": brightness_factor, "contrast_factor": contrast_factor,
                   "saturation_factor": saturation_factor, "hue_factor": hue_factor}
        steps = (RandomBrightness, RandomContrast, RandomSaturation, RandomHue)
        self._steps = [self._step(layer, name, factor, index)
                       for index, (layer, (name, factor)) in enumerate(zip(steps, factors.items()))
                       if factor is not None]
        for name, factor in factors.items():
            setattr(self, name, plain_factor(factor))

    def _step(self, layer, name, factor, index):
        """The layer of one step, its errors reported under this layer's argument name."""
        seed = None if self.seed is None else [self.seed, index]
        try:
            return layer(factor, value_range=self.value_range, seed=seed, dtype=self.dtype,
                         name=f"{self.name}_{name[:-len('_factor')]}")
        except ValueError as error:
            raise ValueError(f"RandomColorJitter: invalid {name}={factor!r} ({error})") from None

    def transform(self, images):                  # images: (batch, height, width, 3)
        for step in self._steps:
            images = step.transform(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor,
                "saturation_factor": self.saturation_factor, "hue_factor": self.hue_factor}
