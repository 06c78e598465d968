"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving."""
import numpy as np

from ..io_utils import print_msg
from .learning_rate_scheduler import current_learning_rate
from .monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    Each epoch's logs also receive the learning rate used during it, as 'learning_rate'.

    Args:
        monitor: the log key to watch.
        factor: the multiplier of the learning rate, below 1.
        patience: epochs without improvement after which the rate is lowered.
        verbose: 1 prints a message when the rate is lowered.
        mode: 'min', 'max', or 'auto' to infer the direction (see MonitorCallback).
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate is never lowered below this.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau: expected factor < 1.0, "
                             f"received factor={factor}")
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        learning_rate = current_learning_rate(self.model, "ReduceLROnPlateau")
        logs["learning_rate"] = learning_rate
        current = self._monitored_value(logs, "Learning rate reduction is conditioned on "
                                              "metric `{monitor}` which is not available. "
                                              "Available metrics are: {available}.")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            # float32 comparison: a rate already clamped to min_lr is not lowered again.
            if self.wait >= self.patience and learning_rate > np.float32(self.min_lr):
                new_rate = max(learning_rate * self.factor, self.min_lr)
                self.model.optimizer.learning_rate = new_rate
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                          f"to {new_rate}.")
                self.cooldown_counter = self.cooldown
                self.wait = 0
