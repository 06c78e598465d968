"""Hashing: strings or integers to one of `num_bins` bins by a stable hash (Keras 3 semantics).

    hashing = keras.layers.Hashing(num_bins=3)
    hashing([["A"], ["B"], ["C"], ["D"], ["E"]])      # [[1], [0], [1], [1], [2]]

A value's bin is the hash of its text modulo the number of bins, as TensorFlow's
`to_hash_bucket_fast` (FarmHash64) or, with a salt, `to_hash_bucket_strong` (SipHash-2-4)
computes it; integers are hashed as their decimal text. With a `mask_value`, bin 0 is the
mask's and the other values take bins 1 .. num_bins - 1.
"""
import numbers

import numpy as np

from .. import backend
from ..autograd import Tensor
from .category_encoding import ENCODING_MODES, encode_categorical, encoded_shape
from .index_lookup import TokenLayer, check_choice, check_not_set
from .string_hashing import fingerprint, text_bytes


class Hashing(TokenLayer):
    """A preprocessing layer that hashes strings or integers into `num_bins` bins.

    Args:
        num_bins: the number of bins, the mask's bin 0 included when `mask_value` is set.
        mask_value: a string or integer that marks masked inputs: they take bin 0 (when
            num_bins > 1). None: no mask, the bins start at 0.
        salt: None (FarmHash64), or an integer or a pair of integers: the key of SipHash-2-4
            (an integer k is the pair [k, k]).
        output_mode: 'int' (the bins, the default), or the encodings of CategoryEncoding
            with num_bins as num_tokens: 'one_hot', 'multi_hot', 'count'.
        sparse: must be False (no sparse tensors here).
        dtype: of the output: 'int64' by default in 'int' mode (which needs 'int32' or
            'int64'), floatx in the others.

    Input: strings (a list, a NumPy str/bytes/object array, a Tensor of one) or integers
    of any shape; floats are truncated to integers first, as Keras does.
    Output: 'int' the bins, inputs' shape; the other modes as CategoryEncoding's.
    Not differentiable.
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        output_mode = check_choice("Hashing", "output_mode", output_mode,
                                   ("int",) + ENCODING_MODES)
        dtype = kwargs.pop("dtype", None) or ("int64" if output_mode == "int"
                                              else backend.floatx())
        super().__init__(dtype=dtype, **kwargs)
        if (isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral)
                or num_bins < 1):
            raise ValueError(f"Hashing: expected a positive integer for argument 'num_bins', "
                             f"received num_bins={num_bins!r}")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"Hashing: with output_mode='int' the dtype must be 'int32' or "
                             f"'int64', received dtype={dtype!r}")
        if mask_value is not None and (isinstance(mask_value, bool) or not isinstance(
                mask_value, (str, numbers.Integral))):
            raise ValueError(f"Hashing: expected None, a string or an integer for argument "
                             f"'mask_value', received mask_value={mask_value!r}")
        check_not_set("Hashing", "sparse", sparse,
                      "sparse outputs are not supported (neuronet has no sparse tensors)")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value if mask_value is None or isinstance(mask_value, str) \
            else int(mask_value)
        self.salt = _checked_salt(salt)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs):
        values = np.asarray(inputs.data)
        if values.dtype.kind == "f":
            values = np.trunc(values).astype(np.int64)
        unique, which = np.unique(values, return_inverse=True)
        bins = self._bins([text_bytes(value) for value in unique.tolist()])
        bins = bins[which.reshape(values.shape)]
        if self.output_mode == "int":
            return Tensor(bins.astype(self.dtype))
        return Tensor(encode_categorical(bins, self.output_mode, self.num_bins, self.dtype))

    def _bins(self, texts):
        """The bin of each text (bytes), int64: with a mask, 0 for the mask's text and
        1 + hash % (num_bins - 1) for the others; else hash % num_bins."""
        masked = self.mask_value is not None and self.num_bins > 1
        mask = text_bytes(self.mask_value) if masked else None
        offset = 1 if masked else 0                     # bin 0 is the mask's
        hashed_bins = self.num_bins - offset
        return np.array([0 if t == mask else offset + fingerprint(t, self.salt) % hashed_bins
                         for t in texts], dtype=np.int64)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode,
                "sparse": self.sparse}


def _checked_salt(salt):
    """The salt as a list of two ints (an int k is [k, k]), or None."""
    if salt is None:
        return None
    pair = [salt, salt] if isinstance(salt, numbers.Integral) else salt
    if (not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
            isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in pair)):
        raise ValueError(f"Hashing: expected None, an integer or a pair of integers for "
                         f"argument 'salt', received salt={salt!r}")
    return [int(k) for k in pair]
