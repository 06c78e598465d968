"""Linear algebra on stacks of matrices, like `keras.ops.linalg`: the matrices sit in the
last two axes of an input of shape (..., M, N), after any number of batch axes.

Each differentiable op writes its gradient next to its forward pass. Notation in the
comments: X the input, G the gradient of the output, A^T the transpose of the last two
axes, A^-T the inverse of A^T, I the identity. Decompositions return several outputs that
share one node of the graph (see `split_outputs`). lu_factor, eig and matrix_rank have no
gradient: they return plain Tensors.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .array import swapaxes
from .math import _floating, getitem, matmul, norm, reshape, tensor, unbroadcast

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lu_factor", "norm",
           "qr", "solve", "solve_triangular", "svd", "lstsq", "pinv", "matrix_rank"]


# --- helpers -------------------------------------------------------------------------------

def _mT(a):
    """The matrices of the array `a` transposed (its last two axes swapped)."""
    return np.swapaxes(a, -1, -2)


def _symmetric(a):
    """(a + a^T) / 2: the symmetric part that cholesky and eigh read (as Keras on JAX does)."""
    return (a + _mT(a)) / 2


def _diag_embed(v):
    """The vectors (..., K) as diagonal matrices (..., K, K)."""
    return v[..., :, None] * np.eye(v.shape[-1], dtype=v.dtype)


def _matrices(x, caller, square=False):
    """`x` as a float Tensor of matrices (rank >= 2), square ones if asked."""
    x = _floating(x)
    if x.ndim < 2:
        raise ValueError(f"{caller}: expected matrices in the last two axes (an input of rank "
                         f">= 2), received shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{caller}: expected square matrices in the last two axes, shape "
                         f"(..., M, M), received shape {x.shape}")
    return x


def _solve(matrix, rhs):
    """np.linalg.solve(matrix, rhs), NaN for the exactly singular matrices of the batch
    (where Keras on JAX gives inf or NaN) rather than an error for them all."""
    try:
        return np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:
        singular = (np.linalg.det(matrix) == 0)[..., None, None]      # a zero pivot
        safe = np.where(singular, np.eye(matrix.shape[-1], dtype=matrix.dtype), matrix)
        return np.where(singular, np.nan, np.linalg.solve(safe, rhs)).astype(matrix.dtype)


def split_outputs(arrays, parents, backward):
    """Tensors for the several outputs of one op, which share one node of the graph:
    `backward(grads)` gets one gradient array per output (zeros where an output was not
    used) and returns one gradient per parent."""
    sizes = [a.size for a in arrays]
    bounds = np.cumsum(sizes)[:-1]

    def packed_backward(g):
        return backward([part.reshape(a.shape) for part, a in zip(np.split(g, bounds), arrays)])
    packed = Tensor.from_op(np.concatenate([a.ravel() for a in arrays]), parents, packed_backward)
    if not packed.requires_grad:
        return tuple(Tensor(a) for a in arrays)
    starts = [0, *bounds]
    return tuple(reshape(getitem(packed, slice(start, start + a.size)), a.shape)
                 for start, a in zip(starts, arrays))


def _no_gradient_beyond(extra, caller, what):
    """Raise unless the gradient `extra` reaching outputs that have none is all zero."""
    if np.any(extra):
        raise ValueError(f"{caller}: no gradient is defined for {what}, which are not unique "
                         "(any orthonormal completion); use only the first min(M, N) of them")


# --- inverse and determinant ----------------------------------------------------------------

def inv(x):
    """The inverses of the square matrices of `x` (..., M, M); NaN for a singular one."""
    x = _matrices(x, "inv", square=True)
    out = _solve(x.data, np.eye(x.shape[-1], dtype=x.dtype))

    def backward(g):                       # d(X^-1) = -X^-1 dX X^-1, so dX = -Y^T G Y^T
        return (-_mT(out) @ g @ _mT(out),)
    return Tensor.from_op(out, (x,), backward)


def _cofactors(a):
    """det(a) a^-T, the cofactor matrices of the square matrices `a`, from their SVD
    a = U diag(s) V^T: det(U) det(V) U diag(prod of the s_j with j != i) V^T, finite (and
    right) for singular matrices too."""
    u, s, vh = np.linalg.svd(a)
    ones = np.ones_like(s[..., :1])
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)  # s_0...s_(i-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(s[..., 1:], -1)], axis=-1),
                               axis=-1), -1)                                     # s_(i+1)...
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * (u * (before * after)[..., None, :]) @ vh


def det(x):
    """The determinants of the square matrices of `x` (..., M, M), shape (...)."""
    x = _matrices(x, "det", square=True)

    def backward(g):                       # d det X / dX = det(X) X^-T (the cofactors)
        return (g[..., None, None] * _cofactors(x.data),)
    return Tensor.from_op(np.linalg.det(x.data), (x,), backward)


# --- linear systems -------------------------------------------------------------------------

def _system(a, b, caller, square=True):
    """(a, b, rhs, vector) for a @ x = b: `a` (..., M, N) and `b` (..., M, K), or a vector
    b (M,) that `rhs` holds as (M, 1)."""
    a = _matrices(a, caller, square=square)
    b = _floating(tensor(b, like=a))
    vector = b.ndim == 1
    rhs = b.data[:, None] if vector else b.data
    rows = a.shape[-2]
    fits = rhs.ndim >= 2 and rhs.shape[-2] == rows
    if fits:
        try:
            np.broadcast_shapes(a.shape[:-2], rhs.shape[:-2])
        except ValueError:
            fits = False
    if not fits:
        raise ValueError(f"{caller}: expected b of shape (..., {rows}, K) (batch axes that "
                         f"broadcast with those of a) or ({rows},) for a of shape {a.shape}, "
                         f"received b of shape {b.shape}; for a batch of vectors pass "
                         "b[..., None]")
    return a, b, rhs, vector


def _linear_solve(a, b, caller, keep=None):
    """X with A X = B, where A is `a` or, given keep (np.tril or np.triu), that triangle of `a`."""
    a, b, rhs, vector = _system(a, b, caller)
    matrix = a.data if keep is None else keep(a.data)
    x = _solve(matrix, rhs)

    def backward(g):                       # X = A^-1 B: dB = A^-T G, dA = -dB X^T
        g = g[..., None] if vector else g
        gb = _solve(_mT(matrix), g)
        ga = None
        if a.requires_grad:
            ga = unbroadcast(-gb @ _mT(x), a.shape)
            ga = ga if keep is None else keep(ga)          # only the triangle was read
        gb = unbroadcast(gb, rhs.shape).reshape(b.shape) if b.requires_grad else None
        return ga, gb
    return Tensor.from_op(x[..., 0] if vector else x, (a, b), backward)


def solve(a, b):
    """x with a @ x = b, for square matrices `a` (..., M, M) and `b` (..., M, K) or a
    vector (M,); x has b's shape (batch axes broadcast), NaN where `a` is singular."""
    return _linear_solve(a, b, "solve")


