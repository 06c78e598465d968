"""LambdaCallback: a callback made of plain functions."""
from .callback import HOOK_NAMES, Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given.

    `on_epoch_begin`/`on_epoch_end` receive (epoch, logs), `on_train_begin`/`on_train_end`
    receive (logs), `on_train_batch_begin`/`on_train_batch_end` receive (batch, logs). Any
    other hook of Callback can be given by name as a keyword argument, e.g.
    `LambdaCallback(on_test_end=lambda logs: ...)`.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        unknown = sorted(set(kwargs) - set(HOOK_NAMES))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hook(s) {unknown}; valid names are "
                            f"{list(HOOK_NAMES)}")
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
