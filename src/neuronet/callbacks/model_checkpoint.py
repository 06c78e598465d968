"""ModelCheckpoint: save the model (or its weights) during training."""
import os

from ..io_utils import print_msg
from .monitor import MonitorCallback
from .save_frequency import SaveFrequency


class ModelCheckpoint(MonitorCallback):
    """Save the model, or only its weights, at the end of every epoch or every
    `save_freq` batches.

    Args:
        filepath: where to save; may hold `str.format` fields filled with the epoch
            (from 1) and the logs, e.g. 'model-{epoch:02d}-{val_loss:.2f}.keras'. It must
            end in '.keras', or in '.h5' / '.hdf5' for the legacy HDF5 format; with
            save_weights_only=True, in '.weights.h5' (or '.h5' / '.hdf5' for Keras 2's layout).
        monitor: the log key that decides which save is the best, e.g. 'val_loss'.
        verbose: 1 prints a line at each save (or skipped save).
        save_best_only: save only when `monitor` improves on the best value so far (every
            time, with a warning, when the logs lack it, as Keras does).
        save_weights_only: save with `save_weights` instead of `save`.
        mode: 'min', 'max', or 'auto' to infer the direction (see MonitorCallback).
        save_freq: 'epoch', or an integer: save every that many batches.
        initial_value_threshold: the value `monitor` must beat for the first save
            (with save_best_only).
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, None if initial_value_threshold is None
                         else float(initial_value_threshold))
        self.filepath = os.fspath(filepath)
        suffixes = (".weights.h5" if save_weights_only else ".keras", ".h5", ".hdf5")
        if not self.filepath.endswith(suffixes):
            what = "with save_weights_only=True " if save_weights_only else ""
            raise ValueError(f"ModelCheckpoint: {what}the filepath must end in `{suffixes[0]}` "
                             "(or in `.h5` / `.hdf5` for the legacy HDF5 format). Received: "
                             f"filepath={self.filepath!r}")
        self._save_frequency = SaveFrequency(save_freq, "ModelCheckpoint")
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._save_frequency.batch_ended():
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._file_path(epoch, batch, logs)
        current = None
        if self.save_best_only:
            current = self._monitored_value(logs, "Can save best model only with {monitor} "
                                                  "available.")
        if current is not None:
            best = "None" if self.best is None else f"{self.best:.5f}"
            if not self._improves(current, self.best):
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
                return
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                          f"{current:.5f}, saving model to {filepath}")
            self.best = current
        elif self.verbose > 0 and not self.save_best_only:
            print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _file_path(self, epoch, batch, logs):
        """`filepath` with its fields filled: epoch (from 1), batch (from 1) and the logs."""
        fields = {"epoch": epoch + 1, **logs}
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError, ValueError) as error:
            raise KeyError(f"ModelCheckpoint: failed to format the filepath {self.filepath!r} "
                           f"with epoch, batch and the log keys {sorted(logs)}: "
                           f"{error!r}") from None
