"""LearningRateScheduler: set the optimizer's learning rate at the start of each epoch."""
import inspect

from ..io_utils import print_msg
from .callback import Callback


def current_learning_rate(model, caller):
    """The learning rate of `model.optimizer`, as a Python float."""
    optimizer = getattr(model, "optimizer", None)
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{caller}: the model's optimizer must have a `learning_rate` "
                         f"attribute, received {optimizer!r}")
    return float(optimizer.learning_rate)


def _takes_learning_rate(schedule):
    """Whether `schedule` accepts (epoch, lr) rather than only (epoch)."""
    try:
        inspect.signature(schedule).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature available (some builtins): assume the current form
        return True
    return True


class LearningRateScheduler(Callback):
    """Set the learning rate from `schedule` at the start of each epoch.

    Args:
        schedule: a function `schedule(epoch, lr) -> new_lr` (epoch counts from 0, lr is the
            current learning rate), or `schedule(epoch) -> new_lr`.
        verbose: 1 prints the new learning rate each epoch.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: expected a callable schedule, "
                            f"received {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _takes_learning_rate(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        learning_rate = current_learning_rate(self.model, "LearningRateScheduler")
        if self._takes_lr:
            new_rate = self.schedule(epoch, learning_rate)
        else:
            new_rate = self.schedule(epoch)
        try:
            new_rate = float(new_rate)
        except (TypeError, ValueError):
            raise ValueError("LearningRateScheduler: the schedule must return a float, "
                             f"received {new_rate!r} at epoch {epoch}") from None
        self.model.optimizer.learning_rate = new_rate
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{new_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = current_learning_rate(self.model, "LearningRateScheduler")
