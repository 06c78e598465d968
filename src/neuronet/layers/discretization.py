"""Discretization: numbers to the index of the range they fall in (Keras 3 semantics).

    bins = keras.layers.Discretization(bin_boundaries=[0., 1., 2.])
    bins([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])       # [[0, 2, 3, 1], [1, 3, 2, 1]]

The boundaries b_0 <= b_1 <= ... make the ranges (-inf, b_0), [b_0, b_1), ..., [b_last, inf):
a value equal to a boundary goes to the range above it. `adapt` computes num_bins - 1
boundaries at the quantiles of the data, by Keras' approximate quantile summary.
"""
import numbers

import numpy as np

from ..autograd import Tensor
from .category_encoding import ENCODING_MODES, encode_categorical, encoded_shape
from .index_lookup import TokenLayer, batches_of, check_choice, check_not_set


class Discretization(TokenLayer):
    """A preprocessing layer that buckets numbers by ranges.

    Args:
        bin_boundaries: the boundaries between the ranges, in increasing order: the ranges
            are (-inf, b_0), [b_0, b_1), ..., [b_last, inf). Leave it None to learn them
            with `adapt`.
        num_bins: with `adapt` (and without bin_boundaries): the number of ranges to learn.
        epsilon: the error tolerance of the quantiles `adapt` computes (a small fraction:
            the data of a batch is summarized by about 1 / epsilon values).
        output_mode: 'int' (the range indices, the default), or the encodings of
            CategoryEncoding with the number of ranges as num_tokens: 'one_hot',
            'multi_hot', 'count'.
        sparse: must be False (no sparse tensors here).

    Input: numbers of any shape (compared in the layer's float dtype, floatx by default).
    Output: 'int' int32 range indices of the inputs' shape; the other modes floats, shaped
    as CategoryEncoding's (Keras supports those up to rank 2; higher ranks encode the
    last axis). Not differentiable.
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        super().__init__(**kwargs)
        if bin_boundaries is not None and num_bins is not None:
            raise ValueError(f"Discretization: give either 'bin_boundaries' or 'num_bins' (to "
                             f"adapt), not both; received bin_boundaries={bin_boundaries!r} "
                             f"and num_bins={num_bins!r}")
        if bin_boundaries is None and num_bins is None:
            raise ValueError("Discretization: give 'bin_boundaries', or 'num_bins' and then "
                             "call adapt(); received neither")
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(
                num_bins, numbers.Integral) or num_bins < 1):
            raise ValueError(f"Discretization: expected a positive integer for argument "
                             f"'num_bins', received num_bins={num_bins!r}")
        if (isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real)
                or not 0 < epsilon <= 1):
            raise ValueError(f"Discretization: expected a number in (0, 1] for argument "
                             f"'epsilon', received epsilon={epsilon!r}")
        self.output_mode = check_choice("Discretization", "output_mode", output_mode,
                                        ("int",) + ENCODING_MODES)
        check_not_set("Discretization", "sparse", sparse,
                      "sparse outputs are not supported (neuronet has no sparse tensors)")
        self.bin_boundaries = (None if bin_boundaries is None
                               else _checked_boundaries(bin_boundaries))
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = float(epsilon)
        self.sparse = False
        self.reset_state()

    def _depth(self):
        """The number of ranges."""
        if self.bin_boundaries is None:
            return self.num_bins
        return len(self.bin_boundaries) + 1

    # --- adapt -------------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn num_bins - 1 boundaries at the quantiles of `data`: an array, list or Tensor
        (one batch), or an iterable of batches such as a Dataset (the first `steps`).

        As Keras computes them: each batch is summarized by every k-th of its sorted values
        (k = its size * epsilon, at least 1), each weighing k; the summaries are merged
        (and thinned to about 1 / epsilon values once they grow past it); the boundaries
        are the values at the cumulative weight fractions 1/num_bins, 2/num_bins, ...,
        interpolated linearly.
        """
        if self.num_bins is None:
            raise ValueError(f"Discretization '{self.name}' was given 'bin_boundaries'; adapt() "
                             "applies only to a layer created with 'num_bins'")
        self.reset_state()
        for batch in batches_of("Discretization", data, steps):
            self.update_state(batch)
        self.finalize_state()

    def reset_state(self):
        """Forget the summary of an adapt in progress."""
        self._summary = np.zeros((2, 0), np.float32)       # rows: values, weights

    def update_state(self, data):
        """Merge the summary of one batch of numbers into the layer's (see `adapt`)."""
        values = np.asarray(data.data if isinstance(data, Tensor) else data)
        if values.dtype.kind not in "biuf" or not np.isfinite(values).all():
            raise ValueError(f"Discretization.adapt: expected finite numbers, received data of "
                             f"dtype {values.dtype}" + (" with NaN or inf values"
                                                        if values.dtype.kind == "f" else ""))
        merged = np.concatenate([_summary_of(values.astype(np.float32), self.epsilon),
                                 self._summary], axis=1)
        merged = merged[:, np.argsort(merged[0])]
        self._summary = _thinned(merged, self.epsilon)

    def finalize_state(self):
        """Set the boundaries from the summary (see `adapt`)."""
        if self.num_bins is None:
            return
        if self._summary.shape[1] == 0:
            raise ValueError(f"Discretization '{self.name}': adapt() received no values")
        self.bin_boundaries = _thinned(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    # --- calling -----------------------------------------------------------------------------
    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization '{self.name}' has no bin boundaries yet: pass "
                             "'bin_boundaries' when creating it, or call adapt() first")
        values = np.asarray(inputs.data)
        if values.dtype.kind not in "biuf":
            raise TypeError(f"Discretization '{self.name}': expected numbers, received values "
                            f"of dtype {values.dtype}")
        values = values.astype(self.dtype, copy=False)
        ids = np.digitize(values, np.asarray(self.bin_boundaries, dtype=self.dtype))
        if self.output_mode == "int":
            return Tensor(ids.astype(np.int32))
        return Tensor(encode_categorical(ids, self.output_mode, self._depth(), self.dtype))

    def _output_dtype(self):
        return "int32" if self.output_mode == "int" else self.dtype

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    # --- config ------------------------------------------------------------------------------
    def get_config(self):
        """The arguments; after adapt, both num_bins and the learned bin_boundaries. No
        'trainable' (Keras' Discretization neither writes nor takes it)."""
        config = {key: value for key, value in super().get_config().items()
                  if key != "trainable"}
        return {**config, "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse}

    @classmethod
    def from_config(cls, config):
        """The layer of `config`, also that of an adapted layer (num_bins and boundaries)."""
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if config.get("num_bins") is None:
            return cls(bin_boundaries=boundaries, **config)
        layer = cls(**config)
        layer.bin_boundaries = None if boundaries is None else _checked_boundaries(boundaries)
        return layer


def _checked_boundaries(boundaries):
    """The boundaries as a list of floats; a ValueError unless they are finite, increasing
    numbers (equal neighbours allowed)."""
    array = np.asarray(boundaries.data if isinstance(boundaries, Tensor) else boundaries)
    if (array.ndim != 1 or array.dtype.kind not in "biuf" or not np.isfinite(array).all()
            or np.any(np.diff(array) < 0)):
        raise ValueError(f"Discretization: expected a list of finite numbers in increasing "
                         f"order for argument 'bin_boundaries', received "
                         f"bin_boundaries={boundaries!r}")
    return array.astype(np.float64).tolist()


def _summary_of(values, epsilon):
    """The summary of a batch (float32, rows: values, weights): every k-th of its sorted
    values, k = max(size * epsilon, 1), each weighing k."""
    values = np.sort(values.ravel())
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.full(picked.shape, step, np.float32)])


def _thinned(summary, epsilon):
    """`summary` as the values at the cumulative weight fractions epsilon, 2 epsilon, ..., 1
    (interpolated linearly) with the weights between them; unchanged while it has fewer
    than 1 / epsilon values."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    at = cumulative / cumulative[-1]
    values = np.interp(fractions, at, summary[0])
    weights = np.diff(np.interp(fractions, at, cumulative), prepend=0)
    return np.stack([values, weights]).astype(np.float32)
