"""CategoryEncoding: integer ids as one-hot, multi-hot or count vectors (Keras 3 semantics).

    encode = keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    encode([[0, 1], [0, 0], [1, 2], [3, 1]])
    # [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]: one row per sample

`encode_categorical` and `encoded_shape` are also the output modes of Hashing and
Discretization, which encode the bins they compute.
"""
import numbers

import numpy as np

from ..autograd import Tensor
from .index_lookup import TokenLayer, check_choice, check_not_set

ENCODING_MODES = ("one_hot", "multi_hot", "count")


def encoded_shape(input_shape, output_mode, depth):
    """The output shape of `output_mode` for ids of `input_shape` (entries may be None), by
    Keras' rank rules: 'int' keeps the shape; a scalar counts as one id; 'one_hot' appends
    an axis of `depth` (or replaces a last axis of size 1, unless it is the only axis);
    'multi_hot' and 'count' replace the last axis (the ids of one sample) by `depth`."""
    shape = tuple(input_shape)
    if output_mode == "int":
        return shape
    shape = shape or (1,)
    if output_mode == "one_hot":
        return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
    return shape[:-1] + (depth,)


def encode_categorical(ids, output_mode, depth, dtype, count_weights=None):
    """The vectors of `output_mode` ('one_hot', 'multi_hot' or 'count') for the integer array
    `ids`, of shape `encoded_shape(ids.shape, ...)` and `dtype`: 'one_hot' a 1 at each id,
    'multi_hot' a 1 at each id of the sample (the last axis), 'count' how often each id
    occurs in it, each occurrence weighted by `count_weights` (ids' shape) when given.
    A negative id (a dropped mask) counts nowhere."""
    ids = np.asarray(ids)
    shape = encoded_shape(ids.shape, output_mode, depth)
    if output_mode == "one_hot":
        return (ids.reshape(shape[:-1])[..., None] == np.arange(depth)).astype(dtype)
    num_samples = int(np.prod(shape[:-1], dtype=np.int64))
    width = ids.shape[-1] if ids.ndim else 1
    flat = ids.ravel()
    kept = flat >= 0
    sample = np.arange(flat.size) // max(width, 1)               # the sample of each id
    weights = None if count_weights is None else np.ravel(count_weights)[kept]
    counts = np.bincount(sample[kept] * depth + flat[kept], weights,
                         minlength=num_samples * depth)
    if output_mode == "multi_hot":
        counts = counts > 0
    return counts.astype(dtype).reshape(shape)


class CategoryEncoding(TokenLayer):
    """A preprocessing layer that encodes integer ids in [0, num_tokens) as vectors.

    Args:
        num_tokens: the number of ids, the width of the output vectors; every input must
            lie in [0, num_tokens), else a ValueError names the value.
        output_mode: 'one_hot' (one vector per id: a last axis of size 1 is replaced,
            otherwise an axis is appended), 'multi_hot' (the default; one vector per sample,
            the last axis: 1 where an id occurs) or 'count' (how often it occurs). 'binary'
            is accepted for 'multi_hot'.
        sparse: must be False; sparse outputs are not supported (no sparse tensors here),
            which Keras also answers with a ValueError on its backends without them.

    Call arguments:
        inputs: integer ids (integral floats are accepted), of any rank; a Python list is
            one array. Keras supports outputs up to rank 2; higher ranks encode the last axis.
        count_weights: with output_mode='count' only: one weight per id (inputs' shape),
            summed instead of counting 1 per occurrence.

    Output: floats of the layer's dtype (floatx by default), of shape `encoded_shape`:
    'one_hot' inputs.shape + (num_tokens,) (a trailing 1 replaced), the others
    inputs.shape[:-1] + (num_tokens,); a rank-1 input is one sample, so (num_tokens,).
    Not differentiable.
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if num_tokens is None:
            raise ValueError("CategoryEncoding: argument 'num_tokens' must be set (the number "
                             "of ids); when it is not known in advance, use IntegerLookup")
        if (isinstance(num_tokens, bool) or not isinstance(num_tokens, numbers.Integral)
                or num_tokens < 1):
            raise ValueError(f"CategoryEncoding: expected an integer >= 1 for argument "
                             f"'num_tokens', received num_tokens={num_tokens!r}")
        self.num_tokens = int(num_tokens)
        self.output_mode = check_choice("CategoryEncoding", "output_mode",
                                        "multi_hot" if output_mode == "binary" else output_mode,
                                        ENCODING_MODES)
        check_not_set("CategoryEncoding", "sparse", sparse,
                      "sparse outputs are not supported (neuronet has no sparse tensors)")
        self.sparse = False

    def call(self, inputs, count_weights=None):
        label = f"CategoryEncoding '{self.name}'"
        ids = integer_ids(label, inputs.data)
        low, high = (ids.min(), ids.max()) if ids.size else (0, 0)
        if low < 0 or high >= self.num_tokens:
            raise ValueError(f"{label}: expected integer inputs in [0, num_tokens) = "
                             f"[0, {self.num_tokens}), received the value "
                             f"{low if low < 0 else high}")
        if count_weights is not None:
            count_weights = self._checked_weights(label, count_weights, ids.shape)
        return Tensor(encode_categorical(ids, self.output_mode, self.num_tokens, self.dtype,
                                         count_weights))

    def _checked_weights(self, label, count_weights, shape):
        if self.output_mode != "count":
            raise ValueError(f"{label}: 'count_weights' is used only with output_mode='count', "
                             f"received output_mode={self.output_mode!r}")
        weights = np.asarray(count_weights.data if isinstance(count_weights, Tensor)
                             else count_weights)
        if weights.shape != shape:
            raise ValueError(f"{label}: expected 'count_weights' of the inputs' shape {shape}, "
                             f"received count_weights of shape {weights.shape}")
        return weights

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode, "sparse": self.sparse}


def integer_ids(label, values):
    """`values` (an array) as int64; a TypeError naming `label` unless they are integers
    or whole-number floats."""
    array = np.asarray(values)
    if array.dtype.kind in "biu":
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.all(array == np.round(array)):
        return array.astype(np.int64)
    raise TypeError(f"{label}: expected integer inputs, received values of dtype {array.dtype}"
                    + (" that are not whole numbers" if array.dtype.kind == "f" else ""))
