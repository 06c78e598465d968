"""keras.ops added beyond the elementwise, array and activation ops: triangles, diagonals,
grids, multi-hot, segments, erf/erfinv, determinants, the cross-entropies and
normalizations of keras.ops.nn, dot-product attention, and the eager control flow.
Values against Keras 3 (where installed) and NumPy, gradients against finite differences
(float64), dtypes, symbolic use in functional models, and errors."""
import math

import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.autograd import Tensor
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.testing import gradcheck

RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 3, 4)).astype(np.float32)
PROBS = RNG.uniform(0.05, 0.95, (2, 3, 4)).astype(np.float32)
BINARY = (RNG.random((2, 3, 4)) > 0.5).astype(np.float32)
ONE_HOT = np.eye(4, dtype=np.float32)[RNG.integers(0, 4, (2, 3))]
LABELS = RNG.integers(0, 4, (2, 3))
IDS = np.array([2, 0, 2])
Q = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
K = RNG.standard_normal((2, 6, 2, 5)).astype(np.float32)
V = RNG.standard_normal((2, 6, 2, 5)).astype(np.float32)
MASK = RNG.random((2, 1, 3, 6)) > 0.3
BIAS = RNG.standard_normal((4, 3, 6)).astype(np.float32)


def normal(*shape):
    return RNG.standard_normal(shape)


# --- values and dtypes against Keras 3 ----------------------------------------------------------

