"""gradcheck: compare reverse-mode gradients with central finite differences in float64.

    gradcheck(lambda x, w: ops.matmul(x, w), [np.random.randn(3, 4), np.random.randn(4, 2)])

Small problems compare the full Jacobians; large ones compare directional derivatives
along random projections of the output and random directions of the inputs.
"""
import contextlib

import numpy as np

from .. import backend
from ..autograd import Tensor, graph


class GradcheckError(AssertionError):
    """The analytic and the numerical gradients differ."""


@contextlib.contextmanager
def _float64():
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        yield
    finally:
        backend.set_floatx(previous)


def _relative_error(analytic, numeric):
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric), 1e-7)
    return float(np.linalg.norm(analytic - numeric) / scale)


def gradcheck(fn, inputs, eps=1e-6, tol=1e-6, full_jacobian_limit=20000, projections=4, seed=0):
    """Raise GradcheckError unless d fn(*inputs) / d inputs matches finite differences.

    fn: callable taking Tensors and returning a Tensor; inputs: arrays (cast to float64).
    The relative error ||analytic - numeric|| / max(||analytic||, ||numeric||) must be
    below `tol`. Returns the largest relative error found.
    """
    rng = np.random.default_rng(seed)
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    with _float64(), graph.enable_grad():
        def evaluate(values):
            return fn(*[Tensor(v) for v in values]).data

        out = evaluate(arrays)
        total_in = sum(a.size for a in arrays)
        if out.size * total_in <= full_jacobian_limit:
            return _check_full(fn, arrays, out, evaluate, eps, tol)
        return _check_projected(fn, arrays, out, evaluate, eps, tol, projections, rng)


def _analytic_vjp(fn, arrays, cotangent):
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    found = graph.backpropagate(out, cotangent, wanted=set(leaves))
    grads = [found[t] if t in found else np.zeros_like(t.data) for t in leaves]
    for k, (leaf, grad) in enumerate(zip(leaves, grads)):
        if grad.shape != leaf.shape:
            raise GradcheckError(f"gradcheck: the gradient w.r.t. input {k} has shape "
                                 f"{grad.shape}, expected the input's shape {leaf.shape}")
    return grads


def _check_full(fn, arrays, out, evaluate, eps, tol):
    analytics = [np.zeros((out.size, a.size)) for a in arrays]
    for row in range(out.size):                        # one backward pass per output element
        cotangent = np.zeros(out.size)
        cotangent[row] = 1.0
        for analytic, grad in zip(analytics, _analytic_vjp(fn, arrays, cotangent.reshape(out.shape))):
            analytic[row] = grad.ravel()
    worst = 0.0
    for k, (array, analytic) in enumerate(zip(arrays, analytics)):
        numeric = np.zeros_like(analytic)
        for col in range(array.size):
            numeric[:, col] = _central_difference(evaluate, arrays, k, col, eps).ravel()
        error = _relative_error(analytic, numeric)
        if not error < tol:
            raise GradcheckError(
                f"gradcheck: Jacobian of output w.r.t. input {k} (shape {array.shape}) differs, "
                f"relative error {error:.3e} >= {tol:.0e}\nanalytic:\n{analytic}\nnumeric:\n{numeric}")
        worst = max(worst, error)
    return worst


def _central_difference(evaluate, arrays, k, flat_index, eps, direction=None):
    plus = [a.copy() for a in arrays]
    minus = [a.copy() for a in arrays]
    if direction is None:
        plus[k].flat[flat_index] += eps
        minus[k].flat[flat_index] -= eps
    else:
        plus[k] += eps * direction
        minus[k] -= eps * direction
    return (evaluate(plus) - evaluate(minus)) / (2 * eps)


def _check_projected(fn, arrays, out, evaluate, eps, tol, projections, rng):
    worst = 0.0
    for _ in range(projections):
        cotangent = rng.standard_normal(out.shape)
        grads = _analytic_vjp(fn, arrays, cotangent)
        for k, array in enumerate(arrays):
            direction = rng.standard_normal(array.shape)
            analytic = np.sum(grads[k] * direction)
            numeric = np.sum(_central_difference(evaluate, arrays, k, None, eps, direction) * cotangent)
            error = _relative_error(np.array([analytic]), np.array([numeric]))
            if not error < tol:
                raise GradcheckError(
                    f"gradcheck: directional derivative w.r.t. input {k} (shape {array.shape}) "
                    f"differs, relative error {error:.3e} >= {tol:.0e}\n"
                    f"analytic: {analytic!r}\nnumeric:  {numeric!r}")
            worst = max(worst, error)
    return worst