def solve_triangular(a, b, lower=False):
    """x with a @ x = b where `a` is triangular: only the upper triangle of `a` is read, or
    the lower one with lower=True. Shapes as for `solve`."""
    return _linear_solve(a, b, "solve_triangular", np.tril if lower else np.triu)


def _pseudo_inverse(x, rcond):
    """The pseudo-inverses (..., N, M) of the matrices `x` (..., M, N): the singular values
    at or below rcond times the largest count as zero."""
    u, s, vh = np.linalg.svd(x.data, full_matrices=False)
    kept = s > rcond * s[..., :1]
    s_inv = np.where(kept, 1 / np.where(kept, s, 1), 0).astype(s.dtype)
    p = _mT(vh) @ (s_inv[..., :, None] * _mT(u))

    def backward(g):    # for a constant rank: dX = -P^T G P^T + (I - X P) G^T P P^T + P^T P G^T (I - P X)
        pt, gt, xd = _mT(p), _mT(g), x.data
        return (-pt @ g @ pt + (gt - xd @ (p @ gt)) @ (p @ pt)
                + (pt @ p) @ (gt - (gt @ p) @ xd),)
    return Tensor.from_op(p, (x,), backward)


def _eps(x):
    m, n = x.shape[-2:]
    return max(m, n) * np.finfo(x.dtype).eps


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverses (..., N, M) of the matrices `x` (..., M, N).
    Singular values at or below rcond times the largest count as zero; rcond defaults to
    10 * max(M, N) * eps (as on JAX). The gradient assumes the rank stays the same."""
    x = _matrices(x, "pinv")
    return _pseudo_inverse(x, 10 * _eps(x) if rcond is None else rcond)


def lstsq(a, b, rcond=None):
    """The least-squares solution x of a @ x = b, of least norm when several exist: `a`
    (..., M, N), `b` (..., M, K) or a vector (M,); x is (..., N, K) or (N,). Singular
    values below rcond times the largest count as zero (default max(M, N) * eps)."""
    a, b, _, _ = _system(a, b, "lstsq", square=False)
    return matmul(_pseudo_inverse(a, _eps(a) if rcond is None else rcond), b)


# --- decompositions -------------------------------------------------------------------------

def cholesky(x, upper=False):
    """The lower-triangular L with L L^T = x of the symmetric positive-definite matrices `x`
    (..., M, M), or the upper-triangular U = L^T with U^T U = x (upper=True). `x` is read
    as its symmetric part (x + x^T) / 2."""
    x = _matrices(x, "cholesky", square=True)
    try:
        lower = np.linalg.cholesky(_symmetric(x.data))
    except np.linalg.LinAlgError:
        raise ValueError(f"cholesky: the matrices are not positive definite (received shape "
                         f"{x.shape})") from None

    def backward(g):
        # X = L L^T. With P = tril(L^T G), S = (P + tril(P, -1)^T) / 2 (symmetric, half the
        # diagonal): dX = L^-T S L^-1, symmetric like X.
        gl = _mT(g) if upper else g
        p = np.tril(_mT(lower) @ gl)
        half = (p + _mT(np.tril(p, -1))) / 2
        left = np.linalg.solve(_mT(lower), half)               # L^-T S
        return (_mT(np.linalg.solve(_mT(lower), _mT(left))),)  # (L^-T (L^-T S)^T)^T
    return Tensor.from_op(_mT(lower) if upper else lower, (x,), backward)


def cholesky_inverse(x, upper=False):
    """The inverses of the symmetric positive-definite matrices whose Cholesky factors are
    `x` (..., M, M): (L L^T)^-1 for lower factors L (only the lower triangle of `x` is
    read), (U^T U)^-1 for upper factors U (upper=True)."""
    x = _matrices(x, "cholesky_inverse", square=True)
    eye = np.eye(x.shape[-1], dtype=x.dtype)
    factor_inv = _linear_solve(x, eye, "cholesky_inverse", np.triu if upper else np.tril)
    transposed = swapaxes(factor_inv, -1, -2)
    if upper:                                              # U^-1 U^-T
        return matmul(factor_inv, transposed)
    return matmul(transposed, factor_inv)                  # L^-T L^-1


def lu_factor(x):
    """(lu, pivots): the LU decomposition with partial pivoting of the matrices `x`
    (..., M, N). `lu` holds U on and above the diagonal and the multipliers of the unit
    lower-triangular L below it; pivots (..., min(M, N)), int32: step i swapped row i with
    row pivots[i] (counting from 0, as LAPACK and SciPy). No gradient."""
    x = _matrices(x, "lu_factor")
    m, n = x.shape[-2:]
    steps = min(m, n)
    lu = x.data.reshape((-1, m, n)).copy()
    every = np.arange(len(lu))
    pivots = np.empty((len(lu), steps), np.int32)
    for j in range(steps):                                 # one column at a time, all matrices
        pivot = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        pivots[:, j] = pivot
        row = lu[every, j].copy()
        lu[every, j] = lu[every, pivot]
        lu[every, pivot] = row
        head = lu[:, j, j]
        lu[:, j + 1:, j] /= np.where(head == 0, 1, head)[:, None]   # a zero column stays zero
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    batch = x.shape[:-2]
    return Tensor(lu.reshape(x.shape)), Tensor(pivots.reshape(batch + (steps,)))


def _qr_tall_grad(q, r, gq, gr):
    """The gradient for X = Q R with X (..., M, N), M >= N, R square and invertible:
    with C = R G_R^T - G_Q^T Q, dX = (G_Q + Q copyltu(C)) R^-T, where copyltu(C) is the
    symmetric matrix with the lower triangle of C."""
    c = r @ _mT(gr) - _mT(gq) @ q
    c = np.tril(c) + _mT(np.tril(c, -1))
    return _mT(np.linalg.solve(r, _mT(gq + q @ c)))


def qr(x, mode="reduced"):
    """(q, r) with x = q @ r, q with orthonormal columns and r upper triangular, for the
    matrices `x` (..., M, N). mode='reduced': q (..., M, K), r (..., K, N) with
    K = min(M, N); mode='complete': q (..., M, M), r (..., M, N). The gradient assumes
    full rank; in complete mode no gradient reaches the columns of q beyond N."""
    backend.check_choice("qr", "mode", mode, ("reduced", "complete"))
    x = _matrices(x, "qr")
    q, r = np.linalg.qr(x.data, mode=mode)
    m, n = x.shape[-2:]
    k = min(m, n)

    def backward(grads):
        gq, gr = grads
        _no_gradient_beyond(gq[..., k:], "qr", "the columns of q beyond N (mode='complete')")
        qk, gq, gr = q[..., :k], gq[..., :k], gr[..., :k, :]   # rows of r beyond N are zero
        if m >= n:
            return (_qr_tall_grad(qk, r[..., :k, :], gq, gr),)
        # X = [X1 X2] with X1 = Q R1 square and R2 = Q^T X2: dX2 = Q G_R2, and Q gets
        # X2 G_R2^T more
        x2, gr2 = x.data[..., m:], gr[..., m:]
        g1 = _qr_tall_grad(qk, r[..., :m], gq + x2 @ _mT(gr2), gr[..., :m])
        return (np.concatenate([g1, qk @ gr2], axis=-1),)
    return split_outputs([q, r], (x,), backward)


def _svd_grad(u, s, vh, gu, gs, gvh):
    """The gradient for X = U diag(s) V^T (M, N) from those of u, s and vh (gu and gvh
    None for s alone); K = min(M, N), and the singular values must be distinct and
    nonzero when u or vh carries a gradient."""
    k = s.shape[-1]
    u_k, vh_k = u[..., :k], vh[..., :k, :]
    if gu is None or not (np.any(gu) or np.any(gvh)):      # dX = U diag(G_s) V^T
        return u_k @ (gs[..., :, None] * vh_k)
    _no_gradient_beyond(gu[..., k:], "svd", "the columns of u beyond min(M, N) "
                        "(full_matrices=True)")
    _no_gradient_beyond(gvh[..., k:, :], "svd", "the rows of vh beyond min(M, N) "
                        "(full_matrices=True)")
    gu, gv, v = gu[..., :k], _mT(gvh[..., :k, :]), _mT(vh_k)
    # F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it
    squares = s * s
    gap = squares[..., None, :] - squares[..., :, None]
    off = ~np.eye(k, dtype=bool)
    f = np.divide(1, gap, out=np.zeros_like(gap), where=off)
    # dX = U [(F o (U^T G_U - G_U^T U)) S + diag(G_s) + S (F o (V^T G_V - G_V^T V))] V^T
    #      + (I - U U^T) G_U S^-1 V^T + U S^-1 G_V^T (I - V V^T)
    ut_gu, vt_gv = _mT(u_k) @ gu, _mT(v) @ gv
    inner = (f * (ut_gu - _mT(ut_gu)) * s[..., None, :] + _diag_embed(gs)
             + s[..., :, None] * (f * (vt_gv - _mT(vt_gv))))
    gx = u_k @ inner @ vh_k
    if u.shape[-2] > k:                                    # M > N: U misses part of R^M
        gx = gx + ((gu - u_k @ ut_gu) / s[..., None, :]) @ vh_k
    if vh.shape[-1] > k:                                   # N > M: V misses part of R^N
        gvt = _mT(gv)
        gx = gx + u_k @ ((gvt - _mT(vt_gv) @ vh_k) / s[..., :, None])
    return gx


def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u[..., :K] @ diag(s) @ vh[..., :K, :] for the matrices `x`
    (..., M, N), K = min(M, N): u (..., M, M) and vh (..., N, N) with orthonormal columns
    and rows, s (..., K) in descending order; u (..., M, K) and vh (..., K, N) with
    full_matrices=False; s alone with compute_uv=False. The gradient through u and vh needs
    distinct nonzero singular values."""
    x = _matrices(x, "svd")
    u, s, vh = np.linalg.svd(x.data, full_matrices=full_matrices)
    if not compute_uv:
        return Tensor.from_op(s, (x,), lambda g: (_svd_grad(u, s, vh, None, g, None),))
    return split_outputs([u, s, vh], (x,), lambda grads: (_svd_grad(u, s, vh, *grads),))


