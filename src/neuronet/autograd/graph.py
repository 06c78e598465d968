"""Reverse-mode differentiation: record mode, topological order and the backward sweep.

Every op output keeps its parents and a `backward(g)` closure that maps the gradient of
the output to one gradient per parent (None where a parent needs none). Backpropagation
is one topological sort of the graph and one loop over it, in reverse. A training step
records its op outputs as they are made (`recording()`): their creation order is already
topological, and the sweep takes it without searching the graph.
"""
import contextlib
import operator

import numpy as np

_grad_enabled = True


def is_grad_enabled():
    """Whether ops record the graph (False inside `no_grad()`)."""
    return _grad_enabled


@contextlib.contextmanager
def _grad_mode(enabled):
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def no_grad():
    """Context manager: ops inside it record nothing (inference, metrics, updates)."""
    return _grad_mode(False)


def enable_grad():
    """Context manager: ops inside it record the graph, even within `no_grad()`."""
    return _grad_mode(True)


_recorded = None        # the list of the active `recording()`, appended to by Tensor.from_op


class recording:
    """Context manager: yields a list that collects, in creation order, every op output
    that joins the graph inside it (a recording inside another adds to the outer list)."""

    def __enter__(self):
        global _recorded
        self._previous = _recorded
        if _recorded is None:
            _recorded = []
        return _recorded

    def __exit__(self, *exc):
        global _recorded
        _recorded = self._previous
        return False


def _reverse_topological(roots):
    """The op outputs reachable from `roots` through tensors that require grad, outputs
    first (leaves, which have no backward, are left out).

    An op's output is created after its inputs, so sorting by creation order, newest
    first, puts every node before the nodes it came from. (Tensors compare and hash by
    identity, so they serve as set members and dict keys here.)
    """
    reached = set(roots)
    stack = list(roots)
    while stack:
        for parent in stack.pop()._parents:
            if parent._backward is not None and parent.requires_grad and parent not in reached:
                reached.add(parent)
                stack.append(parent)
    return sorted(reached, key=operator.attrgetter("_order"), reverse=True)


def _seed(output, grad):
    if grad is None:
        if output.data.size != 1:
            raise ValueError(
                "backward: a gradient can be created implicitly only for a single-element "
                f"output; received shape {output.shape}. Pass the output's gradient explicitly.")
        return np.array(1, output.dtype).reshape(output.shape)     # cheaper than np.ones
    grad = np.asarray(getattr(grad, "data", grad), dtype=output.dtype)
    if grad.shape != output.shape:
        raise ValueError(f"backward: expected a gradient of shape {output.shape}, "
                         f"received {grad.shape}")
    return grad


def _own(g, handed):
    """`g`, copied when it is a read-only view or already handed out (ids in `handed`)."""
    if not g.flags.writeable or id(g) in handed:
        g = np.array(g)
    handed.add(id(g))
    return g


def backpropagate(output, grad=None, wanted=None, recorded=None, recorded_only=False):
    """Sweep the graph of `output` once in reverse.

    Returns {tensor: gradient array} for the tensors in `wanted` (a set of Tensors), or
    for every leaf that requires grad when `wanted` is None. recorded: the list of a
    `recording()` active while the graph was built; the sweep takes its nodes newest
    first instead of sorting the graph, then sorts whatever has a gradient left (nodes
    made before the recording began), unless `recorded_only`: then those count as
    constants (a GradientTape differentiates only what it recorded).
    """
    seed = _seed(output, grad)
    found, handed = {}, set()
    if output._backward is None:                       # a leaf: nothing to sweep
        if output.requires_grad and (wanted is None or output in wanted):
            found[output] = _own(seed, handed)
        return found
    grads = {output: seed}
    nodes = reversed(recorded) if recorded is not None else _reverse_topological([output])
    _sweep(nodes, grads, found, handed, wanted)
    if grads and not recorded_only:                    # made before the recording began
        _sweep(_reverse_topological(list(grads)), grads, found, handed, wanted)
    return found


def _sweep(nodes, grads, found, handed, wanted):
    """Run the backward of each op output in `nodes` (outputs first) that has a gradient in
    `grads`, passing the gradients on to its parents: ops' into `grads`, leaves' (and
    those of wanted ops) into `found`."""
    for node in nodes:
        g = grads.pop(node, None)
        if g is None:
            continue
        if wanted is not None and node in wanted:
            found[node] = _own(g, handed)
        for parent, parent_grad in zip(node._parents, node._backward(g)):
            if parent_grad is None or not parent.requires_grad:
                continue
            if parent._backward is not None:
                grads[parent] = (parent_grad if parent not in grads
                                 else grads[parent] + parent_grad)
            elif wanted is None or parent in wanted:
                found[parent] = (_own(parent_grad, handed) if parent not in found
                                 else found[parent] + parent_grad)
