"""The Metric base class and the reductions other metrics build on: Mean, Sum, MeanMetricWrapper.

A metric is stateful: `update_state(y_true, y_pred, sample_weight=None)` adds a batch to
its running totals, `result()` reads the value so far, `reset_state()` starts over.

    m = Mean()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    m.result()                 # 2.0

Inputs may be NumPy arrays, lists or neuronet Tensors; metrics read the values only and
never record a graph. Running totals are kept in float64 so that long epochs lose no
precision; `result()` returns a Python float (or, for a metric with several values, an
ndarray of the metric's `dtype`).
"""

import numpy as np

from ..backend import snake_case
from .. import backend, initializers
from ..autograd import Variable, as_array


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Bring two arrays whose ranks differ by one trailing axis of size 1 to the same rank.

    (n,) and (n, 1) become (n, 1) and (n, 1) (or (n,) and (n,) when `expand_rank_1` is
    False); any other pair is returned unchanged.
    """
    if x1.ndim == x2.ndim + 1:
        x1, x2 = _fit_ranks(x1, x2, expand_rank_1)
    elif x2.ndim == x1.ndim + 1:
        x2, x1 = _fit_ranks(x2, x1, expand_rank_1)
    return x1, x2


def _fit_ranks(longer, shorter, expand_rank_1):
    if longer.shape[-1] != 1:
        return longer, shorter
    if shorter.ndim == 1 and expand_rank_1:
        return longer, shorter[:, None]
    return longer[..., 0], shorter


def match_shapes(y_true, y_pred, caller, float_pred=False, rank_1_as_column=True):
    """y_true and y_pred as ndarrays of y_pred's dtype and one shape, one row per sample.

    A trailing axis of size 1 on one side only is squeezed or added, and (with
    `rank_1_as_column`) a rank-1 pair becomes a column, so that each of its entries
    counts as a sample. With `float_pred`, an integer y_pred is cast to floatx().
    """
    y_pred = as_array(y_pred)
    if float_pred and not backend.is_float_dtype(y_pred.dtype):
        y_pred = y_pred.astype(backend.floatx())
    y_true = as_array(y_true).astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{caller}: expected y_true and y_pred of the same shape, received "
                         f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
    if y_pred.ndim == 1 and rank_1_as_column:
        y_true, y_pred = y_true[:, None], y_pred[:, None]
    return y_true, y_pred


def loss_values(loss_fn, y_true, y_pred, caller, **kwargs):
    """The values of a function of `neuronet.losses` as an ndarray: one per sample, and
    one for a whole rank-1 pair (a single sample), as Keras' metric functions, which are
    its loss functions.

    y_true and y_pred are brought to one shape first (`match_shapes`); no graph is
    recorded. `kwargs` go to `loss_fn` (from_logits, axis, ...).
    """
    y_true, y_pred = match_shapes(y_true, y_pred, caller, float_pred=True,
                                  rank_1_as_column=False)
    return loss_fn(y_true, y_pred, **kwargs).data


def broadcast_sample_weight(sample_weight, shape, caller):
    """sample_weight as float64 broadcast to `shape` (ones when None).

    Leading axes line up: weights of shape (n,) weigh the rows of values of shape (n, c).
    """
    if sample_weight is None:
        return np.ones(shape)
    weights = as_array(sample_weight, np.float64)
    if 0 < weights.ndim < len(shape):
        weights = weights.reshape(weights.shape + (1,) * (len(shape) - weights.ndim))
    try:
        return np.broadcast_to(weights, shape)
    except ValueError:
        raise ValueError(f"{caller}: sample_weight of shape {weights.shape} cannot be broadcast "
                         f"to the values of shape {tuple(shape)}") from None


def masked_sample_weight(mask, sample_weight):
    """The weights of the entries `mask` keeps: mask (n, ...) times sample_weight, whose
    weights (n,) spread over the trailing axes of the mask; the mask alone when None."""
    mask = as_array(mask, np.float64)
    if sample_weight is None:
        return mask
    weight = as_array(sample_weight, np.float64)
    mask, weight = squeeze_or_expand_to_same_rank(mask, weight)      # (n,) and (n, 1)
    return mask * weight.reshape(weight.shape + (1,) * (mask.ndim - weight.ndim))


def check_integer(value, minimum, caller, argument):
    """`value` as an int; ValueError naming `argument` unless it is an integer >= `minimum`
    (any integer when `minimum` is None)."""
    if not backend.is_int(value) or (minimum is not None and value < minimum):
        expected = "an integer" if minimum is None else f"an integer >= {minimum}"
        raise ValueError(f"{caller}: expected `{argument}` to be {expected}, "
                         f"received {argument}={value!r}")
    return int(value)


def _is_scalar(value):
    """Whether `value` is one number: a Python or NumPy scalar, or a 0-D array."""
    return isinstance(value, (int, float, np.number)) or (
        isinstance(value, np.ndarray) and value.ndim == 0)


def _add_float(variable, amount):
    """`variable += amount` for a 0-D float64 state, in Python float arithmetic (the same
    sum, without NumPy's per-call cost on a 0-D array)."""
    variable.data[...] = float(variable.data) + amount


def safe_divide(a, b):
    """a / b elementwise, 0 where b == 0."""
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)


