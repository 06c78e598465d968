"""Permute: reorders the non-batch axes of the input."""
from ..ops import math as m
from .base import Layer
from .input_spec import InputSpec


class Permute(Layer):
    """Permutes the axes of each sample; `dims` numbers them from 1 (the batch axis is 0
    and stays first). Permute((2, 1)) swaps the two axes of (batch, a, b) -> (batch, b, a).

    Input shape: (batch, d1, ..., dn) with n = len(dims).
    Output shape: (batch, d[dims[0]], ..., d[dims[n-1]]).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: 'dims' must be a permutation of 1..{len(dims)} "
                             f"(axes numbered from 1, the batch axis excluded), received {dims}")
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return m.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
