"""IntegerLookup: maps integers to indices of a vocabulary (Keras 3 semantics).

    lookup = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    lookup([[12, 1138, 42], [42, 1000, 36]])      # [[1, 3, 4], [4, 0, 2]]: 0 is the OOV index
"""
import numpy as np

from ..autograd import Tensor
from .index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """A preprocessing layer that maps integers (e.g. category ids) to contiguous indices, or
    encodes them.

    Arguments and outputs as StringLookup's, with integers for tokens; the differences:
        oov_token: -1 by default (what `invert=True` returns for an OOV index).
        vocabulary_dtype: 'int64' (the only one supported, as in Keras).
        oov_method: how several OOV indices share the unknown integers: 'floormod'
            (`value % num_oov_indices`, the default) or 'farmhash' (FarmHash64 of the
            decimal text, or SipHash-2-4 with `salt`, which needs 'farmhash').
    Input: integers of any shape (integral floats are accepted).
    """

    _token_type, _token_dtype = int, np.int64

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported, "
                             f"received vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=_as_int("mask_token", mask_token),
                         oov_token=_as_int("oov_token", oov_token),
                         vocabulary_dtype=vocabulary_dtype, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
                         oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _tokens_of(self, values):
        """`values` as an int64 array."""
        array = np.asarray(values.data if isinstance(values, Tensor) else values)
        if array.dtype.kind in "biu" or array.size == 0:
            return array.astype(np.int64)
        if array.dtype.kind == "f" and np.all(np.isfinite(array) & (array == np.round(array))):
            return array.astype(np.int64)
        raise TypeError(f"{self._label}: expected integers, received values of dtype "
                        f"{array.dtype}" + (" that are not whole numbers"
                                            if array.dtype.kind == "f" else ""))


def _as_int(argument, value):
    """A special token as a Python int (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"IntegerLookup: expected None or an integer for argument "
                         f"'{argument}', received {argument}={value!r}")
    return int(value)