def eigh(x):
    """(w, v): the eigenvalues (..., M), in ascending order, and the eigenvectors (the
    columns of v (..., M, M)) of the symmetric matrices `x`, read as (x + x^T) / 2. The
    gradient through v needs distinct eigenvalues."""
    x = _matrices(x, "eigh", square=True)
    w, v = np.linalg.eigh(_symmetric(x.data))

    def backward(grads):
        # X = V diag(w) V^T: dX = V (diag(G_w) + F o (V^T G_V)) V^T, F_ij = 1 / (w_j - w_i)
        # off the diagonal; then its symmetric part, as X was read symmetric
        gw, gv = grads
        inner = _diag_embed(gw)
        if np.any(gv):
            gap = w[..., None, :] - w[..., :, None]
            off = ~np.eye(w.shape[-1], dtype=bool)
            inner = inner + np.divide(1, gap, out=np.zeros_like(gap), where=off) * (_mT(v) @ gv)
        return (_symmetric(v @ inner @ _mT(v)),)
    return split_outputs([w, v], (x,), backward)


def eig(x):
    """(w, v): the eigenvalues (..., M) and eigenvectors (the columns of v (..., M, M)) of
    the square matrices `x`, as complex Tensors (complex64 for float32 input). No gradient."""
    x = _matrices(x, "eig", square=True)
    w, v = np.linalg.eig(x.data)
    dtype = np.result_type(x.dtype, np.complex64)
    return Tensor(w.astype(dtype)), Tensor(v.astype(dtype))


def matrix_rank(x, tol=None):
    """The ranks (..., ), int32, of the matrices `x` (..., M, N): how many singular values
    exceed `tol`, which defaults to the largest one times max(M, N) * eps. No gradient."""
    x = _matrices(x, "matrix_rank")
    s = np.linalg.svd(x.data, compute_uv=False)
    if tol is None:
        tol = s[..., :1] * _eps(x)
    else:                                                  # one per matrix, or one for all
        tol = np.expand_dims(np.asarray(tol, s.dtype), -1)
    return Tensor(np.sum(s > tol, axis=-1).astype(np.int32))
