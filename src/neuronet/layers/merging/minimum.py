"""Minimum: the elementwise minimum of a list of inputs."""
import functools

from ...ops import math as m
from .base_merge import Merge, fold_masked


class Minimum(Merge):
    """The elementwise minimum of a list of inputs (the gradient goes to the smallest).

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    Masked values never win (Keras 3's rule, see `fold_masked`).
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.minimum, inputs)

    def _merge_masked(self, inputs, masks):
        return fold_masked(m.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`."""
    return Minimum(**kwargs)(inputs)
