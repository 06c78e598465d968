"""Multiply: the elementwise product of a list of inputs."""
import functools

import numpy as np

from ...ops import math as m
from .base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs elementwise: `Multiply()([x1, x2])` is `x1 * x2`.

    Input: a list of tensors of broadcastable shapes. Output: the broadcast shape.
    As in Keras 3, masked positions count as 1; when every input is masked, the output is
    0 where all of them are masked.
    """

    def _merge_function(self, inputs):
        return functools.reduce(m.multiply, inputs)

    def _merge_masked(self, inputs, masks):                # masks (b, t, 1) or None
        factors = [x if mask is None else m.where(mask, x, 1.0)
                   for x, mask in zip(inputs, masks)]
        output = functools.reduce(m.multiply, factors)
        if all(mask is not None for mask in masks):
            output = m.where(functools.reduce(np.logical_or, masks), output, 0.0)
        return output


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`."""
    return Multiply(**kwargs)(inputs)
