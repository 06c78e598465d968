"""Maximum: the elementwise maximum of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge, fold_masked


class Maximum(Merge):
    """The elementwise maximum of a list of inputs (the gradient goes to the largest).

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    Masked values never win (Keras 3's rule, see `fold_masked`).
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.maximum, inputs)

    def _merge_masked(self, inputs, masks):
        return fold_masked(m.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`."""
    return Maximum(**kwargs)(inputs)
