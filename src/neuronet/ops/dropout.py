"""Dropout as one op: a random mask, drawn once, scales the forward and the backward pass."""
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .math import tensor

__all__ = ["dropout"]


def check_rate(rate, caller):
    """Raise a ValueError naming `caller` unless 0 <= rate <= 1."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"{caller}: expected a float between 0 and 1 for argument 'rate', "
                         f"received rate={rate!r}")


def mask_shape(noise_shape, shape):
    """`noise_shape` with its None entries taken from `shape`; it must broadcast to `shape`."""
    if noise_shape is None:
        return shape
    noise_shape = tuple(noise_shape)
    resolved = tuple(n if n is not None else s for n, s in zip(noise_shape, shape))
    if len(noise_shape) != len(shape) or any(n not in (1, s) for n, s in zip(resolved, shape)):
        raise ValueError(f"dropout: noise_shape {noise_shape} does not broadcast to the input "
                         f"shape {shape}; each entry must be 1, None or the input's size")
    return resolved


def dropout(x, rate, noise_shape=None, rng=None):
    """Inverted dropout: zero each value with probability `rate`, scale the rest by 1/(1-rate).

    x: (...) -> same shape. noise_shape: the mask's shape, broadcast over x (None entries
    take x's size), e.g. (batch, 1, features) drops whole features for every time step.
    rng: a NumPy Generator; `backend.rng()` when None.
    """
    check_rate(rate, "dropout")
    x = tensor(x)
    keep = 1.0 - rate
    shape = mask_shape(noise_shape, x.shape)
    if keep == 0:
        scale = np.zeros(shape, x.dtype)                   # everything dropped
    else:
        generator = backend.rng() if rng is None else rng
        kept = generator.random(shape, dtype=np.float32) < keep   # True with probability keep
        scale = (kept / keep).astype(x.dtype)              # mask / keep: 0 or 1/keep

    out = np.multiply(x.data, scale, out=np.zeros(x.shape, x.dtype),
                      where=scale != 0)                    # a dropped NaN or inf is 0 too

    def backward(g):                                       # d out/dx = mask / keep
        return (g * scale,)
    return Tensor.from_op(out, (x,), backward)
