"""History: records the epoch-end logs of `fit`; `fit` returns it."""
from .callback import Callback


class History(Callback):
    """Records each epoch's results.

    Attributes:
        history: dict mapping each log key ('loss', 'val_loss', ...) to its list of
            per-epoch values.
        epoch: the list of epoch indices recorded (from 0).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