class Metric:
    """Base class of every metric: accumulated state, `update_state`, `result`, `reset_state`.

    Subclasses create their running totals in `__init__` with `add_variable` and update
    them in place (`variable.assign_add(...)`); the default `reset_state` zeroes them.
    `_direction` ('up', 'down' or None: unknown), as in Keras, is the way the result
    improves; the monitoring callbacks read it in mode 'auto'.
    """

    _direction = None

    def __init__(self, dtype=None, name=None):
        dtype = dtype or backend.floatx()
        try:
            is_float = backend.is_float_dtype(dtype)
        except TypeError:
            is_float = False
        if not is_float:
            raise ValueError(f"{type(self).__name__}: expected a float `dtype`, received {dtype!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: expected `name` to be a string, "
                            f"received {name!r}")
        self.name = name or snake_case(type(self).__name__)
        self._dtype = str(np.dtype(dtype))
        self._variables = []

    @property
    def dtype(self):
        return self._dtype

    @property
    def variables(self):
        """The state variables, in creation order."""
        return list(self._variables)

    def add_variable(self, shape, initializer="zeros", dtype="float64", name=None):
        """A new non-trainable state Variable that `reset_state` sets back to zero."""
        variable = Variable(initializers.get(initializer), shape=tuple(shape), dtype=dtype,
                            trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer="zeros", dtype="float64", name=None):
        """The older spelling of `add_variable`."""
        return self.add_variable(shape, initializer=initializer, dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        """Add a batch to the running totals."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state()")

    def result(self):
        """The metric's value over every batch seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def reset_state(self):
        """Forget every batch seen so far."""
        for variable in self._variables:
            variable.assign(np.zeros(variable.shape))

    def __call__(self, *args, **kwargs):
        """Update with one batch, then return the result so far (like Keras)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def _as_result(self, value):
        """The value in the metric's float dtype (floatx for an integer one, whose counts
        still give fractions): a NumPy scalar for a single value (as Keras' 0-d result:
        float(), .item(), .shape and .dtype work), else an ndarray."""
        dtype = self.dtype if np.dtype(self.dtype).kind == "f" else backend.floatx()
        return np.asarray(value).astype(dtype)[()]

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def reduce_to_samplewise(values, sample_weight, reduce, caller):
    """Values reduced to one per sample (axis 0), weighted by `sample_weight`, and the weights.

    As in Keras: values with more axes than the weights are first reduced over the extra
    axes, the weights are broadcast to the values and multiplied in, then both are
    reduced to one number per sample. Weights are None when `sample_weight` is None.
    """
    values = as_array(values, np.float64)
    weights = None
    if sample_weight is not None:
        weights = as_array(sample_weight, np.float64)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = reduce(values, axis=tuple(range(weights.ndim, values.ndim)))
        try:
            weights = np.broadcast_to(weights, values.shape)
        except ValueError:
            whole = ("; the values are one value for the whole batch (a rank-1 y_true and "
                     "y_pred are one sample, as in Keras): pass them as columns of shape "
                     "(n, 1) for a weight per entry") if values.ndim == 0 else ""
            raise ValueError(f"{caller}: sample_weight of shape {weights.shape} cannot be "
                             f"broadcast to the values of shape {values.shape}{whole}") from None
        values = values * weights
        if weights.ndim > 1:
            weights = reduce(weights, axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class Sum(Metric):
    """The (weighted) sum of the values: [1, 3, 5, 7] -> 16; with weights [1, 1, 0, 0] -> 4."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise(values, sample_weight, np.sum, self.name)
        self.total.assign_add(values.sum())

    def result(self):
        return self._as_result(self.total.data)


class Mean(Metric):
    """The (weighted) mean of the values: [1, 3, 5, 7] -> 4; with weights [1, 1, 0, 0] -> 2."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        if _is_scalar(values) and (sample_weight is None or _is_scalar(sample_weight)):
            weight = 1.0 if sample_weight is None else float(sample_weight)  # e.g. a loss
            _add_float(self.total, float(values) * weight)
            _add_float(self.count, weight)
            return
        values, weights = reduce_to_samplewise(values, sample_weight, np.mean, self.name)
        self.total.assign_add(values.sum())
        if weights is not None:
            self.count.assign_add(weights.sum())
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def result(self):
        count = float(self.count.data)
        return self._as_result(float(self.total.data) / count if count else 0.0)


class MeanMetricWrapper(Mean):
    """The weighted mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

        def squared(y_true, y_pred):
            return (y_true - y_pred) ** 2
        m = MeanMetricWrapper(squared, name="squared")

    `fn` receives ndarrays and returns one value per sample (any extra axes are averaged).
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: expected a callable `fn`, received {fn!r}")
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add a batch; where `y_pred` carries a mask (`_keras_mask`), masked steps count
        for nothing, as in Keras."""
        mask = getattr(y_pred, "_keras_mask", None)
        values = self._fn(as_array(y_true), as_array(y_pred), **self._fn_kwargs)
        if mask is not None:
            sample_weight = masked_sample_weight(mask, sample_weight)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        # A function of this package is saved by name; any other callable as itself.
        from . import FUNCTIONS
        name = getattr(self._fn, "__name__", None)
        fn = name if FUNCTIONS.get(name) is self._fn else self._fn
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        from . import deserialize
        config = dict(config)
        fn = config.pop("fn")
        return cls(fn if callable(fn) else deserialize(fn), **config)   # or a name, Keras' dict


class PresetMeanMetric(MeanMetricWrapper):
    """A MeanMetricWrapper whose function is chosen by the subclass; its config holds the
    function's keyword arguments (threshold, k, ...) next to name and dtype."""

    def get_config(self):
        return {**Metric.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
