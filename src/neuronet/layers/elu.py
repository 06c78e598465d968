"""ELU: the exponential linear unit."""
from .. import activations
from .base import Layer


class ELU(Layer):
    """f(x) = x for x > 0, alpha * (exp(x) - 1) for x <= 0.

    Input shape: any. Output shape: same as the input.
    """

    supports_masking = True                       # the mask passes through

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
