"""What `compile` sets up: the loss of every output and the metrics to report.

A model with several outputs names them (`model.output_names`: the output layers' names,
or the keys of a dict of outputs); a subclassed model compiled before it was built names
them from its first outputs (`output_names_of`). Targets, sample weights, losses, loss
weights and metrics may then be given per output as a list (in output order) or a dict
(by name).
The logs use Keras 3's keys: 'loss' (the total), '<output>_loss' (each output's loss,
unweighted) and '<output>_<metric>' (each output's metrics).
"""
import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module


def per_output(value, output_names, what):
    """`value` as a list with one entry per output, from a list/tuple or a dict by name.

    A single output takes `value` itself (or the one entry of a list/dict of one). One
    value for several outputs is an error, except for sample weights, which all outputs
    then share (as in Keras). `what` names the argument in the error messages.
    """
    count = len(output_names)
    if count == 1 and not isinstance(value, (dict, list, tuple)):
        return [value]
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(output_names))
        if unknown:
            raise ValueError(f"{what}: the key(s) {unknown} name no output of the model; "
                             f"its outputs are {output_names}")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and (count > 1 or len(value) == 1):
        if len(value) != count:
            raise ValueError(f"{what}: expected {count} entries (one per output "
                             f"{output_names}), received {len(value)}")
        return list(value)
    if count > 1 and value is not None and what != "sample_weight":
        raise ValueError(f"{what}: the model has {count} outputs {output_names}; pass a list "
                         f"or a dict with one entry per output, received a single value")
    return [value] * count


def output_names_of(y_pred):
    """The names of outputs not known at compile time (a subclassed model not yet built),
    from the first outputs: the keys of a dict, 'output_1', 'output_2', ... for a list or
    tuple, else 'output'."""
    if isinstance(y_pred, dict):
        return list(y_pred)
    if isinstance(y_pred, (list, tuple)):
        return [f"output_{k + 1}" for k in range(len(y_pred))]
    return ["output"]


def _batch_size(output):
    return output.shape[0] if np.ndim(output) else 1


class CompiledLoss:
    """Sum over outputs of loss_weight * loss(y_true, y_pred, sample_weight).

    With several losses, the unweighted loss of each output is also tracked by a Mean
    metric named '<output>_loss' (`metrics`). output_names None: named on the first call.
    The loss 'crossentropy' (or 'ce') becomes binary, sparse categorical or categorical
    crossentropy on the first call, from the shapes, as in Keras 3.
    """

    def __init__(self, loss, loss_weights, output_names):
        self._arguments = (loss, loss_weights)
        self.output_names, self.losses, self.weights, self.metrics = None, None, None, []
        if output_names is not None:
            self._per_output(list(output_names))

    def _per_output(self, output_names):
        loss, loss_weights = self._arguments
        self.output_names = output_names
        self.losses = [None if spec is None else spec if _picks_crossentropy(spec) else
                       _as_loss_object(losses_module.get(spec))
                       for spec in _losses_per_output(loss, self.output_names)]
        if all(spec is None for spec in self.losses):
            raise ValueError(f"compile: `loss` gives no loss for any output of "
                             f"{self.output_names}; received loss={loss!r}")
        weights = [None] * len(self.output_names) if loss_weights is None else \
            per_output(loss_weights, self.output_names, "compile(loss_weights=...)")
        self.weights = [1.0 if w is None else float(w) for w in weights]
        # the outputs' losses are summed and tracked in the order of a loss dict (Keras 3's
        # metrics_names and evaluate list), else in the order of the outputs
        rank = {name: i for i, name in enumerate(loss)} if isinstance(loss, dict) else {}
        self._order = sorted((k for k, spec in enumerate(self.losses) if spec is not None),
                             key=lambda k: (rank.get(output_names[k], len(rank)), k))
        self.metrics = ([metrics_module.Mean(name=f"{output_names[k]}_loss")
                         for k in self._order] if len(self._order) > 1 else [])

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.output_names is None:
            self._per_output(output_names_of(y_pred))
        targets = per_output(y_true, self.output_names, "y")
        outputs = per_output(y_pred, self.output_names, "y_pred")
        weights = per_output(sample_weight, self.output_names, "sample_weight")
        trackers = iter(self.metrics)
        total = None
        for k in self._order:
            if isinstance(self.losses[k], str):                    # 'crossentropy' / 'ce'
                self.losses[k] = _crossentropy_for(targets[k], outputs[k])
            loss, loss_weight = self.losses[k], self.weights[k]
            value = loss(targets[k], outputs[k], sample_weight=weights[k])
            tracker = next(trackers, None)
            if tracker is not None:
                tracker.update_state(value.data, sample_weight=_batch_size(outputs[k]))
            value = value if loss_weight == 1.0 else value * loss_weight
            total = value if total is None else total + value
        return total


def _losses_per_output(loss, output_names):
    """One loss spec per output: a single spec is shared by every output (Keras 3)."""
    if isinstance(loss, (list, tuple, dict)):
        return per_output(loss, output_names, "compile(loss=...)")
    return [loss] * len(output_names)


def _picks_crossentropy(spec):
    """Whether the loss spec is 'crossentropy' or 'ce' (any case): Keras 3 picks binary,
    sparse categorical or categorical crossentropy from the shapes of the first batch."""
    return isinstance(spec, str) and spec.lower() in ("crossentropy", "ce")


def _crossentropy_for(y_true, y_pred):
    """The crossentropy for these targets and outputs: binary for one unit, sparse
    categorical for integer labels, else categorical (the rule of 'accuracy')."""
    kind = metrics_module.resolve_accuracy(None, np.shape(y_pred), np.shape(y_true))
    name = {metrics_module.BinaryAccuracy: "binary_crossentropy",
            metrics_module.SparseCategoricalAccuracy: "sparse_categorical_crossentropy",
            metrics_module.CategoricalAccuracy: "categorical_crossentropy"}[kind]
    return _as_loss_object(losses_module.get(name))


