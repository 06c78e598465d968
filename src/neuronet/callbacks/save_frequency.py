"""What the saving callbacks share: saving at each epoch end or every `save_freq` batches."""


class SaveFrequency:
    """When a callback saves: `save_freq` is 'epoch' (the callback saves at each epoch end)
    or a positive int (it saves after every that many training batches)."""

    def __init__(self, save_freq, caller):
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"{caller}: expected save_freq='epoch' or a positive integer, "
                             f"received save_freq={save_freq!r}")
        self.save_freq = save_freq
        self._batches_since_save = 0

    def batch_ended(self):
        """Count one training batch; True when `save_freq` batches have ended since the
        last save (never with save_freq='epoch')."""
        if self.save_freq == "epoch":
            return False
        self._batches_since_save += 1
        if self._batches_since_save < self.save_freq:
            return False
        self._batches_since_save = 0
        return True
