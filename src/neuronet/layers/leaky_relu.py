"""LeakyReLU: a ReLU that lets a small gradient through for negative inputs."""
import warnings

from .. import activations
from .base import Layer


class LeakyReLU(Layer):
    """f(x) = x for x >= 0, negative_slope * x for x < 0.

    The Keras 2 name of the argument, `alpha`, is still accepted (with a warning).
    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: argument 'alpha' is deprecated, use 'negative_slope'",
                          DeprecationWarning, stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: expected a float >= 0 for argument 'negative_slope', "
                             f"received negative_slope={negative_slope!r}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