KERAS_CASES = [
    ("tril", lambda o: o.tril(X)),
    ("tril-k", lambda o: o.tril(X, -1)),
    ("triu-k", lambda o: o.triu(X, 1)),
    ("tril-int", lambda o: o.tril(np.arange(6, dtype=np.int32).reshape(2, 3), 1)),
    ("diag-vector", lambda o: o.diag(X[0, 0], 1)),
    ("diag-matrix", lambda o: o.diag(X[0], -1)),
    ("diagonal", lambda o: o.diagonal(X, 1, 2, 0)),
    ("linspace-retstep", lambda o: o.linspace(0, 1, 5, retstep=True)),
    ("linspace-arrays", lambda o: o.linspace(X[0, 0], X[1, 0], 3, endpoint=False, axis=-1)),
    ("meshgrid-xy", lambda o: o.meshgrid(X[0, 0], X[0, 1, :3], X[1, 1, :2])),
    ("meshgrid-ij", lambda o: o.meshgrid(X[0, 0], X[0, 1, :3], indexing="ij")),
    ("multi_hot-batch", lambda o: o.multi_hot(np.array([[0, 2], [1, 1]]), 4)),
    ("multi_hot-vector", lambda o: o.multi_hot(np.array([0, 2]), 4)),
    ("multi_hot-axis0", lambda o: o.multi_hot(np.array([0, 2]), 4, axis=0)),
    ("segment_sum", lambda o: o.segment_sum(X[0], IDS, num_segments=4)),
    ("segment_sum-dropped", lambda o: o.segment_sum(X[0], np.array([1, 5, 0]), num_segments=4)),
    ("segment_max", lambda o: o.segment_max(X[0], IDS, num_segments=4)),
    ("segment_max-int", lambda o: o.segment_max(np.array([3, 1, 2], np.int32), IDS, 4)),
    ("erf", lambda o: o.erf(X * 2)),
    ("erfc", lambda o: o.erfc(X * 2)),
    ("erfinv", lambda o: o.erfinv(np.tanh(X))),
    ("slogdet", lambda o: o.slogdet(X[:, :3, :3])),
    ("logdet", lambda o: o.logdet(X[:, :3, :3] @ np.swapaxes(X[:, :3, :3], 1, 2))),
    ("binary_crossentropy", lambda o: o.binary_crossentropy(BINARY, PROBS)),
    ("binary_crossentropy-clipped", lambda o: o.binary_crossentropy(
        np.array([1.0, 0.0, 1.0], np.float32), np.array([0.0, 1.0, 1.0], np.float32))),
    ("binary_crossentropy-logits", lambda o: o.binary_crossentropy(BINARY, X, from_logits=True)),
    ("categorical_crossentropy", lambda o: o.categorical_crossentropy(ONE_HOT, PROBS)),
    ("categorical_crossentropy-logits",
     lambda o: o.categorical_crossentropy(ONE_HOT, X, from_logits=True)),
    ("categorical_crossentropy-axis",
     lambda o: o.categorical_crossentropy(ONE_HOT[:, :, :3], PROBS[:, :, :3], axis=1)),
    ("sparse_categorical_crossentropy",
     lambda o: o.sparse_categorical_crossentropy(LABELS, PROBS)),
    ("sparse_categorical_crossentropy-logits",
     lambda o: o.sparse_categorical_crossentropy(LABELS[..., None], X, from_logits=True)),
    ("normalize", lambda o: o.normalize(X)),
    ("normalize-zeros", lambda o: o.normalize(np.zeros((2, 3), np.float32))),
    ("normalize-order1", lambda o: o.normalize(X, axis=1, order=1)),
    ("normalize-order3", lambda o: o.normalize(X, order=3)),
    ("normalize-two-axes", lambda o: o.normalize(X, axis=(1, 2))),
    ("layer_normalization", lambda o: o.layer_normalization(X, gamma=X[0, 0], beta=X[1, 0])),
    ("layer_normalization-axes", lambda o: o.layer_normalization(X, gamma=X[0], axis=(1, 2))),
    ("layer_normalization-epsilon", lambda o: o.layer_normalization(X, epsilon=0.5)),
    ("rms_normalization", lambda o: o.rms_normalization(X, scale=X[0, 0])),
    ("rms_normalization-scalar", lambda o: o.rms_normalization(X, scale=2.0, axis=1)),
    ("dot_product_attention", lambda o: o.dot_product_attention(Q, K, V)),
    ("dot_product_attention-causal", lambda o: o.dot_product_attention(Q, K, V, is_causal=True)),
    ("dot_product_attention-masked",
     lambda o: o.dot_product_attention(Q, K, V, bias=BIAS, mask=MASK, scale=0.3)),
    ("dot_product_attention-all-masked",
     lambda o: o.dot_product_attention(Q, K, V, mask=np.zeros((3, 6), bool))),
    ("cond", lambda o: o.cond(np.array(False), lambda: o.sum(X), lambda: o.max(X))),
    ("fori_loop", lambda o: o.fori_loop(0, 3, lambda i, v: v * 2 + i, X[0])),
    ("while_loop", lambda o: o.while_loop(lambda a, b: o.sum(a) < 50.0,
                                          lambda a, b: (a * 2, b + 1), (np.abs(X[0]), 0.0), 9)),
    ("scan", lambda o: o.scan(lambda c, x: (c + x, {"before": c, "sq": x * x}), X[0, 0], X[0])),
    ("scan-reverse", lambda o: o.scan(lambda c, x: (c * x, c), np.float32(1.0), X[1, :, 0],
                                      reverse=True)),
    ("map", lambda o: o.map(lambda x: (o.sum(x), x * 2), X)),
    ("vectorized_map", lambda o: o.vectorized_map(lambda e: e[0] * e[1], (X, X[::-1]))),
    ("gelu-default-tanh", lambda o: o.gelu(X * 2)),          # keras.ops: approximate=True
    ("gelu-exact", lambda o: o.gelu(X * 2, approximate=False)),
    ("nn.gelu", lambda o: o.nn.gelu(X)),
    ("where-indices", lambda o: o.where(X > 0)),
    ("where-keywords", lambda o: o.where(X > 0, x1=X, x2=-X)),
    ("array", lambda o: o.array(X)),
    ("array-dtype", lambda o: o.array(X, dtype="float16")),
]


def _flat(result):
    """The arrays of a result: a Tensor alone, or nested lists, tuples and dicts of them."""
    if isinstance(result, dict):
        return [leaf for key in sorted(result) for leaf in _flat(result[key])]
    if isinstance(result, (list, tuple)):
        return [leaf for item in result for leaf in _flat(item)]
    return [np.asarray(result)]


@pytest.mark.parametrize("name, call", KERAS_CASES, ids=[name for name, _ in KERAS_CASES])
def test_values_and_dtypes_match_keras_3(real_keras, name, call):
    ours, theirs = _flat(call(ops)), _flat(call(real_keras.ops))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape
        assert mine.dtype == reference.dtype
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)


# --- values against NumPy -------------------------------------------------------------------

