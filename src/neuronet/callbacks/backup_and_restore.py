"""BackupAndRestore: resume a `fit` that was interrupted, at the epoch where it stopped."""
import json
import os

from ..saving.atomic import atomic_write
from .callback import Callback
from .save_frequency import SaveFrequency


class BackupAndRestore(Callback):
    """Back up the model's weights and optimizer state (and the epoch reached) in
    `backup_dir` during training; a later `fit` with the same callback restores them and
    goes on from the first epoch not completed.

    Args:
        backup_dir: the folder of the backup (created when needed).
        save_freq: 'epoch' (back up at the end of every epoch) or an integer: back up
            every that many batches (a resumed fit restarts the interrupted epoch).
        double_checkpoint: keep the previous backup as well, and fall back on it if the
            latest cannot be read.
        delete_checkpoint: delete `backup_dir` when training ends normally.

    The model's `fit` starts at the restored epoch through `model._initial_epoch`.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: empty `backup_dir` argument")
        self._save_frequency = SaveFrequency(save_freq, "BackupAndRestore")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._current_epoch = 0
        self._epoch_running = False

    # --- restoring ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError("BackupAndRestore: the model must be built before fit(); build "
                             f"model '{self.model.name}' by calling it on a batch of data or "
                             "with build(input_shape)")
        try:
            self._restore(self._weights_path, self._metadata_path)
        except (OSError, ValueError):
            if not (self.double_checkpoint and os.path.exists(self._weights_path + ".bkp")):
                raise
            self._restore(self._weights_path + ".bkp", self._metadata_path + ".bkp")

    def _restore(self, weights_path, metadata_path):
        if os.path.exists(weights_path):
            self.model.load_weights(weights_path)
        if os.path.exists(metadata_path):
            with open(metadata_path, encoding="utf-8") as file:
                self.model._initial_epoch = json.load(file)["epoch"]

    # --- backing up ---------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_running = True

    def on_train_batch_end(self, batch, logs=None):
        if self._save_frequency.batch_ended():
            self._backup()

    def on_epoch_end(self, epoch, logs=None):
        self._epoch_running = False
        self._current_epoch = epoch + 1
        if self.save_freq == "epoch":
            self._backup()

    def _backup(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            import shutil        # here and below, not at the top: `import neuronet` stays quicker
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    shutil.copyfile(path, path + ".bkp")
        self.model.save_weights(self._weights_path, overwrite=True)
        with atomic_write(self._metadata_path) as file:
            file.write(json.dumps({"epoch": self._current_epoch}).encode("utf-8"))

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None
        interrupted = self._epoch_running          # an epoch began and never ended
        if self.delete_checkpoint and not interrupted and os.path.exists(self.backup_dir):
            import shutil
            shutil.rmtree(self.backup_dir)