def _as_loss_object(loss):
    """A Loss instance; a plain function is wrapped with Keras' default reduction."""
    return loss if isinstance(loss, losses_module.Loss) else losses_module.LossFunctionWrapper(loss)


class CompiledMetrics:
    """The metrics of every output, as one metric whose result is a dict of named values.

    `metrics` are computed without sample weights, `weighted_metrics` with them (Keras).
    Built on the first batch, when the shapes are known ('accuracy' resolves from them
    and the loss to binary, categorical or sparse categorical accuracy).
    """

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names, compiled_loss=None):
        self._arguments = (metrics, weighted_metrics)
        self._given = any(spec not in (None, [], (), {}) for spec in self._arguments)
        self.compiled_loss = compiled_loss
        self.metrics = None             # [(key, output index, Metric)], unweighted
        self.weighted = None            # the same for `weighted_metrics`
        self.output_names = None        # None: named on the first batch, as the loss is
        if output_names is not None:
            self._per_output(list(output_names))

    def _per_output(self, output_names):
        metrics, weighted_metrics = self._arguments
        self.output_names = output_names
        self.specs = _metrics_per_output(metrics, output_names, "metrics")
        self.weighted_specs = _metrics_per_output(weighted_metrics, output_names,
                                                  "weighted_metrics")

    def any(self):
        """Whether compile was given any metric."""
        return self._given

    def build(self, y_pred_shapes, y_true_shapes):
        taken = set()
        self.metrics = self._build(self.specs, y_pred_shapes, y_true_shapes, taken, "")
        self.weighted = self._build(self.weighted_specs, y_pred_shapes, y_true_shapes, taken,
                                    "weighted_")

    def _build(self, specs, y_pred_shapes, y_true_shapes, taken, clash_prefix):
        built = []
        for index, output_specs in enumerate(specs):
            loss = self.compiled_loss.losses[index] if self.compiled_loss is not None else None
            for spec in output_specs:
                metric = _resolve(spec, loss, y_pred_shapes[index], y_true_shapes[index])
                name = spec if isinstance(spec, str) else metric.name
                key = self._key(index, name)
                if key in taken and clash_prefix:
                    key = self._key(index, clash_prefix + name)
                key = _unique(key, taken)
                taken.add(key)
                built.append((key, index, metric))
        return built

    def _key(self, index, name):
        return f"{self.output_names[index]}_{name}" if len(self.output_names) > 1 else name

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.metrics is not None and not self.metrics and not self.weighted:
            return                                         # built without any metric
        if self.output_names is None:
            loss_names = self.compiled_loss.output_names if self.compiled_loss else None
            self._per_output(loss_names or output_names_of(y_pred))
        targets = per_output(y_true, self.output_names, "y")
        outputs = per_output(y_pred, self.output_names, "y_pred")     # Tensors keep their masks
        if self.metrics is None:
            self.build([np.shape(getattr(o, "data", o)) for o in outputs],
                       [np.shape(t) for t in targets])
        for _, index, metric in self.metrics:
            metric.update_state(targets[index], outputs[index])
        if self.weighted:
            weights = per_output(sample_weight, self.output_names, "sample_weight")
            for _, index, metric in self.weighted:
                metric.update_state(targets[index], outputs[index], sample_weight=weights[index])

    def plain_names(self):
        """The metrics' names without the output prefix (how Keras orders its logs)."""
        several = self.output_names is not None and len(self.output_names) > 1
        return [key[len(self.output_names[index]) + 1:] if several else key
                for key, index, _ in self._all()]

    def _all(self):
        return (self.metrics or []) + (self.weighted or [])

    def direction_of(self, key):
        """The `_direction` of the metric logged under `key` ('up', 'down'), or None."""
        for logged, _, metric in self._all():
            if logged == key:
                return metric._direction
        return None

    def reset_state(self):
        for _, _, metric in self._all():
            metric.reset_state()

    def result(self):
        return {key: _log_value(metric.result()) for key, _, metric in self._all()}


def _metrics_per_output(metrics, output_names, what):
    """A list of metric specs for each output (Keras 3 rules for several outputs)."""
    if metrics is None:
        return [[] for _ in output_names]
    if len(output_names) == 1 and not isinstance(metrics, dict):
        return [_as_spec_list(metrics)]
    if not isinstance(metrics, (list, tuple, dict)):
        raise ValueError(f"compile: for a model with several outputs {output_names}, pass "
                         f"`{what}` as a list (one entry per output) or a dict by output name; "
                         f"received {metrics!r}")
    return [_as_spec_list(spec) for spec in per_output(metrics, output_names,
                                                        f"compile({what}=...)")]


def _as_spec_list(spec):
    """The metric specs of one output as a flat list (nested lists flattened, as Keras)."""
    if spec is None:
        return []
    if not isinstance(spec, (list, tuple)):
        return [spec]
    return [one for inner in spec for one in _as_spec_list(inner)]


def _resolve(spec, loss, output_shape, target_shape):
    if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):      # any case, as Keras
        return metrics_module.resolve_accuracy(loss, output_shape, target_shape)()
    return metrics_module.get(spec)


def _unique(key, taken):
    """`key`, or `key_1`, `key_2`, ... when a metric of that name already exists."""
    candidate, count = key, 0
    while candidate in taken:
        count += 1
        candidate = f"{key}_{count}"
    return candidate


def _log_value(result):
    """A scalar result as a Python float; a multi-valued one (several thresholds) as is."""
    return float(result) if isinstance(result, np.floating) or np.ndim(result) == 0 else result