def test_gelu_defaults_follow_keras_ops_and_activations():
    """keras.ops.gelu approximates by default; the activation is exact by default."""
    x = np.linspace(-4.0, 4.0, 33)
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    exact = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    np.testing.assert_allclose(ops.gelu(x).data, tanh_form, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(keras.activations.gelu(x).data, exact, rtol=1e-12, atol=1e-15)


def test_where_takes_both_values_or_neither():
    condition = np.array([[True, False], [False, True]])
    rows, cols = ops.where(condition)
    np.testing.assert_array_equal(rows.data, [0, 1])
    np.testing.assert_array_equal(cols.data, [0, 1])
    with pytest.raises(ValueError, match="where: expected both x1 and x2 or neither"):
        ops.where(condition, np.ones((2, 2)))


def test_array_copies_its_input():
    source = np.arange(3.0, dtype=np.float32)
    made = ops.array(source)
    source[0] = 9.0
    assert isinstance(made, Tensor) and made.data[0] == 0.0 and not made.requires_grad


def test_triangles_and_diagonals_match_numpy():
    a = normal(2, 4, 5)
    np.testing.assert_array_equal(ops.tril(a, 1).data, np.tril(a, 1))
    np.testing.assert_array_equal(ops.triu(a, -2).data, np.triu(a, -2))
    np.testing.assert_array_equal(ops.diagonal(a, -1, 1, 2).data, np.diagonal(a, -1, 1, 2))
    np.testing.assert_array_equal(ops.diagonal(a, 2, 2, 0).data, np.diagonal(a, 2, 2, 0))
    np.testing.assert_array_equal(ops.diag(a[0], 3).data, np.diag(a[0], 3))
    np.testing.assert_array_equal(ops.diag(a[0, 0], -2).data, np.diag(a[0, 0], -2))
    np.testing.assert_array_equal(ops.diag(a[0], 9).data, np.diag(a[0], 9))       # empty


def test_causal_mask_from_tril_lets_position_i_see_j_up_to_i():
    mask = ops.tril(ops.ones((4, 4)))
    assert mask.dtype == np.float32
    assert [int(row.sum()) for row in mask.data] == [1, 2, 3, 4]


def test_linspace_and_meshgrid_match_numpy():
    values, step = ops.linspace(2.0, 3.0, 5, endpoint=False, retstep=True)
    want, want_step = np.linspace(2.0, 3.0, 5, endpoint=False, retstep=True)
    np.testing.assert_allclose(values.data, want, rtol=1e-6)
    np.testing.assert_allclose(step.data, want_step, rtol=1e-6)
    assert values.dtype == step.dtype == np.float32
    np.testing.assert_array_equal(ops.linspace(0, 10, 4, dtype="int32").data,
                                  np.linspace(0, 10, 4, dtype=np.int32))
    lo, hi = normal(2), normal(3, 1)
    np.testing.assert_allclose(ops.linspace(lo, hi, 4, axis=1).data,
                               np.linspace(lo, hi, 4, axis=1))
    assert ops.linspace(0.0, 1.0, 0).shape == (0,)
    assert np.isnan(ops.linspace(0.0, 1.0, 1, retstep=True)[1].data)
    for indexing in ("xy", "ij"):
        vectors = normal(2), normal(3), normal(4)
        for ours, theirs in zip(ops.meshgrid(*vectors, indexing=indexing),
                                np.meshgrid(*vectors, indexing=indexing)):
            np.testing.assert_array_equal(ours.data, theirs)


def test_multi_hot_marks_every_class_present():
    hot = ops.multi_hot([[1, 1, 3], [0, 2, 2]], num_classes=5)
    np.testing.assert_array_equal(hot.data, [[0, 1, 0, 1, 0], [1, 0, 1, 0, 0]])
    assert hot.dtype == np.float32
    assert ops.multi_hot(np.array([4]), num_tokens=5, dtype="int32").dtype == np.int32


def _segment_reference(data, ids, num_segments, reduce, empty):
    return np.stack([reduce(data[ids == s], axis=0) if np.any(ids == s)
                     else np.full(data.shape[1:], empty) for s in range(num_segments)])


@pytest.mark.parametrize("sorted_ids", [False, True])
def test_segment_reductions_match_a_loop_over_segments(sorted_ids):
    ids = np.array([0, 0, 1, 3, 3, 3, 6]) if sorted_ids else np.array([3, 0, 6, 3, 1, 0, 3])
    data = normal(7, 2, 3)
    total = ops.segment_sum(data, ids, sorted=sorted_ids)                # 7 segments
    np.testing.assert_allclose(total.data, _segment_reference(data, ids, 7, np.sum, 0.0))
    largest = ops.segment_max(data, ids, num_segments=5, sorted=sorted_ids)  # 6 dropped
    keep = ids < 5
    np.testing.assert_array_equal(largest.data,
                                  _segment_reference(data[keep], ids[keep], 5, np.max, -np.inf))
    assert ops.segment_sum(data.astype(np.float32), ids).dtype == np.float32


def test_erf_and_erfinv_are_accurate_and_inverse():
    x = np.linspace(-6, 6, 241)
    want = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(ops.erf(x).data, want, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(ops.erfc(x).data, [math.erfc(v) for v in x], rtol=1e-13)
    tiny = np.array([1e-20, -1e-300])
    np.testing.assert_allclose(ops.erf(tiny).data, 2 / math.sqrt(math.pi) * tiny, rtol=1e-15)
    y = np.concatenate([np.linspace(-0.999, 0.999, 201), 1 - np.logspace(-15, -2, 14)])
    roots = ops.erfinv(y).data
    near_one = y > 0.9                 # there erf is flat: compare 1 - y with erfc(root)
    np.testing.assert_allclose([math.erf(v) for v in roots[~near_one]], y[~near_one],
                               rtol=1e-15, atol=2e-16)
    np.testing.assert_allclose([math.erfc(v) for v in roots[near_one]], 1 - y[near_one],
                               rtol=1e-13)
    edges = ops.erfinv(np.array([1.0, -1.0, 1.5, 0.0])).data
    assert edges[0] == np.inf and edges[1] == -np.inf and np.isnan(edges[2]) and edges[3] == 0
    assert ops.erf(np.array([0, 1])).dtype == np.float32                # integers: floatx()


def test_slogdet_and_logdet_match_numpy():
    a = normal(3, 4, 4)
    sign, log_abs = ops.slogdet(a)
    want_sign, want_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign.data, want_sign)
    np.testing.assert_allclose(log_abs.data, want_log)
    np.testing.assert_allclose(ops.logdet(a).data, want_log)


def test_cross_entropies_match_their_formulas():
    eps = keras.backend.epsilon()
    p = np.clip(PROBS.astype(np.float64), eps, 1 - eps)
    np.testing.assert_allclose(ops.binary_crossentropy(BINARY, PROBS).data,
                               -(BINARY * np.log(p) + (1 - BINARY) * np.log(1 - p)), rtol=1e-5)
    sig = 1 / (1 + np.exp(-X.astype(np.float64)))
    np.testing.assert_allclose(ops.binary_crossentropy(BINARY, X, from_logits=True).data,
                               -(BINARY * np.log(sig) + (1 - BINARY) * np.log(1 - sig)),
                               rtol=1e-5, atol=1e-6)
    q = np.clip(p / p.sum(-1, keepdims=True), eps, 1 - eps)
    np.testing.assert_allclose(ops.categorical_crossentropy(ONE_HOT, PROBS).data,
                               -(ONE_HOT * np.log(q)).sum(-1), rtol=1e-5)
    picked = np.take_along_axis(np.log(q), LABELS[..., None], -1)[..., 0]
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy(LABELS, PROBS).data,
                               -picked, rtol=1e-5)
    log_softmax = X - np.log(np.exp(X.astype(np.float64)).sum(-1, keepdims=True))
    np.testing.assert_allclose(
        ops.sparse_categorical_crossentropy(LABELS, X, from_logits=True).data,
        -np.take_along_axis(log_softmax, LABELS[..., None], -1)[..., 0], rtol=1e-5)


