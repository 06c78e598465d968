"""TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite."""
import math

from ..io_utils import print_msg
from .callback import Callback


class TerminateOnNaN(Callback):
    """Stop training when a batch ends with a NaN or infinite loss.

    Args:
        raise_error: raise a RuntimeError at once instead of setting `model.stop_training`
            (which lets the loop end the epoch and call `on_train_end`).
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: NaN or Inf loss encountered at batch {batch} "
                               f"(loss={loss}).")
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
