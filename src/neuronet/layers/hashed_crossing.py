"""HashedCrossing: crosses categorical features by hashing them together into `num_bins` bins,
as TensorFlow's `tf.sparse.cross_hashed` does (Keras 3 semantics).

    crossing = keras.layers.HashedCrossing(num_bins=5)
    crossing((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])))
    # [1, 4, 1, 1, 3]

Each feature value is turned into 64 bits (a string: its FarmHash64 fingerprint; an
integer: its own two's-complement bits), the features' bits are chained from a fixed key
with TensorFlow's FingerprintCat64, and the result modulo num_bins is the bin.
"""
import numbers

import numpy as np

from .. import backend
from ..autograd import Tensor
from .base import Layer, check_positive_int
from .category_encoding import encode_categorical, encoded_shape
from .index_lookup import check_choice, check_not_set
from .string_hashing import fingerprint, text_bytes

_CROSS_KEY = np.uint64(0xDECAFCAFFE)          # tf.sparse.cross_hashed's default hash_key
_CAT_MUL = np.uint64(0xc6a4a7935bd1e995)


def _shift_mix(x):
    return x ^ (x >> np.uint64(47))


def fingerprint_cat64(first, second):
    """TensorFlow's FingerprintCat64 of two uint64 arrays (1-D or more: no scalar overflow
    warnings), elementwise; products wrap modulo 2**64."""
    result = first ^ _CAT_MUL
    result = result ^ (_shift_mix(second * _CAT_MUL) * _CAT_MUL)
    result = _shift_mix(result * _CAT_MUL) * _CAT_MUL
    return _shift_mix(result)


def feature_bits(values):
    """The 64 bits each value of a feature contributes, as a 1-D uint64 array: a string's
    (or bytes') fingerprint, an integer's two's-complement bits."""
    values = np.asarray(values).reshape(-1)
    if values.dtype.kind in "iu":
        return values.astype(np.int64).view(np.uint64)
    unique, which = np.unique(values, return_inverse=True)
    bits = np.array([int(v) & 0xFFFFFFFFFFFFFFFF if isinstance(v, numbers.Integral)
                     else fingerprint(text_bytes(v)) for v in unique.tolist()], dtype=np.uint64)
    return bits[which.reshape(-1)]


class HashedCrossing(Layer):
    """A preprocessing layer that crosses two or more categorical features with the hashing
    trick: the bin of each sample is hash(feature_1, ..., feature_n) % num_bins.

    Args:
        num_bins: the number of bins.
        output_mode: 'int' (the bins, int64 by default) or 'one_hot' (a vector of num_bins
            per sample, floatx by default).
        sparse: must be False (no sparse tensors here).
        name, dtype: the layer's.

    Input: a list or tuple of at least two features of one shape, () (one sample),
    (batch,) or (batch, 1), each of strings (str, bytes) or integers.
    Output: 'int' the bins, the features' shape; 'one_hot' (batch, num_bins) ((1, num_bins)
    for one sample). Not differentiable.
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        output_mode = check_choice("HashedCrossing", "output_mode", output_mode,
                                   ("int", "one_hot"))
        check_not_set("HashedCrossing", "sparse", sparse,
                      "sparse outputs are not supported (neuronet has no sparse tensors)")
        if dtype is None:
            dtype = "int64" if output_mode == "int" else backend.floatx()
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.num_bins = check_positive_int("HashedCrossing", "num_bins", num_bins)
        self.output_mode = output_mode
        self.sparse = False

    def _as_tensors(self, inputs):
        """The features as Tensors of their own dtype (not cast to the layer's)."""
        _check_features(inputs)
        return [x if isinstance(x, Tensor) else Tensor(np.asarray(x)) for x in inputs]

    def call(self, inputs):
        _check_features(inputs)
        features = [np.asarray(x.data) for x in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[1] != 1) or any(
                f.shape != shape for f in features):
            raise ValueError(f"HashedCrossing: expected features of one shape, (), (batch,) or "
                             f"(batch, 1); received shapes {[f.shape for f in features]}")
        bad = [f.dtype for f in features if f.dtype.kind not in "iuUSO"]
        if bad:
            raise ValueError(f"HashedCrossing: expected features of strings or integers, "
                             f"received dtype(s) {[str(d) for d in bad]}")
        hashed = np.full(features[0].size, _CROSS_KEY, dtype=np.uint64)
        for feature in features:
            hashed = fingerprint_cat64(hashed, feature_bits(feature))
        bins = (hashed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        if self.output_mode == "int":
            return Tensor(bins.astype(self.dtype))
        return Tensor(encode_categorical(bins, "one_hot", self.num_bins, self.dtype))

    def compute_output_shape(self, input_shape):
        shapes = list(input_shape)
        if len(shapes) < 2 or not all(isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(f"HashedCrossing: expected the shapes of two or more features, "
                             f"received input_shape={input_shape!r}")
        return encoded_shape(tuple(shapes[0]), self.output_mode, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins,
                "output_mode": self.output_mode, "sparse": self.sparse}


def _check_features(inputs):
    if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
        raise ValueError(f"HashedCrossing: expected a list or tuple of at least two features, "
                         f"received {type(inputs).__name__} {inputs!r}")
