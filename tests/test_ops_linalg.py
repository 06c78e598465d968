"""keras.ops.linalg (inverse, determinant, solves, Cholesky, QR, SVD, eigen, LU, pseudo-
inverse, least squares, rank) and the FFT family of keras.ops (fft, fft2, ifft2, rfft,
irfft, stft, istft, extract_sequences, view_as_complex/real). Values against Keras 3 on
JAX (where installed); decompositions that are unique only up to signs through their
reconstructions and invariants; gradients against finite differences (float64); dtypes,
batches, symbolic use in functional models, and errors."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.autograd import Tensor
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.testing import gradcheck

RNG = np.random.default_rng(11)


def normal(*shape):
    return RNG.standard_normal(shape)


def well_conditioned(*shape):
    """Random square matrices (..., n, n) with a strong diagonal."""
    return normal(*shape) + 3 * np.eye(shape[-1])


def spd(*shape):
    """Random symmetric positive-definite matrices (..., n, n)."""
    a = normal(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def lower_factor(*shape):
    """Random lower-triangular matrices with a positive diagonal (Cholesky factors)."""
    return np.tril(normal(*shape), -1) + np.diag(RNG.uniform(1, 2, shape[-1]))


F32 = np.float32
A = well_conditioned(2, 3, 3).astype(F32)
SPD = spd(2, 3, 3).astype(F32)
L = lower_factor(3, 3).astype(F32)
B = normal(2, 3, 2).astype(F32)
TALL = normal(2, 4, 3).astype(F32)
WIDE = normal(2, 3, 4).astype(F32)
SIGNAL = normal(2, 16).astype(F32)
PAIR = (normal(2, 3, 5).astype(F32), normal(2, 3, 5).astype(F32))
SPECTRUM = (normal(2, 7, 5).astype(F32), normal(2, 7, 5).astype(F32))


def _flat(result):
    if isinstance(result, (list, tuple)):
        return [leaf for item in result for leaf in _flat(item)]
    return [np.asarray(result)]


def _mT(a):
    return np.swapaxes(np.asarray(a), -1, -2)


# --- values and dtypes against Keras 3 ----------------------------------------------------------

KERAS_CASES = [
    ("inv", lambda o: o.linalg.inv(A)),
    ("det", lambda o: o.linalg.det(A)),
    ("solve", lambda o: o.linalg.solve(A, B)),
    ("solve-vector", lambda o: o.solve(A[0], B[0, :, 0])),
    ("solve_triangular", lambda o: o.linalg.solve_triangular(A, B)),
    ("solve_triangular-lower", lambda o: o.solve_triangular(A, B, lower=True)),
    ("solve_triangular-vector", lambda o: o.solve_triangular(A[0], B[0, :, 1], lower=True)),
    ("cholesky", lambda o: o.linalg.cholesky(SPD)),
    ("cholesky-upper", lambda o: o.cholesky(SPD, upper=True)),
    ("cholesky-of-the-symmetric-part",
     lambda o: o.cholesky(SPD + np.triu(np.full((3, 3), 0.3, F32), 1))),
    ("eigh-of-the-symmetric-part",
     lambda o: o.eigh(SPD + np.triu(np.full((3, 3), 0.3, F32), 1))[0]),
    ("cholesky_inverse", lambda o: o.linalg.cholesky_inverse(L)),
    ("cholesky_inverse-upper", lambda o: o.cholesky_inverse(L.T, upper=True)),
    ("eigh-values", lambda o: o.linalg.eigh(SPD)[0]),
    ("svd-values", lambda o: o.linalg.svd(TALL, compute_uv=False)),
    ("lu_factor", lambda o: o.linalg.lu_factor(A)),
    ("lu_factor-tall", lambda o: o.lu_factor(TALL[0])),
    ("lu_factor-wide", lambda o: o.lu_factor(WIDE)),
    ("pinv", lambda o: o.linalg.pinv(TALL)),
    ("pinv-wide", lambda o: o.pinv(WIDE[0])),
    ("pinv-rank-deficient", lambda o: o.pinv(np.outer([1.0, 2.0, 3.0], [1.0, -1.0]).astype(F32))),
    ("lstsq", lambda o: o.linalg.lstsq(TALL[0], B[0, :, 0].repeat(2)[:4])),
    ("lstsq-matrix", lambda o: o.lstsq(TALL[1], TALL[0, :, :2])),
    ("lstsq-underdetermined", lambda o: o.lstsq(WIDE[0], B[0])),
    ("matrix_rank", lambda o: o.linalg.matrix_rank(
        np.stack([A[0], np.outer([1.0, 2, 3], [1.0, 0, 1])]).astype(F32))),
    ("matrix_rank-tol", lambda o: o.matrix_rank(A, tol=np.array([3.5, 2.5], F32))),
    ("norm", lambda o: o.linalg.norm(TALL, axis=(-2, -1))),
    ("fft", lambda o: o.fft(PAIR)),
    ("fft2", lambda o: o.fft2(PAIR)),
    ("ifft2", lambda o: o.ifft2(PAIR)),
    ("rfft", lambda o: o.rfft(SIGNAL)),
    ("rfft-padded", lambda o: o.rfft(SIGNAL[:, :5], fft_length=8)),
    ("rfft-cut", lambda o: o.rfft(SIGNAL, fft_length=7)),
    ("irfft", lambda o: o.irfft(SPECTRUM)),
    ("irfft-odd", lambda o: o.irfft(SPECTRUM, fft_length=9)),
    ("irfft-short", lambda o: o.irfft(SPECTRUM, fft_length=6)),
    ("irfft-long", lambda o: o.irfft(SPECTRUM, fft_length=12)),
    ("extract_sequences", lambda o: o.extract_sequences(SIGNAL, 5, 3)),
    ("stft", lambda o: o.stft(SIGNAL, 6, 2, 8)),
    ("stft-no-window-uncentered", lambda o: o.stft(SIGNAL, 4, 2, 7, window=None, center=False)),
    ("istft-no-window-length", lambda o: o.istft(SPECTRUM, 7, 3, 8, length=20, window=None,
                                                 center=False)),
    ("view_as_complex", lambda o: o.view_as_complex(np.stack(PAIR, axis=-1))),
    ("view_as_real", lambda o: o.view_as_real((PAIR[0] + 1j * PAIR[1]).astype(np.complex64))),
]


@pytest.mark.parametrize("name, call", KERAS_CASES, ids=[name for name, _ in KERAS_CASES])
def test_values_and_dtypes_match_keras_3(real_keras, name, call):
    ours, theirs = _flat(call(ops)), _flat(call(real_keras.ops))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape
        assert mine.dtype == reference.dtype
        np.testing.assert_allclose(mine, reference, rtol=2e-5, atol=2e-5)


def test_the_linalg_namespace_has_the_names_of_keras_3(real_keras):
    theirs = {name for name in dir(real_keras.ops.linalg) if not name.startswith("_")}
    assert set(ops.linalg.__all__) == theirs - {"jvp"}
    for name in ops.linalg.__all__:
        assert getattr(ops.linalg, name) is getattr(ops, name)
        assert hasattr(getattr(ops, name), "__wrapped__")           # graph-aware


@pytest.mark.parametrize("mode", ["reduced", "complete"])
@pytest.mark.parametrize("x", [TALL, WIDE], ids=["tall", "wide"])
def test_qr_reconstructs_and_matches_keras_up_to_signs(real_keras, x, mode):
    q, r = (t.data for t in ops.qr(x, mode=mode))
    kq, kr = (np.asarray(t) for t in real_keras.ops.qr(x, mode=mode))
    assert q.shape == kq.shape and r.shape == kr.shape and q.dtype == r.dtype == F32
    np.testing.assert_allclose(q @ r, x, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_mT(q) @ q, np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2]
                                                            + (q.shape[-1],) * 2), atol=1e-5)
    np.testing.assert_array_equal(r, np.triu(r))
    k = min(x.shape[-2:])           # unique up to the signs of r's rows and q's columns
    np.testing.assert_allclose(np.abs(r), np.abs(kr), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.abs(q[..., :k]), np.abs(kq[..., :k]), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("full_matrices", [True, False])
@pytest.mark.parametrize("x", [TALL, WIDE], ids=["tall", "wide"])
def test_svd_reconstructs_and_matches_keras_up_to_signs(real_keras, x, full_matrices):
    u, s, vh = (t.data for t in ops.svd(x, full_matrices=full_matrices))
    ku, ks, kvh = (np.asarray(t) for t in real_keras.ops.svd(x, full_matrices=full_matrices))
    assert (u.shape, s.shape, vh.shape) == (ku.shape, ks.shape, kvh.shape)
    assert u.dtype == s.dtype == vh.dtype == F32
    k = s.shape[-1]
    np.testing.assert_allclose((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], x,
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(s, ks, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.abs(u[..., :k]), np.abs(ku[..., :k]), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.abs(vh[..., :k, :]), np.abs(kvh[..., :k, :]), rtol=1e-4,
                               atol=1e-5)


def test_eigh_and_eig_reconstruct_and_match_keras(real_keras):
    w, v = (t.data for t in ops.eigh(SPD))
    kw, kv = (np.asarray(t) for t in real_keras.ops.eigh(SPD))
    np.testing.assert_allclose(w, kw, rtol=1e-5)
    np.testing.assert_allclose((v * w[..., None, :]) @ _mT(v), SPD, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(np.abs(v), np.abs(kv), rtol=1e-4, atol=1e-5)
    w, v = (t.data for t in ops.eig(A))
    kw = np.asarray(real_keras.ops.eig(A)[0])
    assert w.dtype == v.dtype == kw.dtype == np.complex64
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(kw), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(A @ v, v * w[..., None, :], rtol=1e-4, atol=1e-4)


def test_lu_factor_reconstructs_the_pivoted_matrix():
    x = normal(3, 4, 4)
    x[1, :, 0] = 0                                        # a zero column: no pivot to divide by
    lu, pivots = (t.data for t in ops.lu_factor(x))
    assert pivots.dtype == np.int32 and pivots.shape == (3, 4)
    for matrix, factors, swaps in zip(x, lu, pivots):
        rows = np.arange(4)
        for i, p in enumerate(swaps):
            rows[[i, p]] = rows[[p, i]]
        lower = np.tril(factors, -1) + np.eye(4)
        np.testing.assert_allclose(lower @ np.triu(factors), matrix[rows], atol=1e-12)


def test_singular_matrices_give_nan_like_keras_on_jax(real_keras):
    batch = A.copy()
    batch[1] = np.outer([1, 2, 3], [1, 1, 1])             # singular
    out = ops.inv(batch).data
    np.testing.assert_allclose(out[0], np.linalg.inv(A[0]), rtol=1e-5)
    assert np.isnan(out[1]).all() and not np.isfinite(real_keras.ops.inv(batch)[1]).all()
    solved = ops.solve(batch, B).data
    np.testing.assert_allclose(solved[0], np.linalg.solve(A[0], B[0]), rtol=1e-5, atol=1e-6)
    assert np.isnan(solved[1]).all()


def test_det_gradient_is_the_cofactor_matrix_at_a_singular_matrix():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])   # rank 2
    t = Tensor(x, requires_grad=True)
    ops.det(t).backward()
    cofactors = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(x, i, 0), j, 1))
                           for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(t.grad, cofactors, atol=1e-9)
    gradcheck(ops.det, [x])


@pytest.mark.parametrize("window", ["hann", "hamming"])
def test_a_window_given_as_values_acts_like_its_name(window):
    values = {"hann": np.hanning(7)[:-1], "hamming": np.hamming(7)[:-1]}[window]  # periodic
    for call in (lambda w: ops.stft(SIGNAL, 6, 2, 8, window=w),
                 lambda w: ops.istft(SPECTRUM, 6, 2, 8, window=w)):
        for mine, named in zip(_flat(call(values)), _flat(call(window))):
            np.testing.assert_allclose(mine, named, rtol=1e-5, atol=1e-6)


def test_istft_inverts_stft():
    x = normal(3, 40)
    back = ops.istft(ops.stft(x, 16, 4, 16), 16, 4, 16).data
    np.testing.assert_allclose(back, x, atol=1e-10)


# --- gradients against finite differences (float64) ----------------------------------------

def _joined(*tensors):
    """One vector of several outputs, for gradcheck."""
    return ops.concatenate([ops.reshape(t, (-1,)) for t in tensors], axis=0)


def _sign_free_svd(x, full_matrices=False):
    """Functions of u, s, vh that do not depend on the signs of the singular vectors."""
    u, s, vh = ops.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return _joined(u * u, s, vh * vh, ops.matmul(u * ops.expand_dims(s * s, -2), vh))


def _sign_free_eigh(x):
    w, v = ops.eigh(x)
    return _joined(w, v * v, ops.matmul(v * ops.expand_dims(w * w * w, -2), ops.transpose(v, (0, 2, 1))))


def _pair_out(pair):
    return _joined(*pair)


GRADIENT_CASES = [
    ("inv", ops.inv, well_conditioned(2, 3, 3)),
    ("det", ops.det, normal(2, 3, 3)),
    ("solve", ops.solve, well_conditioned(2, 3, 3), normal(2, 3, 2)),
    ("solve-broadcast", ops.solve, well_conditioned(3, 3), normal(2, 3, 2)),
    ("solve-vector", ops.solve, well_conditioned(3, 3), normal(3)),
    ("solve_triangular", ops.solve_triangular, well_conditioned(2, 3, 3), normal(2, 3, 2)),
    ("solve_triangular-lower", lambda a, b: ops.solve_triangular(a, b, lower=True),
     well_conditioned(3, 3), normal(3)),
    ("cholesky", ops.cholesky, spd(2, 3, 3)),
    ("cholesky-upper", lambda x: ops.cholesky(x, upper=True), spd(3, 3)),
    ("cholesky_inverse", ops.cholesky_inverse, lower_factor(3, 3)),
    ("cholesky_inverse-upper", lambda x: ops.cholesky_inverse(x, upper=True),
     lower_factor(3, 3).T),
    ("qr-tall", lambda x: _joined(*ops.qr(x)), normal(2, 4, 3)),
    ("qr-square", lambda x: _joined(*ops.qr(x)), normal(3, 3)),
    ("qr-wide", lambda x: _joined(*ops.qr(x)), normal(2, 3, 4)),
    ("qr-complete-r", lambda x: ops.qr(x, mode="complete")[1], normal(4, 3)),
    ("svd-values", lambda x: ops.svd(x, compute_uv=False), normal(2, 4, 3)),
    ("svd-tall", _sign_free_svd, normal(2, 4, 3)),
    ("svd-wide", _sign_free_svd, normal(3, 5)),
    ("svd-square-full", lambda x: _sign_free_svd(x, full_matrices=True), normal(3, 3)),
    ("svd-tall-full-first-columns", lambda x: _sign_free_svd(x, full_matrices=True),
     normal(4, 2)),
    ("eigh", _sign_free_eigh, spd(2, 3, 3)),
    ("eigh-values-nonsymmetric", lambda x: ops.eigh(x)[0], normal(3, 3)),
    ("pinv-tall", ops.pinv, normal(2, 4, 3)),
    ("pinv-wide", ops.pinv, normal(3, 5)),
    ("lstsq", ops.lstsq, normal(5, 3), normal(5, 2)),
    ("lstsq-vector", ops.lstsq, normal(2, 5, 3), normal(5)),
    ("fft", lambda r, i: _pair_out(ops.fft((r, i))), normal(2, 5), normal(2, 5)),
    ("fft2", lambda r, i: _pair_out(ops.fft2((r, i))), normal(3, 4), normal(3, 4)),
    ("ifft2", lambda r, i: _pair_out(ops.ifft2((r, i))), normal(2, 3, 3), normal(2, 3, 3)),
    ("rfft", lambda x: _pair_out(ops.rfft(x)), normal(2, 6)),
    ("rfft-padded", lambda x: _pair_out(ops.rfft(x, 9)), normal(5)),
    ("rfft-cut", lambda x: _pair_out(ops.rfft(x, 4)), normal(7)),
    ("irfft", lambda r, i: ops.irfft((r, i)), normal(2, 5), normal(2, 5)),
    ("irfft-odd", lambda r, i: ops.irfft((r, i), 7), normal(5), normal(5)),
    ("irfft-short", lambda r, i: ops.irfft((r, i), 4), normal(5), normal(5)),
    ("irfft-long", lambda r, i: ops.irfft((r, i), 12), normal(4), normal(4)),
    ("extract_sequences", lambda x: ops.extract_sequences(x, 4, 3), normal(2, 11)),
    ("stft", lambda x: _pair_out(ops.stft(x, 6, 2, 8)), normal(2, 12)),
    ("stft-uncentered", lambda x: _pair_out(ops.stft(x, 5, 3, 5, "hamming", center=False)),
     normal(13)),
    ("istft", lambda r, i: ops.istft((r, i), 6, 2, 8), normal(5, 5), normal(5, 5)),
    ("istft-length", lambda r, i: ops.istft((r, i), 8, 3, 8, length=9, center=False),
     normal(2, 4, 5), normal(2, 4, 5)),
]


@pytest.mark.parametrize("fn, inputs", [pytest.param(fn, inputs, id=name)
                                        for name, fn, *inputs in GRADIENT_CASES])
def test_gradients_match_finite_differences(fn, inputs):
    gradcheck(fn, inputs)


# --- dtypes ------------------------------------------------------------------------------------

FLOAT32_CASES = [
    ops.inv, ops.det, lambda x: ops.solve(x, x[:, :1]), lambda x: ops.solve_triangular(x, x),
    lambda x: ops.cholesky(ops.matmul(x, ops.transpose(x))), ops.cholesky_inverse,
    lambda x: ops.qr(x)[0], lambda x: ops.svd(x)[2], lambda x: ops.svd(x, compute_uv=False),
    lambda x: ops.eigh(x)[1], ops.pinv, lambda x: ops.lstsq(x, x[0]),
    lambda x: ops.fft((x, x))[1], lambda x: ops.ifft2((x, x))[0], lambda x: ops.rfft(x)[1],
    lambda x: ops.irfft((x, x)), lambda x: ops.stft(x, 2, 1, 2)[0],
    lambda x: ops.istft((x, x), 4, 1, 4), lambda x: ops.extract_sequences(x, 2, 1),
]


@pytest.mark.parametrize("fn", FLOAT32_CASES)
def test_float32_stays_float32(fn):
    x = Tensor(np.array([[2.5, -0.5, 0.2], [0.3, 2.0, -1.0], [0.7, 0.1, 1.5]], F32),
               requires_grad=True)
    out = fn(x)
    assert out.dtype == F32
    out.backward(np.ones(out.shape, F32))
    assert x.grad.dtype == F32


def test_integer_matrices_become_floatx():
    assert ops.inv(np.eye(2, dtype=np.int32)).dtype == F32
    assert ops.lu_factor(np.eye(2, dtype=np.int64))[0].dtype == F32


# --- symbolic tensors ------------------------------------------------------------------------

def test_linalg_and_fft_ops_in_a_functional_model():
    inputs = keras.Input((3, 3))
    u, s, vh = ops.svd(inputs)
    spectrum = ops.rfft(ops.reshape(ops.linalg.inv(inputs), (-1, 9)))
    outputs = [s * ops.linalg.det(inputs)[:, None], spectrum[0]]
    assert isinstance(s, SymbolicTensor) and s.shape == (None, 3)
    assert spectrum[0].shape == (None, 5)
    got = keras.Model(inputs, outputs).predict(A, verbose=0)
    np.testing.assert_allclose(got[0], np.linalg.svd(A)[1] * np.linalg.det(A)[:, None],
                               rtol=1e-5)
    np.testing.assert_allclose(got[1], np.fft.rfft(np.linalg.inv(A).reshape(2, 9)).real,
                               rtol=1e-4, atol=1e-5)


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.inv(np.ones((2, 3))), ValueError,
     r"inv: expected square matrices .* received shape \(2, 3\)"),
    (lambda: ops.det(np.ones(3)), ValueError, r"det: expected matrices .* rank >= 2"),
    (lambda: ops.cholesky(np.ones((2, 4, 3))), ValueError, r"cholesky: expected square"),
    (lambda: ops.cholesky(-np.eye(3)), ValueError, r"cholesky: the matrices are not positive"),
    (lambda: ops.eigh(np.ones((3, 2))), ValueError, r"eigh: expected square"),
    (lambda: ops.solve(np.eye(3), np.ones(4)), ValueError,
     r"solve: expected b of shape \(\.\.\., 3, K\) .* received b of shape \(4,\)"),
    (lambda: ops.solve(np.ones((2, 3, 3)), np.ones((2, 3))), ValueError,
     r"solve: .* received b of shape \(2, 3\); for a batch of vectors pass b\[\.\.\., None\]"),
    (lambda: ops.solve(np.ones((2, 3, 3)), np.ones((4, 3, 1))), ValueError,
     r"solve: .*broadcast"),
    (lambda: ops.solve_triangular(np.eye(3), np.ones((2, 2))), ValueError,
     r"solve_triangular: expected b of shape"),
    (lambda: ops.lstsq(np.ones((4, 3)), np.ones(3)), ValueError, r"lstsq: expected b of shape"),
    (lambda: ops.qr(np.ones((3, 3)), mode="full"), ValueError,
     r"qr: invalid mode='full'; expected one of 'reduced', 'complete'"),
    (lambda: ops.fft(np.ones(3)), ValueError, r"fft: expected x to be a tuple \(real, imag\)"),
    (lambda: ops.fft((np.ones(3), np.ones(4))), ValueError, r"fft: .*one shape.*\(3,\).*\(4,\)"),
    (lambda: ops.fft((np.ones(3, np.int32), np.ones(3, np.int32))), ValueError,
     r"fft: expected float real and imaginary parts"),
    (lambda: ops.fft2((np.ones(3), np.ones(3))), ValueError, r"fft2: expected inputs of rank >= 2"),
    (lambda: ops.rfft(np.ones(4), fft_length=0), ValueError, r"rfft: expected fft_length"),
    (lambda: ops.stft(np.ones(8, np.int32), 4, 2, 4), TypeError,
     r"stft: expected a float32 or float64 input"),
    (lambda: ops.stft(np.ones(8), 4, 2, 3), ValueError,
     r"stft: expected fft_length >= sequence_length"),
    (lambda: ops.stft(np.ones(8), 4, 2, 4, window="box"), ValueError,
     r"stft: invalid window='box'; expected one of 'hann', 'hamming'"),
    (lambda: ops.istft((np.ones((3, 3)),) * 2, 3, 1, 4, window=np.ones(4)), ValueError,
     r"istft: expected a window of shape \(3,\)"),
    (lambda: ops.istft((np.ones(3),) * 2, 3, 1, 4), ValueError, r"istft: expected inputs of rank >= 2"),
    (lambda: ops.extract_sequences(np.ones(8), 3, 0), ValueError,
     r"extract_sequences: expected sequence_stride to be a positive int"),
    (lambda: ops.view_as_complex(np.ones((2, 3))), ValueError,
     r"view_as_complex: expected a last axis of size 2"),
])
def test_errors_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("call, what", [
    (lambda x: ops.svd(x)[0], r"svd: no gradient is defined for the columns of u beyond"),
    (lambda x: ops.qr(x, mode="complete")[0], r"qr: no gradient is defined for the columns of q"),
])
def test_gradients_through_non_unique_columns_are_refused(call, what):
    x = Tensor(normal(4, 2), requires_grad=True)
    with pytest.raises(ValueError, match=what):
        ops.sum(call(x)).backward()


def test_value_gradients_allow_repeated_eigenvalues_and_singular_values():
    x = Tensor(2 * np.eye(3), requires_grad=True)
    ops.sum(ops.eigh(x)[0]).backward()                    # the trace: its gradient is I
    np.testing.assert_allclose(x.grad, np.eye(3), atol=1e-12)
    y = Tensor(2 * np.eye(3), requires_grad=True)
    ops.sum(ops.svd(y, compute_uv=False)).backward()      # the nuclear norm: U V^T = I here
    np.testing.assert_allclose(y.grad, np.eye(3), atol=1e-12)
