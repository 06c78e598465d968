"""Concatenate: joins a list of inputs along one axis."""
import numbers

import numpy as np

from ...ops import math as m
from .base_merge import Merge, check_shape_list


def _join(a, b, along_axis):
    """One axis of the output: the sizes summed along the axis, elsewhere the known size."""
    if along_axis:
        return None if None in (a, b) else a + b
    return b if a is None else a


class Concatenate(Merge):
    """Joins a list of inputs along `axis` (default: the last one).

    Input: tensors of one rank whose shapes agree on every axis but `axis`,
    e.g. [(batch, 3), (batch, 5)]. Output: that shape with the sizes along `axis`
    summed, e.g. (batch, 8).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
            raise TypeError(f"Concatenate: expected an integer for argument 'axis', "
                            f"received axis={axis!r}")
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        check_shape_list(self, input_shape)
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        if not -rank <= self.axis < rank:
            raise ValueError(f"Concatenate '{self.name}': axis {self.axis} is out of range for "
                             f"inputs of rank {rank}. Received shapes {shapes}")
        axis = self.axis % rank
        output = list(shapes[0])
        for shape in shapes[1:]:
            if len(shape) != rank or any(i != axis and None not in (a, b) and a != b
                                         for i, (a, b) in enumerate(zip(output, shape))):
                raise ValueError(
                    f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes "
                    f"except for the concatenation axis {self.axis}. Received: "
                    f"input_shape={shapes}")
            output = [_join(a, b, i == axis) for i, (a, b) in enumerate(zip(output, shape))]
        return tuple(output)

    def _merge_function(self, inputs):
        return m.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Each input's mask (all True where it has none), joined along `axis`, then
        reduced with `any` over the last axis, as in Keras."""
        if mask is None or all(part is None for part in mask):
            return None
        full = [np.ones(x.shape, bool) if part is None else
                np.broadcast_to(np.asarray(part, bool)[..., None], x.shape)
                if np.ndim(part) < x.ndim else np.asarray(part, bool)
                for x, part in zip(inputs, mask)]
        return np.concatenate(full, axis=self.axis).any(axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
