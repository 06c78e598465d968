"""Reshape: gives each sample a new shape with the same number of values."""
import math

from ..ops import math as m
from .base import Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch axis is kept).

    One entry of `target_shape` may be -1: it is inferred from the sample's size.
    Input shape: (batch, ...). Output shape: (batch,) + target_shape.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            target_shape = tuple(target_shape)
        except TypeError:
            raise TypeError(f"Reshape: expected a tuple of ints for argument 'target_shape', "
                            f"received {target_shape!r}") from None
        if (not all(isinstance(d, int) and (d > 0 or d == -1) for d in target_shape)
                or target_shape.count(-1) > 1):
            raise ValueError(f"Reshape: 'target_shape' must hold positive ints and at most one -1, "
                             f"received {target_shape}")
        self.target_shape = target_shape

    def _output_sample_shape(self, input_shape):
        """target_shape with -1 resolved for inputs of `input_shape` (batch axis first)."""
        sample = tuple(input_shape[1:])
        size = None if None in sample else math.prod(sample)
        known = math.prod(d for d in self.target_shape if d != -1)
        if size is not None and (size % known if -1 in self.target_shape else size != known):
            raise ValueError(
                f"Layer '{self.name}' (Reshape) cannot reshape an input of shape "
                f"{tuple(input_shape)} ({size} values per sample) into target_shape "
                f"{self.target_shape}")
        if -1 not in self.target_shape:
            return self.target_shape
        missing = None if size is None else size // known
        return tuple(missing if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        return m.reshape(inputs, (inputs.shape[0],) + self._output_sample_shape(inputs.shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._output_sample_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
