"""What `compile` sets up: the loss of every output and the metrics to report."""
import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module


def _per_output(value, output_names, what):
    """A list with one entry per output from a single value, a list or a dict."""
    if isinstance(value, dict):
        unknown = set(value) - set(output_names)
        if unknown:
            raise ValueError(f"compile: {what} names unknown outputs {sorted(unknown)}; "
                             f"the model's outputs are {output_names}")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and len(output_names) > 1:
        if len(value) != len(output_names):
            raise ValueError(f"compile: expected {len(output_names)} {what} (one per output), "
                             f"received {len(value)}")
        return list(value)
    return [value] + [value if what == "losses" else None] * (len(output_names) - 1)


class CompiledLoss:
    """Sum over outputs of loss_weight * loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss, loss_weights, output_names):
        self.losses = [None if spec is None else _as_loss_object(losses_module.get(spec))
                       for spec in _per_output(loss, output_names, "losses")]
        weights = [1.0] * len(output_names) if loss_weights is None else \
            _per_output(loss_weights, output_names, "loss_weights")
        self.weights = [1.0 if w is None else float(w) for w in weights]

    def __call__(self, y_true, y_pred, sample_weight=None):
        total = None
        for loss, weight, target, output in zip(self.losses, self.weights, y_true, y_pred):
            if loss is None:
                continue
            value = loss(target, output, sample_weight=sample_weight)
            value = value if weight == 1.0 else value * weight
            total = value if total is None else total + value
        return total


def _as_loss_object(loss):
    """A Loss instance; a plain function is wrapped with Keras' default reduction."""
    return loss if isinstance(loss, losses_module.Loss) else losses_module.LossFunctionWrapper(loss)


class CompiledMetrics:
    """The metrics of every output, built on the first batch (shapes resolve 'accuracy')."""

    def __init__(self, metrics, output_names):
        self.specs = _per_output(metrics, output_names, "metrics")
        self.output_names = output_names
        self.metrics = None         # [(key, output index, Metric)]

    def build(self, compiled_loss, y_pred_shapes, y_true_shapes):
        self.metrics = []
        for index, specs in enumerate(self.specs):
            for spec in ([] if specs is None else specs if isinstance(specs, (list, tuple)) else [specs]):
                metric = self._resolve(spec, compiled_loss.losses[index], y_pred_shapes[index],
                                       y_true_shapes[index])
                key = spec if isinstance(spec, str) else metric.name
                if len(self.output_names) > 1:
                    key = f"{self.output_names[index]}_{key}"
                self.metrics.append((key, index, metric))

    @staticmethod
    def _resolve(spec, loss, output_shape, target_shape):
        if spec in ("accuracy", "acc"):
            return metrics_module.resolve_accuracy(loss, output_shape, target_shape)()
        return metrics_module.get(spec)

    def update(self, y_true, y_pred, sample_weight=None):
        for _, index, metric in self.metrics:
            metric.update_state(y_true[index], y_pred[index], sample_weight=sample_weight)

    def reset(self):
        for _, _, metric in self.metrics or []:
            metric.reset_state()

    def results(self):
        return {key: _log_value(metric.result()) for key, _, metric in self.metrics or []}


def _log_value(result):
    """A scalar result as a Python float; a multi-valued one (several thresholds) as is."""
    return float(result) if np.ndim(result) == 0 else result
