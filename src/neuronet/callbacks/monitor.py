"""What the monitoring callbacks share: the monitored log key and which way it improves."""
import warnings

from .callback import Callback

MODES = ("auto", "min", "max")


class MonitorCallback(Callback):
    """A callback that watches one log key (EarlyStopping, ModelCheckpoint,
    ReduceLROnPlateau).

    mode 'min' / 'max' says which way `monitor` improves; 'auto' (also what an unknown mode
    falls back to, with a warning) infers it as Keras 3 does, when the first value is read:
    down for a loss, else the `_direction` of the compiled metric logged under that key
    (accuracies, AUC, precision, recall ... up; errors down); a ValueError when neither
    tells. `best` is None until a value has been seen; `min_delta` (its sign ignored) is
    the change that counts as an improvement.
    """

    def __init__(self, monitor, mode, baseline=None, min_delta=0):
        super().__init__()
        if mode not in MODES:
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          "mode.", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode = monitor, mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._known_direction = None if mode == "auto" else mode

    @property
    def direction(self):
        """'min' or 'max': the way the monitored value improves."""
        if self._known_direction is None:
            self._known_direction = self._infer_direction()
        return self._known_direction

    def _infer_direction(self):
        key = self.monitor.removeprefix("val_")
        if key == "loss" or key.endswith("_loss"):
            return "min"
        compiled = getattr(self.model, "compiled_metrics", None)
        way = compiled.direction_of(key) if compiled is not None else None
        if way is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor!r}, but the "
                "direction in which that metric improves is unknown. Pass mode='max' to "
                "monitor based on the highest metric value, or mode='min' to use the lowest.")
        return "max" if way == "up" else "min"

    def _improves(self, current, reference):
        """Whether `current` beats `reference` (None: nothing to beat) by more than
        `min_delta` in the monitored direction."""
        direction = self.direction                 # inferred on first use, even with no reference
        if reference is None:
            return True
        if direction == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def _monitored_value(self, logs, warning):
        """`logs[monitor]`, or None with the `warning` (a format string of `monitor` and
        `available`, the keys that are there); first infers the direction, which raises when
        unknown, as Keras does."""
        self.direction                           # 'auto' settles here; unknown: ValueError
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(warning.format(monitor=self.monitor, available=",".join(logs or {})),
                          stacklevel=3)
        return value
