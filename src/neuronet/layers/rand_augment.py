"""RandAugment: during training, applies a few augmentation layers chosen at random."""
import numbers

from ..backend import check_choice
from ..ops.image import INTERPOLATIONS
from .auto_contrast import AutoContrast
from .color_augmentation import interval_bounds
from .equalization import Equalization
from .image_preprocessing import RandomImageLayer
from .random_brightness import RandomBrightness, check_value_range, plain_factor
from .random_color_degeneration import RandomColorDegeneration
from .random_contrast import RandomContrast
from .random_posterization import RandomPosterization
from .random_rotation import RandomRotation
from .random_sharpness import RandomSharpness
from .random_shear import RandomShear
from .random_translation import RandomTranslation
from .solarization import Solarization

RAND_AUGMENT_LAYERS = ("random_shear", "random_translation", "random_rotation",
                       "random_brightness", "random_color_degeneration", "random_contrast",
                       "random_sharpness", "random_posterization", "solarization",
                       "auto_contrast", "equalization")


def augmentation_layers(owner, names, bounds, value_range, interpolation):
    """The augmentation layers of RandAugment and AugMix (Keras' names, in order), their
    factors the owner's bounds (lower, upper): shears and shifts of up to `upper` of the
    image, rotations of up to `upper` turns, colour factors in [lower, upper], 1 to
    8 * upper bits (at least 1) for the posterization. Each random layer gets its own
    stream of the owner's seed."""
    bounds = list(bounds)
    warp = {"interpolation": interpolation}
    colour = {"value_range": value_range}
    recipes = {
        "random_shear": (RandomShear, {"x_factor": bounds, "y_factor": bounds, **warp}),
        "random_translation": (RandomTranslation, {"height_factor": bounds,
                                                   "width_factor": bounds, **warp}),
        "random_rotation": (RandomRotation, {"factor": bounds, **warp}),
        "random_brightness": (RandomBrightness, {"factor": bounds, **colour}),
        "random_color_degeneration": (RandomColorDegeneration, {"factor": bounds, **colour}),
        "random_contrast": (RandomContrast, {"factor": bounds, **colour}),
        "random_sharpness": (RandomSharpness, {"factor": bounds, **colour}),
        "random_posterization": (RandomPosterization, {"factor": max(1, int(8 * bounds[1])),
                                                       **colour}),
        "solarization": (Solarization, {"addition_factor": bounds, "threshold_factor": bounds,
                                        **colour}),
        "auto_contrast": (AutoContrast, colour),
        "equalization": (Equalization, colour),
    }
    layers = []
    for index, name in enumerate(names):
        cls, kwargs = recipes[name]
        if issubclass(cls, RandomImageLayer):
            kwargs = {**kwargs, "seed": None if owner.seed is None else [owner.seed, index]}
        layers.append(cls(**kwargs, dtype=owner.dtype, name=f"{owner.name}_{name}"))
    return layers


def check_count(layer, name, value, lowest):
    """`value` when it is an int >= lowest, else a ValueError naming the layer and argument."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= lowest:
        return int(value)
    raise ValueError(f"{layer}: {name} must be an int >= {lowest}, received {name}={value!r}")


class RandAugment(RandomImageLayer):
    """RandAugment: during training (training=True), num_ops layers drawn at random (with
    replacement, the same for the whole batch) among RandomShear, RandomTranslation,
    RandomRotation, RandomBrightness, RandomColorDegeneration, RandomContrast,
    RandomSharpness, RandomPosterization, Solarization, AutoContrast and Equalization
    transform the images in turn; otherwise the identity.

    value_range: the range of the pixel values, (0, 255) by default. num_ops: the number of
    layers applied, an int >= 0 (2 by default). factor: the strength of the layers, a
    number f in [0, 1] for the bounds (0, f) or a pair of its own bounds (0.5 by default),
    given to each layer as its factor (see `augmentation_layers`). interpolation:
    'bilinear' or 'nearest', for the geometric layers. seed: an int for a reproducible
    layer (each layer gets its own stream of it), None to draw from backend.rng().
    Outputs have the layer's float dtype.
    Input shape: (batch, height, width, 3) or one image (height, width, 3); channels first
    with data_format='channels_first'. Output shape: same as the input.
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range("RandAugment", value_range)
        self.num_ops = check_count("RandAugment", "num_ops", num_ops, 0)
        bounds = interval_bounds(factor, "factor", "RandAugment")
        self.factor = plain_factor(factor)
        self.interpolation = check_choice("RandAugment", "interpolation", interpolation,
                                          INTERPOLATIONS)
        self._augmentations = augmentation_layers(self, RAND_AUGMENT_LAYERS, bounds,
                                                  self.value_range, interpolation)

    def transform(self, images):                  # images: (batch, height, width, 3)
        for choice in self._generator().integers(0, len(self._augmentations), self.num_ops):
            images = self._augmentations[choice].transform(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_ops": self.num_ops, "factor": self.factor,
                "interpolation": self.interpolation}
