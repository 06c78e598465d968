"""GradientTape in TensorFlow's form, for custom training loops.

    with GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
"""
import warnings

import numpy as np

from . import graph
from .tensor import Tensor


class GradientTape:
    """Records the ops run inside `with`; `gradient(target, sources)` differentiates them.

    As in TensorFlow, only those ops: a value computed before the tape opened (or after it
    closed) is a constant to it. With `watch_accessed_variables=False`, only the tensors
    given to `watch` get gradients (the others None).
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched = []
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
            self._watched.append(t)

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
        if self._nodes is None:
            raise RuntimeError("GradientTape.gradient: the tape recorded nothing; compute the "
                               "target inside `with GradientTape() as tape:`")
        if target._backward is not None and not any(node is target for node in self._nodes):
            warnings.warn("GradientTape.gradient: the target was not computed inside the "
                          "tape, so no gradient flows to the sources (each is None); compute "
                          "it within `with GradientTape() as tape:`", stacklevel=2)
        found = graph.backpropagate(target, output_gradients, wanted=set(flat),
                                    recorded=self._nodes, recorded_only=True)
        if not self.persistent:
            self._nodes = None
        if not self.watch_accessed_variables:
            watched = {id(t) for t in self._watched}
            found = {s: g for s, g in found.items() if id(s) in watched}
        grads = [_first_order(found[s], s) if s in found else None for s in flat]
        return _unflatten(sources, iter(grads))


def _first_order(gradient, source):
    """A gradient as a Tensor. Within an enclosing tape it joins that tape's graph as an op
    whose backward refuses: the backward passes are NumPy code, not recorded ops, so the
    gradient of a gradient (second order, as in a gradient penalty) cannot be taken, and
    a silently missing term is worse than an error."""
    if graph._recorded is None or not source.requires_grad:
        return Tensor(gradient)
    return Tensor.from_op(gradient, (source,), _refuse_second_order)


def _refuse_second_order(g):
    raise NotImplementedError(
        "GradientTape: a gradient taken inside another tape was used in a result that tape "
        "differentiates (a gradient of a gradient, as in WGAN-GP's gradient penalty); "
        "neuronet computes first-order gradients only. Leave that term out of the "
        "differentiated loss, or use a constraint that needs no gradient (e.g. weight "
        "clipping, as the original WGAN does).")


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
