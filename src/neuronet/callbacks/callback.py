"""Callback, the base of every callback, and CallbackList, which drives a group of them.

The training loop calls the hooks of a CallbackList at fixed points (train, epoch and
batch begin/end; the same for evaluation and prediction); the list calls the same hook
on each of its callbacks, in order. All callbacks of one list share the same `logs`
dict at epoch end, so a value a callback adds there (e.g. 'learning_rate') is seen by
the callbacks after it and by History.
"""


class Callback:
    """Base class of callbacks: every hook is a no-op; subclasses override the ones they need.

    Attributes:
        params: dict of training parameters ('verbose', 'epochs', 'steps').
        model: the model being trained, evaluated or used for prediction.
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    # --- batch hooks: `on_batch_*` are the older names of `on_train_batch_*` -------------------
    def on_batch_begin(self, batch, logs=None):
        """Called before each training batch (alias of `on_train_batch_begin`)."""

    def on_batch_end(self, batch, logs=None):
        """Called after each training batch (alias of `on_train_batch_end`)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch; `batch` is its index within the epoch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch; `logs` holds the epoch-to-date averages."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch; `logs` holds the running averages."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch; `logs` holds the batch's 'outputs'."""

    # --- epoch hooks (training only) ----------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch; `epoch` counts from 0."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch; `logs` holds the epoch's results ('val_*' included)."""

    # --- whole-run hooks ----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        """Called at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called at the end of `fit`."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` (and of validation inside `fit`)."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` (and of validation inside `fit`)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""


HOOK_NAMES = tuple(name for name in vars(Callback) if name.startswith("on_"))

# The base's training batch hooks call their older aliases: overriding either counts.
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, hook):
    """Whether `callback` does something in `hook` (it or its alias is not the base's no-op)."""
    names = (hook, _ALIASES[hook]) if hook in _ALIASES else (hook,)
    return any(getattr(type(callback), name) is not getattr(Callback, name) or
               name in vars(callback) for name in names)


def pythonify_logs(logs):
    """A copy of `logs` sorted by key, with scalar values (arrays, tensors) as Python floats."""
    result = {}
    for key, value in sorted(logs.items()):
        if not isinstance(value, str):
            try:
                value = float(value)
            except (TypeError, ValueError):
                pass
        result[key] = value
    return result


class CallbackList(Callback):
    """Calls each hook on every callback it holds, in order.

    Args:
        callbacks: a list of Callback instances, one Callback, or None.
        add_history: append a History callback unless one is already in `callbacks`.
        add_progbar: append a ProgbarLogger unless one is already in `callbacks`.
        model: the model the callbacks work with; `model.history` is set to the History.
        **params: passed to every callback through `set_params` (verbose, epochs, steps).
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        if isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks) if callbacks else []
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError("CallbackList: expected instances of "
                                "neuronet.callbacks.Callback, received "
                                f"{callback!r} of type {type(callback).__name__}")
        self._add_default_callbacks(add_history, add_progbar)
        self._batch_hook_callbacks = {}              # hook -> the callbacks overriding it
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        # Imported here: both modules import this one for the Callback base.
        from .history import History
        from .progbar_logger import ProgbarLogger

        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback):
        self.callbacks.append(callback)
        self._batch_hook_callbacks = {}

    def set_params(self, params):
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _call_all(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def _call_batch_hook(self, hook, batch, logs, convert=None):
        """Call a batch hook on the callbacks that override it (or its older alias);
        with none, skip it and the logs' conversion (as Keras does)."""
        callbacks = self._batch_hook_callbacks.get(hook)
        if callbacks is None:                        # worked out once per hook
            callbacks = [c for c in self.callbacks if _overrides(c, hook)]
            self._batch_hook_callbacks[hook] = callbacks
        if callbacks:
            logs = logs or {}
            logs = convert(logs) if convert else logs
            for callback in callbacks:
                getattr(callback, hook)(batch, logs)

    # Batch-end logs reach the callbacks as sorted Python floats; epoch-end logs are passed
    # through as the same dict, so that what callbacks add there reaches the caller.
    def on_batch_begin(self, batch, logs=None):
        self._call_batch_hook("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch_hook("on_batch_end", batch, logs, pythonify_logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch_hook("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch_hook("on_train_batch_end", batch, logs, pythonify_logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch_hook("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch_hook("on_test_batch_end", batch, logs, pythonify_logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch_hook("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch_hook("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call_all("on_epoch_begin", epoch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self._call_all("on_epoch_end", epoch, {} if logs is None else logs)

    def on_train_begin(self, logs=None):
        self._call_all("on_train_begin", logs or {})

    def on_train_end(self, logs=None):
        self._call_all("on_train_end", logs or {})

    def on_test_begin(self, logs=None):
        self._call_all("on_test_begin", logs or {})

    def on_test_end(self, logs=None):
        self._call_all("on_test_end", logs or {})

    def on_predict_begin(self, logs=None):
        self._call_all("on_predict_begin", logs or {})

    def on_predict_end(self, logs=None):
        self._call_all("on_predict_end", logs or {})
