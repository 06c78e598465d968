"""Training: compile, fit, evaluate, predict and their one-batch forms (Keras semantics).

`fit` is the plain loop it claims to be: for each shuffled mini-batch, forward, loss,
backward, one optimizer step, metrics, callbacks.
"""
import warnings

import numpy as np

from .. import backend
from .. import callbacks as callbacks_module
from .. import metrics as metrics_module
from .. import optimizers
from ..autograd import Tensor, as_array, backpropagate, no_grad
from ..autograd.graph import recording
from . import data_adapter
from .compile_utils import CompiledLoss, CompiledMetrics
from .data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight


class Trainer:
    """The training methods of Model: compile / fit / evaluate / predict."""

    compiled = False
    stop_training = stop_evaluating = stop_predicting = False   # set by callbacks to stop
    optimizer = loss = None             # until compile(), as in Keras
    run_eagerly = jit_compile = False
    steps_per_execution = 1

    # --- compile -----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Set the optimizer, loss(es) and metrics; freezes the trainable set (Keras' rule).
        Compiled again, a model keeps its loss when none is given, and its metrics when
        neither `metrics` nor `weighted_metrics` is, as in Keras 3. `run_eagerly`,
        `steps_per_execution` and `jit_compile` are kept as attributes; every step runs
        eagerly here, one at a time (`jit_compile='auto'` reads False)."""
        previous = getattr(self, "_compile_arguments", {})
        if loss is None and previous.get("loss") is not None:
            loss, loss_weights = previous["loss"], previous["loss_weights"]
        if metrics is None and weighted_metrics is None:
            metrics, weighted_metrics = previous.get("metrics"), previous.get("weighted_metrics")
        self._compile_arguments = {"optimizer": optimizer, "loss": loss,
                                   "loss_weights": loss_weights, "metrics": metrics,
                                   "weighted_metrics": weighted_metrics}
        self.run_eagerly, self.steps_per_execution = run_eagerly, steps_per_execution
        self.jit_compile = False if jit_compile == "auto" else jit_compile
        names = self.output_names if self._outputs_known() else None   # else on the first batch
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.compiled_loss = CompiledLoss(loss, loss_weights, names) if loss is not None else None
        self.compiled_metrics = CompiledMetrics(metrics, weighted_metrics, names,
                                                self.compiled_loss)
        # the trainer's own metric, set past the tracking of held metrics
        object.__setattr__(self, "_loss_tracker", metrics_module.Mean(name="loss"))
        self._trainable_at_compile = None      # taken when the model is built, see below
        self.compiled = True
        if self.built:
            self._freeze_trainable_weights()

    def _freeze_trainable_weights(self):
        """Keep the trainable weights (as a list and as a set) that `fit` updates."""
        self._trainable_at_compile = list(self.trainable_weights)
        self._trainable_set_at_compile = set(self._trainable_at_compile)

    def _compiled_trainable_weights(self):
        if self._trainable_at_compile is None:
            self._freeze_trainable_weights()
        return self._trainable_at_compile

    def _require_compiled(self, method):
        if not self.compiled:
            raise ValueError(f"You must call compile() before {method}() on model '{self.name}'")

    # --- metrics -------------------------------------------------------------------------------
    @property
    def metrics(self):
        """What fit/evaluate report (and reset each epoch), in Keras' order: the loss, the
        compiled metrics (when compile was given any), each output's loss; then the
        Metrics held as attributes by the model and its layers (not by inner models)."""
        found = []
        if self.compiled:
            per_output_losses = self.compiled_loss.metrics if self.compiled_loss else []
            compiled_metrics = [self.compiled_metrics] if self.compiled_metrics.any() else []
            found = [self._loss_tracker] + compiled_metrics + per_output_losses
        for metric in _held_metrics(self) if self.metrics_held else ():
            if not any(metric is known for known in found):
                found.append(metric)
        return found

    @property
    def metrics_names(self):
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def _flatten_metrics_in_order(self, logs):
        """The values of `logs` as a list in Keras' order, or the one value alone: first
        those named like a metric of `metrics` (the compiled metrics by their own names,
        without an output's prefix), in that order, then the others sorted by name."""
        names = []
        for metric in self.metrics:
            names += (metric.plain_names() if metric is self.compiled_metrics else [metric.name])
        order = [name for name in names if name in logs]
        order += sorted(key for key in logs if key not in order)
        values = [logs[key] for key in order]
        return values[0] if len(values) == 1 else values

    def get_metrics_result(self):
        """The results of `metrics` as one dict (a metric returning a dict is spread out)."""
        return _flat_logs({metric.name: metric.result() for metric in self.metrics})

    # --- one step ------------------------------------------------------------------------------
    def train_step(self, data):
        """One training step on a batch; returns the logs (a dict of the metrics' results).

        `data` is the batch as the data source yields it (Keras' contract): `x`, `(x,)`,
        `(x, y)` or `(x, y, sample_weight)`; `unpack_x_y_sample_weight(data)` splits it.
        Override it to customise `fit`.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with recording() as nodes:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
            scaled = self.optimizer.scale_loss(loss)       # loss scaling: the optimizer
        self._loss_tracker.update_state(loss.data, sample_weight=_batch_size(x))  # divides back
        variables = self._compiled_trainable_weights()
        found = backpropagate(scaled, wanted=self._trainable_set_at_compile, recorded=nodes)
        grads = [found.get(v) for v in variables]
        self.optimizer.apply(grads, variables)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step on a batch (see `train_step`); returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._loss_tracker.update_state(loss.data, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """One prediction step on a batch (`data` is `(x,)`); returns the outputs, which
        `predict` gathers batch after batch. Override it to customise `predict`."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus every regularization penalty of the model."""
        losses = list(self.losses)
        if self.compiled_loss is not None:
            if y is None:
                raise ValueError(f"Model '{self.name}' was compiled with a loss "
                                 f"(loss={self.loss!r}) but received no targets: "
                                 "pass `y` (or batches of (x, y)), or compile with loss=None "
                                 "for a model that adds its own losses")
            losses.insert(0, self.compiled_loss(y, y_pred, sample_weight))
        if not losses:
            raise ValueError(f"Model '{self.name}': no loss to compute. Provide a `loss` "
                             "argument in `compile()`.")
        total = losses[0]
        for penalty in losses[1:]:
            total = total + penalty
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch; returns `get_metrics_result()`."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # --- loops ---------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns a History whose `.history` has Keras' keys.

        `x` is arrays (with `y`), a PyDataset or a generator; a generator is read once:
        without `steps_per_epoch`, the first epoch runs until it ends, and training stops
        there with Keras' "ran out of data" warning when more epochs were asked. With
        `steps_per_epoch`, arrays and a PyDataset give that many batches an epoch, each
        epoch going on from where the last stopped (a new shuffled pass once all are used);
        `validation_steps` takes the first batches of the validation data each time (0
        means all of them, as None does, for either).
        `validation_freq`: validate every n-th epoch, or at the epochs of a list (from 1).
        """
        self._require_compiled("fit")
        _check_weighting(class_weight, sample_weight)
        _check_validation_freq(validation_freq)
        if backend.max_epochs() is not None and backend.max_epochs() < epochs:
            _warn(f"Limiting epochs to {backend.max_epochs()}")
            epochs = backend.max_epochs()
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapter.split_validation(
                x, y, sample_weight, validation_split)
        train = self._batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, "fit",
                              resume=True)
        validation = None if validation_data is None else self._validation_batches(
            validation_data, validation_batch_size or batch_size, validation_steps)
        callback_list = _callback_list(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=train.num_batches)
        self.stop_training = False
        callback_list.on_train_begin()
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch  # BackupAndRestore
        epoch_logs = {}
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch)
                epoch_logs = self._run_epoch(train, callback_list, class_weight)
                if validation is not None and _validates(epoch, validation_freq):
                    val_logs = self._test_loop(validation, callback_list)
                    if not val_logs:
                        _warn(f"fit: validation_data ran out of data at epoch {epoch + 1}: no "
                              "'val_*' results for it. A generator is read once; pass arrays, "
                              "a PyDataset, or an endless generator with validation_steps.")
                    epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
                out_of_data = train.ran_out(more_epochs=epoch + 1 < epochs)
                epoch_logs = callbacks_module.pythonify_logs(epoch_logs)
                callback_list.on_epoch_end(epoch, dict(epoch_logs))   # what callbacks add to
                # their logs (learning_rate, ...) stays out of on_train_end's, as in Keras
                if out_of_data:
                    _warn(data_adapter.RAN_OUT)
                if self.stop_training or out_of_data:
                    break
        except KeyboardInterrupt:
            self.stop_training = True          # leave the model and the history usable
        if getattr(self.optimizer, "built", False):    # with use_ema: the averages become
            self.optimizer.finalize_variable_values(self._compiled_trainable_weights())  # weights
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _run_epoch(self, batches, callback_list, class_weight):
        self.reset_metrics()
        logs = {}
        batches.on_epoch_begin()
        for step, (x, y, sample_weight) in enumerate(batches.epoch()):
            callback_list.on_train_batch_begin(step)
            if class_weight is not None:
                sample_weight = _apply_class_weight(y, sample_weight, class_weight)
            logs = _flat_logs(self.train_step(self._prepare((x, y, sample_weight))))
            callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        batches.on_epoch_end()
        return dict(logs)

    def _validation_batches(self, validation_data, batch_size, steps):
        """The batch source of `fit`'s validation_data, made once for every epoch."""
        if isinstance(validation_data, tuple) and len(validation_data) > 3:
            raise ValueError("fit: validation_data is expected in the format `x`, `(x,)`, "
                             "`(x, y)`, or `(x, y, sample_weight)`; received a tuple of "
                             f"{len(validation_data)} items")
        if isinstance(validation_data, (tuple, list)) and len(validation_data) in (1, 2, 3):
            names = [f"validation_data[{i}]" for i in range(3)]
            data = tuple(validation_data) + (None,) * (3 - len(validation_data))
        else:
            names = ["validation_data"] * 3
            data = (validation_data, None, None)
        return self._batches(*data, batch_size, False, steps, "fit", names)

    def _test_loop(self, batches, callback_list):
        """Evaluate on every batch of `batches`, calling the test hooks of `callback_list`
        (fit's own list for validation); the logs of the last batch, empty without any."""
        self.reset_metrics()
        logs = {}
        self.stop_evaluating = False
        callback_list.on_test_begin()
        batches.on_epoch_begin()
        with no_grad():
            for step, batch in enumerate(batches.epoch()):
                callback_list.on_test_batch_begin(step)
                logs = _flat_logs(self.test_step(self._prepare(batch)))
                callback_list.on_test_batch_end(step, logs)
                if self.stop_evaluating:
                    break
        batches.on_epoch_end()
        logs = callbacks_module.pythonify_logs(logs)           # sorted by name, as Keras'
        callback_list.on_test_end(logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on the data: a float, a list (loss first) or a dict."""
        self._require_compiled("evaluate")
        batches = self._batches(x, y, sample_weight, batch_size, False, steps, "evaluate")
        callback_list = _callback_list(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=batches.num_batches)
        logs = self._test_loop(batches, callback_list)
        if not logs:
            raise ValueError(f"evaluate: model '{self.name}' received no batches of data")
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on `x` in inference mode, as NumPy arrays."""
        batches = self._batches(x, None, None, batch_size, False, steps, "predict")
        callback_list = _callback_list(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=batches.num_batches)
        outputs = []
        self.stop_predicting = False
        callback_list.on_predict_begin()
        batches.on_epoch_begin()
        for step, batch in enumerate(batches.epoch()):
            callback_list.on_predict_batch_begin(step)
            outputs.append(self.predict_on_batch(batch[0]))
            callback_list.on_predict_batch_end(step, {"outputs": outputs[-1]})
            if self.stop_predicting:
                break
        batches.on_epoch_end()
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError(f"predict: model '{self.name}' received no input batches")
        if isinstance(outputs[0], dict):
            return {key: np.concatenate([o[key] for o in outputs]) for key in outputs[0]}
        if isinstance(outputs[0], (list, tuple)):
            return type(outputs[0])(np.concatenate(parts) for parts in zip(*outputs))
        return np.concatenate(outputs)

    # --- one batch -------------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns that batch's loss (and metrics)."""
        self._require_compiled("train_on_batch")
        _check_weighting(class_weight, sample_weight)
        if class_weight is not None:
            sample_weight = _apply_class_weight(y, sample_weight, class_weight)
        data = self._prepare((x, y, sample_weight))
        self.reset_metrics()
        logs = _flat_logs(self.train_step(data))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        self.reset_metrics()
        with no_grad():
            logs = _flat_logs(self.test_step(self._prepare((x, y, sample_weight))))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        """`predict_step` on one batch, as NumPy arrays in the structure it returns."""
        with no_grad():
            out = self.predict_step((self._inputs(x),))
        arrays = data_adapter.map_structure(as_array, out)
        return tuple(arrays) if isinstance(out, tuple) else arrays

    # --- data ------------------------------------------------------------------------------------
    def _batches(self, x, y, sample_weight, batch_size, shuffle, steps, method,
                 names=("x", "y", "sample_weight"), resume=False):
        """The batch source of `method`'s data; `names` are the arguments in its errors,
        `resume` as in `data_adapter.make_batches`."""
        if x is None:
            raise ValueError(f"{method}: argument '{names[0]}' is required")
        if not data_adapter.is_array_data(x):
            for data, name in ((y, names[1]), (sample_weight, names[2])):
                if data is not None:
                    raise ValueError(
                        f"{method}: argument '{name}' should not be passed when '{names[0]}' "
                        f"is a generator or PyDataset (received a {type(x).__name__}); "
                        "include the targets and sample weights in the batches it gives")
            return data_adapter.make_batches(x, shuffle=shuffle, steps=steps, resume=resume)
        for data, name in zip((x, y, sample_weight), names):
            data_adapter.check_not_python_lists(data, name, method)
        x = data_adapter.to_arrays(x, self.dtype)
        y = data_adapter.to_arrays(y, self.dtype)
        if method != "predict":                    # NaN in, NaN out, as in Keras
            data_adapter.check_finite(x, names[0])
        return data_adapter.make_batches(x, y, sample_weight, batch_size, shuffle, steps, resume)

    def _prepare(self, data):
        """The batch for a step: inputs as Tensors of the model's float type, packed as
        Keras packs them (`pack_x_y_sample_weight`)."""
        x, y, sample_weight = data
        return pack_x_y_sample_weight(self._inputs(x), y, sample_weight)

    def _inputs(self, x):
        return data_adapter.map_structure(self._as_input, x)

    def _as_input(self, array):
        array = np.asarray(array)
        if array.dtype.kind == "f" and array.dtype != self.dtype:
            array = array.astype(self.dtype)
        return Tensor(array)


def _held_metrics(layer):
    """The Metrics held as attributes by `layer` and its sublayers, models excepted."""
    held = [getattr(layer, name) for name in layer.__dict__.get("_metric_attributes", ())]
    for inner in layer._sublayers():
        if not isinstance(inner, Trainer):
            held += _held_metrics(inner)
    return held


def _callback_list(callbacks, **options):
    """The CallbackList a loop drives: `callbacks` itself when it is one (as Keras takes
    it), else a new one of the given callbacks (a list or one Callback) and `options`."""
    if isinstance(callbacks, callbacks_module.CallbackList):
        return callbacks
    return callbacks_module.CallbackList(callbacks, **options)


def _flat_logs(logs):
    """A step's logs with scalars as Python floats and nested dicts (several metrics in one)
    spread out."""
    flat = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            flat.update(_flat_logs(value))
        elif isinstance(value, (float, np.floating)):        # a metric's single result
            flat[key] = float(value)
        elif np.ndim(value) != 0:
            flat[key] = value
        else:
            flat[key] = float(value)
    return flat


def _batch_size(x):
    first = x
    while isinstance(first, (list, tuple, dict)):
        first = next(iter(first.values())) if isinstance(first, dict) else first[0]
    return len(first)


def _check_weighting(class_weight, sample_weight):
    if class_weight is not None and sample_weight is not None:
        raise ValueError("You cannot pass both class_weight and sample_weight: received "
                         f"class_weight={class_weight!r} and a sample_weight; fold the class "
                         "weights into the sample weights instead")


def _check_validation_freq(validation_freq):
    if isinstance(validation_freq, bool) or not isinstance(validation_freq, (int, list)) or \
            (isinstance(validation_freq, int) and validation_freq < 1):
        raise ValueError("fit: expected `validation_freq` to be a positive int or a list of "
                         "epochs, "
                         f"received validation_freq={validation_freq!r} of type "
                         f"{type(validation_freq).__name__}")


def _validates(epoch, validation_freq):
    """Whether the epoch (0-based) is one to validate at: every `validation_freq`-th, or,
    for a list, those it names (counted from 1, as Keras counts them)."""
    if isinstance(validation_freq, list):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0


def _warn(message):
    """A UserWarning pointing at the caller of fit/evaluate/predict."""
    warnings.warn(message, stacklevel=3)


def _apply_class_weight(y, sample_weight, class_weight):
    """Per-sample weights class_weight[label] (labels from integers or one-hot rows)."""
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("`class_weight` is only supported for Models with a single output; "
                         f"received targets for {len(y)} outputs. Pass sample_weight instead")
    y = np.asarray(y)
    one_hot = y.ndim == 2 and y.shape[-1] > 1
    if y.ndim > 2 or (one_hot and not np.isin(y, (0, 1)).all()):
        raise ValueError("`class_weight` takes one class per sample: integer labels of shape "
                         "(samples,) or (samples, 1), or one-hot rows (samples, classes); "
                         f"received targets of shape {y.shape}"
                         + (" that are not one-hot" if y.ndim == 2 else "")
                         + ". For a label per time step, pass a sample_weight of that shape")
    labels = y.argmax(axis=-1) if one_hot else np.rint(y.reshape(len(y))).astype(int)
    table = np.ones(max(int(labels.max()) + 1, max(class_weight) + 1), np.float64)
    for label, weight in class_weight.items():
        table[label] = weight
    weights = table[labels]
    return weights if sample_weight is None else weights * np.asarray(sample_weight)
