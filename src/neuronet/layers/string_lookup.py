"""StringLookup: maps strings to indices of a vocabulary (Keras 3 semantics).

    lookup = keras.layers.StringLookup(vocabulary=["a", "b", "c"])
    lookup([["a", "c"], ["z", "b"]])          # [[1, 3], [0, 2]]: 0 is the OOV index
"""
import numpy as np

from ..autograd import Tensor
from .index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """A preprocessing layer that maps strings to integer indices, or encodes them.

    The vocabulary is given (`vocabulary=`, `set_vocabulary`) or learned from data by
    `adapt`, which orders it by frequency (ties by the string, highest first). Indices: in
    'int' mode the mask token (if any) is 0, then come the OOV indices, then the vocabulary.

    Args:
        max_tokens: the most indices, the mask and OOV indices included (None: no limit);
            `adapt` keeps the most frequent strings.
        num_oov_indices: indices for out-of-vocabulary strings; with more than one, a
            string picks one by its FarmHash64 (TensorFlow's `to_hash_bucket_fast`); with 0,
            an unknown string raises a ValueError.
        mask_token: a string for padding: index 0 in 'int' mode, dropped (no count) in the
            other modes. None: no mask token.
        oov_token: what `invert=True` returns for an OOV index.
        vocabulary: a list, tuple, 1-D array or Tensor of strings, or the path of a text
            file with one a line.
        idf_weights: with output_mode='tf_idf' and a vocabulary: one weight per string.
        invert: map indices back to strings (output_mode 'int' only).
        output_mode: 'int' (the indices), 'one_hot' (one vector per string; a last axis of
            size 1 is replaced), 'multi_hot' (one vector per row of the last axis: 1 where
            a string occurs), 'count' (how often), 'tf_idf' (count times idf weight).
        pad_to_max_tokens: in the encoding modes, make the output max_tokens wide.
        sparse: must be False (no sparse tensors here).
        encoding: the encoding of bytes inputs.
        salt: with several OOV indices, hash by SipHash-2-4 with this key (an int, or a
            pair of ints) instead of FarmHash64 (TensorFlow's `to_hash_bucket_strong`).

    Input: strings of any shape: a list, a NumPy str/bytes/object array, or a Tensor of one.
    Output: int64 indices of the input's shape ('int'); float (floatx) vectors otherwise:
    'one_hot' input.shape + (depth,), the others input.shape[:-1] + (depth,), where depth
    is the vocabulary size or max_tokens; with invert=True, an object array of strings.
    """

    _token_type, _token_dtype = str, object

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary_dtype="string",
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, name=name, salt=salt, **kwargs)

    def _tokens_of(self, values):
        """`values` as an object array of str (bytes decoded with `encoding`)."""
        array = np.asarray(values.data if isinstance(values, Tensor) else values)
        if array.dtype.kind == "U" or array.size == 0:
            return array.astype(object)
        if array.dtype.kind == "S":
            return np.char.decode(array, self.encoding).astype(object)
        if array.dtype.kind == "O":
            return np.asarray(np.frompyfunc(self._text, 1, 1)(array), dtype=object)
        raise TypeError(f"{self._label}: expected strings, received values of dtype "
                        f"{array.dtype}")

    def _text(self, value):
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode(self.encoding)
        raise TypeError(f"{self._label}: expected strings, received a {type(value).__name__} "
                        f"({value!r})")

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]            # always 'string'
        return {**config, "encoding": self.encoding}