def test_normalizations_match_their_formulas():
    x, gamma, beta = normal(2, 3, 4), normal(4), normal(4)
    np.testing.assert_allclose(ops.normalize(x, axis=1).data,
                               x / np.sqrt((x * x).sum(1, keepdims=True)))
    centered = x - x.mean(-1, keepdims=True)
    std = np.sqrt((centered ** 2).mean(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(
        ops.layer_normalization(x, gamma, beta, epsilon=1e-3).data, centered / std * gamma + beta)
    rms = np.sqrt((x * x).mean((1, 2), keepdims=True) + 1e-7)
    np.testing.assert_allclose(ops.rms_normalization(x, axis=[1, 2]).data, x / rms)


def _attention_reference(q, k, v, mask=None):
    """Attention written out per head with NumPy: key head h // (heads / key_heads)."""
    group = q.shape[2] // k.shape[2]
    out = np.empty(q.shape[:3] + v.shape[3:])
    for h in range(q.shape[2]):
        logits = np.einsum("btd,bsd->bts", q[:, :, h], k[:, :, h // group]) / math.sqrt(q.shape[3])
        if mask is not None:
            logits = np.where(mask, logits, -np.inf)
        weights = np.exp(logits - logits.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        out[:, :, h] = weights @ v[:, :, h // group]
    return out


def test_dot_product_attention_matches_attention_written_per_head():
    q, k, v = normal(2, 3, 4, 5), normal(2, 6, 2, 5), normal(2, 6, 2, 3)   # grouped, value dim 3
    np.testing.assert_allclose(ops.dot_product_attention(q, k, v).data,
                               _attention_reference(q, k, v))
    causal = np.tri(3, 6, dtype=bool)
    np.testing.assert_allclose(ops.dot_product_attention(q, k, v, is_causal=True).data,
                               _attention_reference(q, k, v, causal))


# --- gradients ------------------------------------------------------------------------------

def _spd(a):
    """A symmetric positive definite matrix from a square one (a positive determinant)."""
    return a @ ops.transpose(a) + 3 * np.eye(a.shape[0])


GRADIENT_CASES = [
    ("tril", lambda x: ops.tril(x, -1), normal(2, 3, 4)),
    ("triu", lambda x: ops.triu(x, 1), normal(3, 4)),
    ("diagonal", lambda x: ops.diagonal(x, 1, 2, 0), normal(3, 2, 4)),
    ("diag-vector", lambda x: ops.diag(x, -1), normal(3)),
    ("diag-matrix", lambda x: ops.diag(x, 1), normal(3, 4)),
    ("linspace", lambda a, b: ops.linspace(a, b, 4, axis=1), normal(2), normal(3, 1)),
    ("linspace-step", lambda a, b: ops.linspace(a, b, 4, endpoint=False, retstep=True)[1] * 3,
     normal(2), normal(2)),
    ("meshgrid", lambda a, b: ops.meshgrid(a, b)[0] * ops.meshgrid(a, b)[1] ** 2,
     normal(3), normal(2)),
    ("segment_sum", lambda d: ops.segment_sum(d, np.array([3, 0, 3, 1, 9]), 4), normal(5, 2)),
    ("segment_max", lambda d: ops.segment_max(d, np.array([3, 0, 2, 1, 3]), 4), normal(5, 2)),
    ("erf", ops.erf, normal(3, 4)),
    ("erfc", ops.erfc, normal(3, 4)),
    ("erfinv", ops.erfinv, RNG.uniform(-0.95, 0.95, (3, 4))),
    ("logdet", lambda a: ops.logdet(_spd(a)), normal(3, 3)),
    ("slogdet", lambda a: ops.slogdet(a)[1], normal(2, 3, 3)),
    ("binary_crossentropy", ops.binary_crossentropy, RNG.random((2, 3)),
     RNG.uniform(0.1, 0.9, (2, 3))),
    ("binary_crossentropy-logits", lambda t, o: ops.binary_crossentropy(t, o, from_logits=True),
     RNG.random((2, 3)), normal(2, 3)),
    ("categorical_crossentropy", lambda t, o: ops.categorical_crossentropy(t, o, axis=0),
     RNG.random((3, 2)), RNG.uniform(0.1, 0.9, (3, 2))),
    ("categorical_crossentropy-logits",
     lambda t, o: ops.categorical_crossentropy(t, o, from_logits=True), RNG.random((2, 3)),
     normal(2, 3)),
    ("sparse_categorical_crossentropy",
     lambda o: ops.sparse_categorical_crossentropy(np.array([2, 0]), o),
     RNG.uniform(0.1, 0.9, (2, 3))),
    ("sparse_categorical_crossentropy-logits",
     lambda o: ops.sparse_categorical_crossentropy(np.array([[1], [0]]), o, from_logits=True),
     normal(2, 3)),
    ("normalize", lambda x: ops.normalize(x, axis=0), normal(3, 4)),
    ("normalize-order1", lambda x: ops.normalize(x, order=1), normal(3, 4)),
    ("normalize-order3", lambda x: ops.normalize(x, order=3), normal(3, 4)),
    ("layer_normalization", lambda x, g, b: ops.layer_normalization(x, g, b), normal(3, 4),
     normal(4), normal(4)),
    ("layer_normalization-axes", lambda x, g: ops.layer_normalization(x, g, axis=[0, 2]),
     normal(2, 2, 3), normal(2, 3)),
    ("rms_normalization", lambda x, s: ops.rms_normalization(x, s), normal(3, 4), normal(4)),
    ("rms_normalization-broadcast", lambda x, s: ops.rms_normalization(x, s, axis=0),
     normal(3, 4), normal(1, 4)),
    ("dot_product_attention", lambda q, k, v, b: ops.dot_product_attention(
        q, k, v, bias=b, mask=np.tri(3, 4, 1, dtype=bool)),
     normal(1, 3, 2, 2), normal(1, 4, 1, 2), normal(1, 4, 1, 3), normal(2, 1, 4)),
    ("cond", lambda x: ops.cond(True, lambda: ops.sin(x), lambda: x), normal(3)),
    ("fori_loop", lambda x: ops.fori_loop(0, 3, lambda i, v: v * ops.cos(v) + i, x), normal(3)),
    ("while_loop", lambda x, y: ops.while_loop(lambda a, b, n: n < 3,
                                               lambda a, b, n: (a * b, b + a, n + 1),
                                               (x, y, 0))[1], normal(2), normal(2)),
    ("scan", lambda c, xs: ops.scan(lambda h, x: (ops.tanh(h * x), h * x), c, xs)[1],
     normal(2), normal(3, 2)),
    ("scan-carry", lambda c, xs: ops.scan(lambda h, x: (ops.tanh(h + x), None), c, xs,
                                          reverse=True)[0], normal(2), normal(3, 2)),
    ("map", lambda xs: ops.map(lambda x: {"s": ops.sum(x * x)}, xs)["s"], normal(3, 2)),
    ("vectorized_map", lambda a, b: ops.vectorized_map(lambda e: ops.dot(e[0], e[1]), [a, b]),
     normal(2, 3), normal(2, 3)),
]


@pytest.mark.parametrize("fn, inputs", [pytest.param(fn, inputs, id=name)
                                        for name, fn, *inputs in GRADIENT_CASES])
def test_gradients_match_finite_differences(fn, inputs):
    gradcheck(fn, inputs)


# --- dtypes ------------------------------------------------------------------------------------

FLOAT32_CASES = [
    lambda x: ops.tril(x), lambda x: ops.diagonal(x), lambda x: ops.diag(x[0]),
    lambda x: ops.linspace(x[0], x[1], 3), lambda x: ops.linspace(x[0], 1.0, 3, retstep=True)[1],
    lambda x: ops.meshgrid(x[0], x[1])[1], lambda x: ops.segment_sum(x, [0, 1, 1]),
    lambda x: ops.segment_max(x, [0, 1, 1]), ops.erf, ops.erfc,
    lambda x: ops.erfinv(x / 4), lambda x: ops.slogdet(x)[0], ops.logdet,
    lambda x: ops.binary_crossentropy(x > 0, ops.sigmoid(x)),
    lambda x: ops.categorical_crossentropy(np.eye(3), x, from_logits=True),
    lambda x: ops.sparse_categorical_crossentropy([0, 1, 2], ops.softmax(x)),
    ops.normalize, lambda x: ops.normalize(x, order=1), ops.layer_normalization,
    lambda x: ops.rms_normalization(x, np.ones(3)),
    lambda x: ops.dot_product_attention(x[None, :, None], x[None, :, None], x[None, :, None]),
]


@pytest.mark.parametrize("fn", FLOAT32_CASES)
def test_float32_stays_float32(fn):
    x = Tensor(np.array([[1.5, -0.5, 0.2], [0.3, 2.0, -1.0], [0.7, 0.1, 1.0]], np.float32),
               requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32
    if out.requires_grad:
        out.backward(np.ones(out.shape, np.float32))
        assert x.grad.dtype == np.float32


# --- symbolic tensors ------------------------------------------------------------------------

def test_causal_mask_from_tril_in_a_functional_model():
    inputs = keras.Input((4, 3))
    scores = ops.matmul(inputs, ops.transpose(inputs, (0, 2, 1)))       # (batch, 4, 4)
    causal = ops.tril(ops.ones_like(scores))
    masked = ops.where(causal > 0, scores, -1e9)
    assert isinstance(masked, SymbolicTensor) and masked.shape == (None, 4, 4)
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    got = keras.Model(inputs, masked).predict(x, verbose=0)
    want = np.where(np.tri(4, dtype=bool), x @ x.transpose(0, 2, 1), -1e9)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_attention_and_normalization_on_symbolic_tensors():
    q, k = keras.Input((3, 2, 4)), keras.Input((5, 2, 4))
    out = ops.layer_normalization(ops.dot_product_attention(q, k, k, is_causal=True))
    assert isinstance(out, SymbolicTensor) and out.shape == (None, 3, 2, 4)
    x, y = RNG.standard_normal((2, 3, 2, 4)), RNG.standard_normal((2, 5, 2, 4))
    x, y = x.astype(np.float32), y.astype(np.float32)
    got = keras.Model([q, k], out).predict([x, y], verbose=0)
    want = ops.layer_normalization(ops.dot_product_attention(x, y, y, is_causal=True)).data
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call", [
    lambda t: ops.cond(t, lambda: 1, lambda: 2),
    lambda t: ops.while_loop(lambda a: True, lambda a: a, [t]),
    lambda t: ops.fori_loop(0, 2, lambda i, v: v, t),
    lambda t: ops.scan(lambda c, x: (c, x), 0.0, {"x": t}),
    lambda t: ops.map(lambda x: x, t),
    lambda t: ops.vectorized_map(lambda e: e, (t, t)),
])
def test_control_flow_on_symbolic_tensors_says_to_use_a_layer(call):
    with pytest.raises(TypeError, match=r"placeholder of the functional API.*call\(\) of a layer"):
        call(keras.Input((3,)))


# --- control flow -----------------------------------------------------------------------------

def test_control_flow_runs_eagerly_like_python():
    assert ops.cond(Tensor(np.array([True])), lambda: "yes", lambda: "no") == "yes"
    assert ops.fori_loop(2, 5, lambda i, total: total + i, 0) == 9
    count, = ops.while_loop(lambda n: n < 10, lambda n: n + 3, [0])
    assert count.item() == 12
    assert ops.while_loop(lambda n: n < 10, lambda n: n + 3, 0, maximum_iterations=2).item() == 6
    carry, ys = ops.scan(lambda c, x: (c + 1, None), 0, length=4)
    assert carry.item() == 4 and ys is None
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0), reverse=True)
    np.testing.assert_array_equal(ys.data, [6.0, 5.0, 3.0, 0.0])
    pair = ops.map(lambda x: (x[0], x * 2), np.ones((2, 3)))
    assert isinstance(pair, tuple) and pair[0].shape == (2,) and pair[1].shape == (2, 3)


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.tril(np.ones(3)), ValueError, r"tril: expected an input of rank >= 2"),
    (lambda: ops.triu(np.ones((2, 2)), k=0.5), TypeError,
     r"triu: expected an int for argument 'k'"),
    (lambda: ops.diagonal(np.ones((2, 2)), 0, 1, -1), ValueError,
     r"diagonal: expected two different"),
    (lambda: ops.diag(np.ones((2, 2, 2))), ValueError, r"diag: expected a vector or a matrix"),
    (lambda: ops.linspace(0, 1, -1), ValueError, r"linspace: .*'num', received num=-1"),
    (lambda: ops.meshgrid([1], indexing="yx"), ValueError,
     r"meshgrid: invalid indexing='yx'.*'xy'"),
    (lambda: ops.multi_hot([1, 2]), ValueError, r"multi_hot: argument 'num_classes' is required"),
    (lambda: ops.multi_hot([1.5], 3), TypeError, r"multi_hot: expected integer indices"),
    (lambda: ops.multi_hot([1], 3, colour=1), TypeError, r"multi_hot: unexpected keyword"),
    (lambda: ops.segment_sum(np.ones((3, 2)), [0, 1]), ValueError,
     r"segment_sum: expected segment_ids .* shape \(2,\) for data of shape \(3, 2\)"),
    (lambda: ops.segment_max(np.ones(3), [1, 0, 1], sorted=True), ValueError,
     r"segment_max: sorted=True promises segment ids in ascending order"),
    (lambda: ops.segment_sum(np.ones(3), [0, 0, 1], num_segments=-2), ValueError,
     r"segment_sum: .*'num_segments', received num_segments=-2"),
    (lambda: ops.slogdet(np.ones((2, 3))), ValueError, r"slogdet: expected square matrices"),
    (lambda: ops.binary_crossentropy(np.ones(3), np.ones((3, 1))), ValueError,
     r"binary_crossentropy: expected target and output of the same shape"),
    (lambda: ops.categorical_crossentropy(np.ones(3), np.ones(3), axis=2), ValueError,
     r"categorical_crossentropy: expected axis to be an int in \[-1, 1\)"),
    (lambda: ops.sparse_categorical_crossentropy([0, 3], np.ones((2, 3))), ValueError,
     r"sparse_categorical_crossentropy: class labels must be in the range \[0, 3\)"),
    (lambda: ops.normalize(np.ones(3), order=0), ValueError, r"normalize: expected an int >= 1"),
    (lambda: ops.layer_normalization(np.ones((2, 3)), gamma=np.ones(2)), ValueError,
     r"layer_normalization: expected 'gamma' of shape \(3,\)"),
    (lambda: ops.layer_normalization(np.ones(3), rms_scaling=True), ValueError,
     r"rms_scaling=True.*rms_normalization"),
    (lambda: ops.rms_normalization(np.ones((2, 3)), axis=2), ValueError,
     r"rms_normalization: expected axis to be an int in \[-2, 2\)"),
    (lambda: ops.dot_product_attention(Q[0], K[0], V[0]), ValueError,
     r"dot_product_attention: expected inputs of rank 4"),
    (lambda: ops.dot_product_attention(Q[:, :, :3], K, V), ValueError,
     r"query heads to be a multiple of the key heads"),
    (lambda: ops.dot_product_attention(Q, K, V, mask=np.ones((5, 6), bool)), ValueError,
     r"expected mask broadcastable to .*\(2, 4, 3, 6\)"),
    (lambda: ops.dot_product_attention(Q, K, V, flash_attention=True), ValueError,
     r"flash_attention=True is not supported"),
    (lambda: ops.cond(np.array([True, False]), lambda: 1, lambda: 2), ValueError,
     r"cond: expected pred to be a single boolean, received a value of shape \(2,\)"),
    (lambda: ops.cond(True, 1, lambda: 2), TypeError,
     r"cond: expected a callable for argument 'true_fn'"),
    (lambda: ops.fori_loop(0.5, 2, lambda i, v: v, 0), TypeError,
     r"fori_loop: expected an int for argument 'lower'"),
    (lambda: ops.while_loop(lambda a, b: True, lambda a, b: a, (1, 2)), ValueError,
     r"while_loop: body must return as many values as loop_vars holds \(2\), received 1"),
    (lambda: ops.scan(lambda c, x: (c, x), 0.0), ValueError, r"scan: expected xs to scan over"),
    (lambda: ops.scan(lambda c, x: c, 0.0, np.ones(2)), ValueError,
     r"scan: f must return a pair \(carry, y\)"),
    (lambda: ops.scan(lambda c, x: (c, x), 0.0, [np.ones(2), np.ones(3)]), ValueError,
     r"scan: expected the values to scan over to share the length of axis 0.*\[2, 3\]"),
    (lambda: ops.scan(lambda c, x: (c, x), 0.0, np.ones(2), unroll=0), ValueError,
     r"scan: expected a positive int or a bool for argument 'unroll'"),
    (lambda: ops.map(lambda x: x, np.float32(1.0)), ValueError,
     r"map: cannot iterate over a scalar"),
])
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
