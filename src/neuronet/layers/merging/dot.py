"""Dot: the dot product of two inputs along an axis of each, sample by sample."""
import numbers

from ... import backend
from ...ops import math as m
from .base_merge import Merge, check_shape_list


def batch_dot(x, y, axes):
    """Per-sample dot product of `x` and `y`, summing x's axis axes[0] against y's axes[1].

    Output shape: x's shape without axes[0], then y's shape without its batch axis and
    axes[1]; (batch,) becomes (batch, 1). Done as one batched matmul:
    x -> (batch, P, k), y -> (batch, k, Q), product (batch, P, Q), reshaped back.
    """
    a0, a1 = axes
    x_rest = tuple(s for i, s in enumerate(x.shape) if i not in (0, a0))
    y_rest = tuple(s for i, s in enumerate(y.shape) if i not in (0, a1))
    batch, k = x.shape[0], x.shape[a0]
    x = m.transpose(x, [0] + [i for i in range(1, x.ndim) if i != a0] + [a0])
    y = m.transpose(y, [0, a1] + [i for i in range(1, y.ndim) if i != a1])
    product = m.matmul(m.reshape(x, (batch, -1, k)), m.reshape(y, (batch, k, -1)))
    return m.reshape(product, (batch,) + (x_rest + y_rest or (1,)))


def l2_normalize(x, axis):
    """x / max(||x||, epsilon) along `axis` (Keras' `normalize`, order 2)."""
    norm = m.sqrt(m.sum(m.square(x), axis=axis, keepdims=True))
    return x / m.maximum(norm, backend.epsilon())


class Dot(Merge):
    """The dot product of two inputs along `axes`, sample by sample.

    axes: one int (the same axis of both inputs) or a pair (axis of the first, axis of
        the second); never the batch axis 0; negative values count from the end.
    normalize: L2-normalize both inputs along those axes first, so that the result is
        the cosine similarity.
    Input: [(batch, ..., k, ...), (batch, ..., k, ...)], the two axes of equal size k.
    Output: the first shape without its axis, then the second without batch and axis;
    (batch, 1) when nothing else is left, e.g. [(batch, 8), (batch, 8)] -> (batch, 1).
    """

    num_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = [axes, axes] if isinstance(axes, numbers.Integral) else axes
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2 or
                not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in pair)):
            raise ValueError(f"Dot: expected an int or a pair of ints for argument 'axes', "
                             f"received axes={axes!r}")
        self.axes = axes if isinstance(axes, numbers.Integral) else tuple(axes)
        self.normalize = bool(normalize)

    def _positive_axes(self, shapes):
        pair = [self.axes, self.axes] if isinstance(self.axes, numbers.Integral) else self.axes
        axes = []
        for axis, shape in zip(pair, shapes):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(f"Dot '{self.name}': axes={self.axes} must name a non-batch axis "
                                 f"of each input. Received shapes {shapes[0]} and {shapes[1]}")
            axes.append(axis % len(shape))
        return axes

    def compute_output_shape(self, input_shape):
        check_shape_list(self, input_shape, 2)
        shapes = [tuple(s) for s in input_shape]
        a0, a1 = self._positive_axes(shapes)
        (b1, d1), (b2, d2) = (shapes[0][0], shapes[0][a0]), (shapes[1][0], shapes[1][a1])
        if (None not in (d1, d2) and d1 != d2) or (None not in (b1, b2) and b1 != b2):
            raise ValueError(f"Dot '{self.name}': incompatible input shapes {shapes[0]} and "
                             f"{shapes[1]} for axes=({a0}, {a1}): the batch sizes and the sizes "
                             f"along the axes ({d1} and {d2}) must match")
        rest = [s for i, s in enumerate(shapes[0]) if i != a0] + \
               [s for i, s in enumerate(shapes[1]) if i not in (0, a1)]
        return tuple(rest) if len(rest) > 1 else tuple(rest) + (1,)

    def call(self, inputs):
        shapes = [x.shape for x in inputs]
        self.compute_output_shape(shapes)
        axes = self._positive_axes(shapes)
        x, y = inputs
        if self.normalize:
            x, y = l2_normalize(x, axes[0]), l2_normalize(y, axes[1])
        return batch_dot(x, y, axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of `Dot`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
