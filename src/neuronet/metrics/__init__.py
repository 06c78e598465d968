"""Metrics by Keras name: stateful Metric objects and the per-sample functions behind them.

    m = metrics.get("auc")            # or metrics.AUC(), metrics.get(metrics.AUC), ...
    m.update_state(y_true, y_pred)    # once per batch
    m.result()                        # the value over every batch so far
    m.reset_state()                   # at the start of an epoch
"""
import inspect

from .accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy,
                       binary_accuracy, categorical_accuracy, resolve_accuracy,
                       sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                       top_k_categorical_accuracy)
from ..saving.object_registration import get_registered_object
from .base import Mean, MeanMetricWrapper, Metric, Sum, snake_case
from .confusion import (AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives,
                        TruePositives)
from .correlation import (ConcordanceCorrelation, PearsonCorrelation, concordance_correlation,
                          pearson_correlation)
from .f_score import F1Score, FBetaScore
from .hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .probabilistic import (BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson,
                            SparseCategoricalCrossentropy, binary_crossentropy,
                            binary_focal_crossentropy, categorical_crossentropy,
                            categorical_focal_crossentropy, kl_divergence, poisson,
                            sparse_categorical_crossentropy)
from .r2 import R2Score
from .regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                         MeanAbsolutePercentageError, MeanSquaredError,
                         MeanSquaredLogarithmicError, RootMeanSquaredError, cosine_similarity,
                         huber, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                         mean_squared_error, mean_squared_logarithmic_error)
from .sensitivity_specificity import (PrecisionAtRecall, RecallAtPrecision,
                                      SensitivityAtSpecificity, SpecificityAtSensitivity)

__all__ = [
    "Metric", "Mean", "Sum", "MeanMetricWrapper",
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
    "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision", "Recall",
    "AUC", "SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
    "RecallAtPrecision", "F1Score", "FBetaScore",
    "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU",
    "MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "CosineSimilarity", "LogCoshError", "R2Score",
    "PearsonCorrelation", "ConcordanceCorrelation",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "cosine_similarity", "log_cosh", "huber",
    "pearson_correlation", "concordance_correlation",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "binary_focal_crossentropy", "categorical_focal_crossentropy",
    "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
    "get", "serialize", "deserialize", "get_function", "resolve_accuracy",
]

_CLASSES = (
    Mean, Sum, MeanMetricWrapper,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC,
    SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision,
    F1Score, FBetaScore, IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU,
    MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    PearsonCorrelation, ConcordanceCorrelation,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence,
    Poisson, Hinge, SquaredHinge, CategoricalHinge,
)
# Short names (Keras 3, tf.keras 2), also accepted in capitals ('MSE').
_SHORT_NAMES = {
    "acc": Accuracy, "mse": MeanSquaredError, "mae": MeanAbsoluteError,
    "rmse": RootMeanSquaredError, "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "kld": KLDivergence,
}
_ALIASES = {
    "kullback_leibler_divergence": KLDivergence, "log_cosh": LogCoshError, "logcosh": LogCoshError,
    # the readable spellings beside Keras' own 'io_u', 'mean_io_u', 'f_beta_score', ...
    "iou": IoU, "mean_iou": MeanIoU, "binary_iou": BinaryIoU, "one_hot_iou": OneHotIoU,
    "one_hot_mean_iou": OneHotMeanIoU, "fbeta_score": FBetaScore,
}
# 'BinaryAccuracy', 'binary_accuracy', 'mse', 'MSE', ... -> the class
CLASSES = {**{cls.__name__: cls for cls in _CLASSES},
           **{snake_case(cls.__name__): cls for cls in _CLASSES},
           **_ALIASES, **_SHORT_NAMES,
           **{alias.upper(): cls for alias, cls in _SHORT_NAMES.items()}}


# The per-sample functions, by name (how MeanMetricWrapper saves them).
FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, log_cosh, huber,
    pearson_correlation, concordance_correlation,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_focal_crossentropy, categorical_focal_crossentropy,
    kl_divergence, poisson, hinge, squared_hinge, categorical_hinge)}


def _valid_names():
    return sorted(name for name in CLASSES if name == name.lower())


def get(identifier):
    """A Metric instance from a name, a class, an instance, a config dict or a function.

    Strings are Keras names ('accuracy', 'auc', 'mse', 'MeanSquaredError', ...); a class
    is instantiated with its defaults; a plain function f(y_true, y_pred) is wrapped in a
    MeanMetricWrapper named after it. None gives None. The string 'accuracy' gives
    Accuracy (exact equality): `compile` picks the variant with `resolve_accuracy`.
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        found = get_registered_object(identifier, module_objects=CLASSES)
        if found is None:
            raise ValueError(f"Unknown metric {identifier!r}; valid names are: "
                             f"{', '.join(_valid_names())}")
        identifier = found
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        required = _required_arguments(identifier)
        if required:
            raise ValueError(f"The metric {identifier.__name__} has no default for "
                             f"{', '.join(required)}: pass an instance, e.g. "
                             f"metrics.{identifier.__name__}({required[0]}=...)")
        return identifier()
    if callable(identifier) and not inspect.isclass(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier {identifier!r}: expected a metric "
                     f"name, a Metric class or instance, a config dict or a function "
                     f"f(y_true, y_pred)")


def _required_arguments(cls):
    """The names of the arguments of `cls(...)` that have no default."""
    parameters = inspect.signature(cls).parameters.values()
    return [p.name for p in parameters
            if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def get_function(identifier):
    """A per-sample metric function from its name (or the callable itself)."""
    if callable(identifier):
        return identifier
    if identifier not in FUNCTIONS:
        raise ValueError(f"Unknown metric function {identifier!r}; valid names are: "
                         f"{', '.join(sorted(FUNCTIONS))}")
    return FUNCTIONS[identifier]


def serialize(metric):
    """{'class_name': ..., 'config': ...} for a Metric; a function's name for a function."""
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return metric.__name__


def deserialize(config, custom_objects=None):
    """The Metric (or function) that `serialize` described; `custom_objects` adds names."""
    if isinstance(config, str):
        return get_registered_object(config, custom_objects) or get_function(config)
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if class_name == "function":                 # Keras 3's form of a function, by name
        return deserialize(config.get("config"), custom_objects)
    metric_class = (None if class_name is None
                    else get_registered_object(class_name, custom_objects, CLASSES))
    if metric_class is None:
        raise ValueError(f"Unknown metric class {class_name!r} in {config!r}; valid names are: "
                         f"{', '.join(sorted(cls.__name__ for cls in _CLASSES))}")
    return metric_class.from_config(config.get("config", {}))
