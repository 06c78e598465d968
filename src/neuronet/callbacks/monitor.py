"""What the monitoring callbacks share: which way a monitored quantity improves."""
import re
import warnings

MODES = ("auto", "min", "max")

# Metric names (after 'val_' and a '_1'-style suffix are removed) that improve upwards.
_MAXIMIZED = ("acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "r2_score")


def monitor_direction(monitor, mode, caller):
    """'min' or 'max': the way `monitor` improves.

    mode 'auto' infers it from the name: accuracies, AUC, precision, recall, F-scores and
    R2 improve upwards; losses and every other quantity (errors, ...) downwards.
    """
    if mode not in MODES:
        raise ValueError(f"{caller}: expected mode to be one of {MODES}, received {mode!r}")
    if mode != "auto":
        return mode
    name = re.sub(r"_\d+$", "", monitor.removeprefix("val_"))
    return "max" if name.endswith(_MAXIMIZED) else "min"


def worst_value(direction):
    """The starting `best` of a quantity that improves in `direction`: inf for 'min',
    -inf for 'max', so that the first value monitored improves on it."""
    return float("inf") if direction == "min" else -float("inf")


def is_improvement(current, reference, direction, min_delta):
    """Whether `current` beats `reference` by more than `min_delta` in `direction`."""
    if direction == "min":
        return current < reference - min_delta
    return current > reference + min_delta


def monitored_value(logs, monitor, what):
    """`logs[monitor]`, or None with a warning naming the keys that are there."""
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(f"{what} is conditioned on metric `{monitor}` which is not available. "
                      f"Available metrics are: {','.join(logs or {})}", stacklevel=3)
    return value
