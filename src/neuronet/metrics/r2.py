"""R2Score: the coefficient of determination of a regression, over every batch seen.

For each output column, with weights w,

    R^2 = 1 - sum(w (y_true - y_pred)^2) / sum(w (y_true - mean_w(y_true))^2)

1 is a perfect fit, 0 is no better than predicting the mean; it can be negative. The
sums are accumulated per batch: sum(w y), sum(w y^2), sum(w), and the residual sum.
"""
import warnings

import numpy as np

from .base import Metric, broadcast_sample_weight, check_integer, match_shapes

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """R^2 of each output column, then aggregated by `class_aggregation`.

    class_aggregation: 'uniform_average' (the mean over outputs), 'variance_weighted_average'
    (weighted by each output's variance of y_true) or None (one score per output).
    num_regressors: p > 0 gives the adjusted R^2, 1 - (1 - R^2)(n - 1) / (n - p - 1),
    where n counts every target value seen (samples x outputs, as in Keras); it falls back
    to R^2, with a warning, when p >= n - 1.
    Inputs: y_true and y_pred of shape (batch_size, outputs); a pair of rank-1 arrays is
    one output. An output whose y_true never varies scores 0 (or NaN if predicted exactly).
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(f"R2Score: invalid value for argument `class_aggregation`, expected "
                             f"one of {_AGGREGATIONS}, received "
                             f"class_aggregation={class_aggregation!r}")
        self.class_aggregation = class_aggregation
        self.num_regressors = check_integer(num_regressors, 0, "R2Score", "num_regressors")
        self._built = False

    def _build(self, num_outputs):
        for attribute in ("sum", "squared_sum", "total_mse", "count"):
            setattr(self, attribute, self.add_variable((num_outputs,), name=attribute))
        self.num_samples = self.add_variable((), name="num_samples")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = match_shapes(y_true, y_pred, self.name, float_pred=True)
        if y_pred.ndim != 2:
            raise ValueError(f"{self.name}: expected y_true and y_pred of shape (batch_size, "
                             f"outputs), received y_true.shape={y_true.shape} and "
                             f"y_pred.shape={y_pred.shape}")
        if not self._built:
            self._build(y_pred.shape[1])
        elif y_pred.shape[1:] != self.sum.shape:
            raise ValueError(f"{self.name}: expected {self.sum.shape[0]} outputs as in the "
                             f"earlier batches, received y_pred.shape={y_pred.shape}")
        weights = broadcast_sample_weight(sample_weight, y_true.shape, self.name)
        weighted_true = weights * y_true
        self.sum.assign_add(weighted_true.sum(axis=0))
        self.squared_sum.assign_add((weighted_true * y_true).sum(axis=0))
        self.total_mse.assign_add((weights * np.square(y_true - y_pred)).sum(axis=0))
        self.count.assign_add(weights.sum(axis=0))
        self.num_samples.assign_add(y_true.size)

    def result(self):
        if not self._built:
            return self._as_result(0.0)
        total_sum, count = self.sum.data, self.count.data
        with np.errstate(divide="ignore", invalid="ignore"):
            variation = self.squared_sum.data - total_sum * (total_sum / count)   # about the mean
            scores = 1.0 - self.total_mse.data / variation
            scores[np.isinf(scores)] = 0.0                   # y_true constant, y_pred not
            if self.class_aggregation == "uniform_average":
                scores = scores.mean()
            elif self.class_aggregation == "variance_weighted_average":
                scores = (variation * scores).sum() / variation.sum()
        return self._as_result(self._adjusted(scores))

    def _adjusted(self, score):
        """The adjusted R^2 for `num_regressors` > 0 (the plain one when it is undefined)."""
        p, n = self.num_regressors, float(self.num_samples.data)
        if p == 0:
            return score
        if p >= n - 1:
            warnings.warn(f"{self.name}: the adjusted R2 score needs fewer regressors than data "
                          f"points minus one (num_regressors={p}, {n:g} values seen); "
                          f"reporting the plain R2 score.", stacklevel=3)
            return score
        return 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
