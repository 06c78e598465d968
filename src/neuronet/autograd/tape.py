"""GradientTape in TensorFlow's form, for custom training loops.

    with GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
"""
import numpy as np

from . import graph
from .tensor import Tensor


class GradientTape:
    """Records the ops run inside `with`; `gradient(target, sources)` differentiates them."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self._used = False
        self._grad_mode = self._recording = None
        self._nodes = None              # the op outputs made inside `with`, in order

    def __enter__(self):
        self._grad_mode, self._recording = graph.enable_grad(), graph.recording()
        self._grad_mode.__enter__()
        self._nodes = self._recording.__enter__()
        return self

    def __exit__(self, *exc):
        self._recording.__exit__(*exc)
        self._grad_mode.__exit__(*exc)
        return False

    def watch(self, tensor):
        """Track gradients with respect to a Tensor that is not a trainable variable."""
        for t in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            t.requires_grad = True

    def gradient(self, target, sources, output_gradients=None):
        """d(target)/d(source) for each source (same nesting; None when unconnected)."""
        if self._used and not self.persistent:
            raise RuntimeError("GradientTape.gradient can only be called once on a "
                               "non-persistent tape; create it with persistent=True.")
        self._used = True
        flat = _flatten(sources)
        for source in flat:
            if not isinstance(source, Tensor):
                raise TypeError("GradientTape.gradient: expected Tensors or Variables in "
                                f"`sources`, received a {type(source).__name__}")
        if output_gradients is None:                   # a non-scalar target counts as its sum
            output_gradients = np.ones(target.shape, target.dtype)
        found = graph.backpropagate(target, output_gradients, wanted=set(flat),
                                    recorded=self._nodes)
        if not self.persistent:
            self._nodes = None
        grads = [Tensor(found[s]) if s in found else None for s in flat]
        return _unflatten(sources, iter(grads))


def _flatten(structure):
    if isinstance(structure, dict):
        return [t for v in structure.values() for t in _flatten(v)]
    if isinstance(structure, (list, tuple)):
        return [t for v in structure for t in _flatten(v)]
    return [structure]


def _unflatten(structure, values):
    if isinstance(structure, dict):
        return {k: _unflatten(v, values) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_unflatten(v, values) for v in structure)
    return next(values)
