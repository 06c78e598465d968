"""EarlyStopping: stop training when a monitored quantity has stopped improving."""
from ..io_utils import print_msg
from .monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving.

    At the end of each epoch the monitored value counts as an improvement when it beats
    the best so far by more than `min_delta`. After `patience` epochs without one,
    `model.stop_training` is set and `stopped_epoch` records the epoch.

    Args:
        monitor: the log key to watch, e.g. 'val_loss' or 'val_accuracy'.
        min_delta: the smallest change that counts as an improvement (its sign is ignored).
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when training stops or weights are restored.
        mode: 'min', 'max', or 'auto' to infer the direction (see MonitorCallback).
        baseline: a value the monitored quantity must beat; until it does, epochs count
            as without improvement even when they beat the best so far.
        restore_best_weights: at the end of training, set the model's weights back to those
            of the best epoch (whether or not training stopped early).
        start_from_epoch: number of warm-up epochs during which nothing is monitored.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def get_monitor_value(self, logs):
        """The monitored value in an epoch's `logs`; None, with a warning, when missing."""
        return self._monitored_value(logs, "Early stopping conditioned on metric `{monitor}` "
                                           "which is not available. Available metrics are: "
                                           "{available}")

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until an epoch improves, the first monitored weights are the best known.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._improves(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The count restarts only when the baseline is beaten too.
            if self._improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
