"""Reverse-mode differentiation: record mode, topological order and the backward sweep.

Every op output keeps its parents and a `backward(g)` closure that maps the gradient of
the output to one gradient per parent (None where a parent needs none). Backpropagation
is one topological sort of the graph and one loop over it, in reverse.
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


def _reverse_topological(root):
    """Nodes reachable from `root` through tensors that require grad, outputs first.

    An op's output is created after its inputs, so sorting by creation order, newest
    first, puts every node before the nodes it came from. (Tensors compare and hash by
    identity, so they serve as set members and dict keys here.)
    """
    reached = {root}
    stack = [root]
    while stack:
        for parent in stack.pop()._parents:
            if parent.requires_grad and parent not in reached:
                reached.add(parent)
                stack.append(parent)
    return sorted(reached, key=operator.attrgetter("_order"), reverse=True)


def _seed(output, grad):
    if grad is None:
        if output.data.size != 1:
            raise ValueError(
                "backward: a gradient can be created implicitly only for a single-element "
                f"output; received shape {output.shape}. Pass the output's gradient explicitly.")
        return np.ones(output.shape, output.dtype)
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


def backpropagate(output, grad=None, wanted=None):
    """Sweep the graph of `output` once in reverse.

    Returns {tensor: gradient array} for the tensors in `wanted` (a set of Tensors), or
    for every leaf that requires grad when `wanted` is None.
    """
    grads = {output: _seed(output, grad)}
    found = {}
    handed = set()                         # ids of the arrays in `found`
    for node in _reverse_topological(output):
        g = grads.pop(node, None)
        if g is None:
            continue
        backward = node._backward
        if wanted is None:
            keep = backward is None and node.requires_grad          # every leaf needing grad
        else:
            keep = node in wanted
        if keep:
            found[node] = _own(g, handed)
        if backward is None:
            continue
        for parent, parent_grad in zip(node._parents, backward(g)):
            if parent_grad is None or not parent.requires_grad:
                continue
            grads[parent] = parent_grad if parent not in grads else grads[parent] + parent_grad
    return found
