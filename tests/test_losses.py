import math
import warnings

import numpy as np
import pytest

from neuronet import Tensor, activations, backend, losses as L
from neuronet.ops import cross_entropy as ce
from neuronet.testing import gradcheck

EPS = 1e-7  # backend.epsilon()


def _rng(seed=0):
    return np.random.default_rng(seed)


def _one_hot(labels, k):
    return np.eye(k)[labels]


def _away_from(x, kinks, gap=0.05):
    """`x` with every value moved at least `gap` away from each kink."""
    for k in kinks:
        x = np.where(np.abs(x - k) < gap, x + 2 * gap * np.where(x >= k, 1, -1), x)
    return x


def _signs(r, shape):
    return r.choice([-1.0, 1.0], size=shape)


# --- fused ops -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [((4, 5), -1), ((2, 3, 4), 1), ((3, 2, 4), 0)])
def test_softmax_cross_entropy_gradcheck_logits_and_labels(shape, axis):
    r = _rng()
    logits, labels = r.normal(size=shape) * 3, r.uniform(0, 1, shape)   # unnormalized labels too
    gradcheck(lambda y, x: ce.softmax_cross_entropy(y, x, axis=axis), [labels, logits])


@pytest.mark.parametrize("shape, axis", [((4, 5), -1), ((2, 3, 4), 1), ((6,), 0)])
def test_sparse_softmax_cross_entropy_gradcheck(shape, axis):
    r = _rng(1)
    logits = r.normal(size=shape) * 3
    label_shape = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    labels = r.integers(0, shape[axis], label_shape)
    gradcheck(lambda x: ce.sparse_softmax_cross_entropy(labels, x, axis=axis), [logits])


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)])
def test_sigmoid_binary_cross_entropy_gradcheck_logits_and_labels(shape):
    r = _rng(2)
    logits = _away_from(r.normal(size=shape) * 4, [0.0])     # |x| has a kink at 0 in the form
    labels = r.uniform(0, 1, shape)
    gradcheck(ce.sigmoid_binary_cross_entropy, [labels, logits])


def test_sigmoid_binary_cross_entropy_reuses_given_probabilities():
    """With the sigmoid of the logits given (a sigmoid layer's output), the gradient is
    the same as when the op computes it."""
    r = _rng(3)
    logits = _away_from(r.normal(size=(4, 3)) * 4, [0.0])
    labels = r.uniform(0, 1, (4, 3))
    probabilities = 1 / (1 + np.exp(-logits))
    gradcheck(lambda z, x: ce.sigmoid_binary_cross_entropy(z, x, probabilities),
              [labels, logits])
    x = Tensor(logits, requires_grad=True)
    through_layer = L.binary_crossentropy(labels, activations.sigmoid(x))
    through_layer.backward(np.ones(4))
    x_direct = Tensor(logits, requires_grad=True)
    L.binary_crossentropy(labels, x_direct, from_logits=True).backward(np.ones(4))
    np.testing.assert_allclose(x.grad, x_direct.grad, rtol=1e-12, atol=1e-15)


def _torch_grad_pair(ours_out, ours_leaf, torch_out, torch_leaf, cotangent):
    import torch
    ours_out.backward(cotangent)
    (torch_out * torch.from_numpy(cotangent)).sum().backward()
    return ours_leaf.grad, torch_leaf.grad.numpy()


def test_fused_ops_match_torch_float32():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = _rng(3)
    logits = (r.normal(size=(2, 5, 3)) * 3).astype(np.float32)          # classes on axis 1
    soft = r.dirichlet(np.ones(5), size=(2, 3)).transpose(0, 2, 1).astype(np.float32)
    labels = r.integers(0, 5, (2, 3))
    cot = r.normal(size=(2, 3)).astype(np.float32)
    cases = [
        (lambda x: ce.softmax_cross_entropy(soft, x, axis=1),
         lambda t: F.cross_entropy(t, torch.from_numpy(soft), reduction="none")),
        (lambda x: ce.sparse_softmax_cross_entropy(labels, x, axis=1),
         lambda t: F.cross_entropy(t, torch.from_numpy(labels), reduction="none")),
    ]
    for ours, reference in cases:
        x, t = Tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
        out, expected = ours(x), reference(t)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
        g, tg = _torch_grad_pair(out, x, expected, t, cot)
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, tg, rtol=1e-5, atol=1e-6)

    z = r.uniform(0, 1, (4, 3)).astype(np.float32)
    x_data = (r.normal(size=(4, 3)) * 5).astype(np.float32)
    x, t = Tensor(x_data, requires_grad=True), torch.tensor(x_data, requires_grad=True)
    out = ce.sigmoid_binary_cross_entropy(z, x)
    expected = F.binary_cross_entropy_with_logits(t, torch.from_numpy(z), reduction="none")
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    g, tg = _torch_grad_pair(out, x, expected, t, r.normal(size=(4, 3)).astype(np.float32))
    np.testing.assert_allclose(g, tg, rtol=1e-5, atol=1e-6)


def test_fused_ops_are_exact_and_finite_for_logits_of_1e4():
    x = Tensor(np.array([[1e4, -1e4], [-1e4, 1e4]], np.float32), requires_grad=True)
    loss = ce.sparse_softmax_cross_entropy([0, 0], x)
    np.testing.assert_array_equal(loss.data, [0.0, 2e4])
    loss.backward(np.ones(2, np.float32))
    np.testing.assert_array_equal(x.grad, [[0, 0], [-1, 1]])             # softmax - one_hot

    x = Tensor(np.array([[1e4, -1e4], [-1e4, 1e4]], np.float32), requires_grad=True)
    loss = ce.softmax_cross_entropy([[0.0, 1.0], [0.0, 1.0]], x)
    np.testing.assert_array_equal(loss.data, [2e4, 0.0])
    loss.backward(np.ones(2, np.float32))
    np.testing.assert_array_equal(x.grad, [[1, -1], [0, 0]])

    x = Tensor(np.array([1e4, -1e4, 1e4, -1e4], np.float32), requires_grad=True)
    loss = ce.sigmoid_binary_cross_entropy([1.0, 0.0, 0.0, 1.0], x)
    np.testing.assert_array_equal(loss.data, [0.0, 0.0, 1e4, 1e4])
    loss.backward(np.ones(4, np.float32))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0, -1.0])         # sigmoid - z


def test_fused_ops_keep_float32_and_need_no_label_gradient():
    logits = Tensor(np.zeros((2, 3), np.float32), requires_grad=True)
    out = ce.softmax_cross_entropy(np.eye(3)[:2], logits)                 # float64 labels
    assert out.dtype == np.float32
    out.backward(np.ones(2, np.float32))
    assert logits.grad.dtype == np.float32
    np.testing.assert_allclose(out.data, [math.log(3)] * 2, rtol=1e-6)


def test_fused_op_errors_name_the_op_and_the_values():
    with pytest.raises(ValueError,
                       match=r"sparse_softmax_cross_entropy.*\[0, 3\).*received label 3"):
        ce.sparse_softmax_cross_entropy([0, 3], np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"\[0, 3\).*received label -1"):
        ce.sparse_softmax_cross_entropy([-1, 0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(2,\).*received labels of shape \(3,\)"):
        ce.sparse_softmax_cross_entropy([0, 1, 2], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="integer class labels"):
        ce.sparse_softmax_cross_entropy([0.5, 1.0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="integer class labels"):
        ce.sparse_softmax_cross_entropy(["a", "b"], np.zeros((2, 3)))
    booleans = ce.sparse_softmax_cross_entropy([True, False], np.zeros((2, 2)))    # 0/1 labels
    np.testing.assert_allclose(booleans.data, [math.log(2)] * 2, rtol=1e-6)
    with pytest.raises(ValueError, match=r"softmax_cross_entropy.*\(2, 3\).*\(2, 4\)"):
        ce.softmax_cross_entropy(np.zeros((2, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        ce.softmax_cross_entropy(np.zeros((2, 3)), np.zeros((2, 3)), axis=2)


# --- loss functions: gradients -------------------------------------------------------------

def _case_data(name, r):
    """(y_true, y_pred) float64 for each loss, away from the loss's kinks."""
    shape = (3, 4)
    if name in ("binary_crossentropy", "kl_divergence"):
        return r.uniform(0.05, 0.95, shape), r.uniform(0.05, 0.95, shape)
    if name == "categorical_crossentropy":
        return _one_hot(r.integers(0, 4, 3), 4), r.uniform(0.1, 1.0, shape)
    if name == "poisson":
        return r.poisson(2.0, shape).astype(float), r.uniform(0.5, 3.0, shape)
    if name in ("hinge", "squared_hinge"):
        return _signs(r, shape), _away_from(r.normal(size=shape), [-1.0, 1.0])
    if name == "categorical_hinge":
        return _one_hot(r.integers(0, 4, 3), 4), r.normal(size=shape)
    if name == "mean_absolute_percentage_error":
        return r.uniform(0.5, 2.0, shape) * _signs(r, shape), r.normal(size=shape)
    if name == "mean_squared_logarithmic_error":
        return r.uniform(0.0, 3.0, shape), r.uniform(0.1, 3.0, shape)
    y_true = r.normal(size=shape)
    kinks = {"mean_absolute_error": [0.0], "huber": [-1.0, 1.0]}.get(name, [])
    return y_true, y_true + _away_from(r.normal(size=shape) * 1.5, kinks)


FUNCTION_NAMES = ["binary_crossentropy", "categorical_crossentropy", "kl_divergence", "poisson",
                  "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                  "mean_squared_logarithmic_error", "huber", "log_cosh", "hinge",
                  "squared_hinge", "categorical_hinge", "cosine_similarity"]


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_loss_functions_gradcheck(name):
    y_true, y_pred = _case_data(name, _rng())
    fn = getattr(L, name)
    gradcheck(lambda p: fn(y_true, p), [y_pred])


def test_sparse_categorical_crossentropy_gradcheck_probabilities_and_logits():
    r = _rng(4)
    labels = r.integers(0, 4, 5)
    probs, logits = r.uniform(0.1, 1.0, (5, 4)), r.normal(size=(5, 4)) * 3
    gradcheck(lambda p: L.sparse_categorical_crossentropy(labels, p), [probs])
    gradcheck(lambda x: L.sparse_categorical_crossentropy(labels, x, from_logits=True), [logits])


@pytest.mark.parametrize("name, kwargs, y_true, y_pred", [
    # N-D: sequences (batch, time, classes) and the class axis moved to 1
    ("categorical_crossentropy", {"from_logits": True, "axis": 1},
     _one_hot(_rng(5).integers(0, 3, (2, 4)), 3).transpose(0, 2, 1),
     _rng(6).normal(size=(2, 3, 4))),
    ("categorical_crossentropy", {"axis": 1, "label_smoothing": 0.2},
     _one_hot(_rng(5).integers(0, 3, (2, 4)), 3).transpose(0, 2, 1),
     _rng(6).uniform(0.1, 1, (2, 3, 4))),
    ("sparse_categorical_crossentropy", {"from_logits": True},
     _rng(7).integers(0, 3, (2, 4)), _rng(8).normal(size=(2, 4, 3))),
    ("sparse_categorical_crossentropy", {"axis": 1},
     _rng(7).integers(0, 3, (2, 4)), _rng(8).uniform(0.1, 1, (2, 3, 4))),
    ("binary_crossentropy", {"from_logits": True, "axis": 1, "label_smoothing": 0.1},
     _rng(9).integers(0, 2, (2, 3, 2)), _away_from(_rng(10).normal(size=(2, 3, 2)), [0.0])),
    ("mean_squared_error", {}, _rng(11).normal(size=(2, 3, 4)), _rng(12).normal(size=(2, 3, 4))),
    ("cosine_similarity", {"axis": 1},
     _rng(11).normal(size=(2, 3, 4)), _rng(12).normal(size=(2, 3, 4))),
    ("log_cosh", {}, _rng(11).normal(size=(2, 3, 4)), _rng(12).normal(size=(2, 3, 4))),
    # broadcasting: one target per sample against k outputs; (n,) against (n, 1)
    ("mean_squared_error", {}, _rng(13).normal(size=(4, 1)), _rng(14).normal(size=(4, 3))),
    ("huber", {"delta": 0.5}, _rng(13).normal(size=(4, 1)),
     _away_from(_rng(14).normal(size=(4, 3)), [-0.5, 0.5])),
    ("mean_absolute_error", {}, _rng(15).normal(size=4), _rng(16).normal(size=(4, 1))),
    ("binary_crossentropy", {}, _rng(17).integers(0, 2, 4), _rng(18).uniform(0.05, 0.95, (4, 1))),
])
def test_loss_functions_gradcheck_nd_and_broadcasting(name, kwargs, y_true, y_pred):
    fn = getattr(L, name)
    gradcheck(lambda p: fn(y_true, p, **kwargs), [y_pred])


@pytest.mark.parametrize("cls, kwargs", [
    (L.BinaryCrossentropy, {"from_logits": True}), (L.CategoricalCrossentropy, {}),
    (L.MeanSquaredError, {"reduction": "sum"}), (L.Huber, {"reduction": "mean_with_sample_weight"}),
])
def test_loss_objects_gradcheck_with_sample_weight(cls, kwargs):
    r = _rng(19)
    y_true = _one_hot(r.integers(0, 4, 3), 4)
    weight = r.uniform(0.1, 2.0, 3)
    gradcheck(lambda p: cls(**kwargs)(y_true, p, sample_weight=weight),
              [r.uniform(0.1, 0.9, (3, 4))])


# --- loss functions: values and gradients against PyTorch ----------------------------------

def _torch_references(torch):
    F = torch.nn.functional
    eps = EPS

    def per_sample(t):
        return t.mean(-1)

    def hinge_labels(y):
        return 2 * y - 1 if bool(((y == 0) | (y == 1)).all()) else y

    return {
        "binary_crossentropy": lambda y, p: per_sample(
            F.binary_cross_entropy(p, y, reduction="none")),
        "categorical_crossentropy": lambda y, p: F.nll_loss(
            torch.log(p / p.sum(-1, keepdim=True)), y.argmax(-1), reduction="none"),
        "kl_divergence": lambda y, p: F.kl_div(torch.log(p), y, reduction="none").sum(-1),
        "poisson": lambda y, p: per_sample(
            F.poisson_nll_loss(p, y, log_input=False, full=False, eps=eps, reduction="none")),
        "mean_squared_error": lambda y, p: per_sample(F.mse_loss(p, y, reduction="none")),
        "mean_absolute_error": lambda y, p: per_sample(F.l1_loss(p, y, reduction="none")),
        "huber": lambda y, p: per_sample(F.huber_loss(p, y, reduction="none", delta=1.0)),
        "cosine_similarity": lambda y, p: -F.cosine_similarity(y, p, dim=-1, eps=eps),
        # Keras' documented formulas, where torch has no function of its own
        "mean_absolute_percentage_error": lambda y, p: 100 * per_sample(
            ((y - p) / y.abs().clamp_min(eps)).abs()),
        "mean_squared_logarithmic_error": lambda y, p: per_sample(
            (torch.log(p.clamp_min(eps) + 1) - torch.log(y.clamp_min(eps) + 1)) ** 2),
        "log_cosh": lambda y, p: per_sample(torch.log(torch.cosh(p - y))),
        "hinge": lambda y, p: per_sample((1 - hinge_labels(y) * p).clamp_min(0)),
        "squared_hinge": lambda y, p: per_sample((1 - hinge_labels(y) * p).clamp_min(0) ** 2),
        "categorical_hinge": lambda y, p: (
            ((1 - y) * p).max(-1).values - (y * p).sum(-1) + 1).clamp_min(0),
    }


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_loss_functions_match_torch_float32(name):
    torch = pytest.importorskip("torch")
    reference = _torch_references(torch)[name]
    r = _rng(20)
    y_true, y_pred = (a.astype(np.float32) for a in _case_data(name, r))
    p = Tensor(y_pred, requires_grad=True)
    out = getattr(L, name)(y_true, p)
    t = torch.tensor(y_pred, requires_grad=True)
    expected = reference(torch.from_numpy(y_true), t)
    assert out.dtype == np.float32 and out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    g, tg = _torch_grad_pair(out, p, expected, t, r.normal(size=out.shape).astype(np.float32))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, tg, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.15])
def test_crossentropies_from_logits_and_smoothing_match_torch(from_logits, label_smoothing):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = _rng(21)
    labels = r.integers(0, 4, 6)
    logits = (r.normal(size=(6, 4)) * 2).astype(np.float32)
    softmax = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    y_pred = logits if from_logits else softmax.astype(np.float32)
    p = Tensor(y_pred, requires_grad=True)
    out = L.categorical_crossentropy(_one_hot(labels, 4), p, from_logits=from_logits,
                                     label_smoothing=label_smoothing)
    t = torch.tensor(logits, requires_grad=True)
    expected = F.cross_entropy(t, torch.from_numpy(labels), reduction="none",
                               label_smoothing=label_smoothing)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    if from_logits:
        g, tg = _torch_grad_pair(out, p, expected, t, np.ones(6, np.float32))
        np.testing.assert_allclose(g, tg, rtol=1e-5, atol=1e-6)

    # sparse labels, same numbers without smoothing
    sparse = L.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    plain = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels), reduction="none")
    np.testing.assert_allclose(sparse.data, plain.numpy(), rtol=1e-5, atol=1e-6)

    # binary: smoothing moves z to z (1 - s) + s / 2
    z = r.integers(0, 2, (6, 4)).astype(np.float32)
    x = torch.from_numpy(logits)
    smoothed = torch.from_numpy(z * (1 - label_smoothing) + label_smoothing / 2)
    binary = L.binary_crossentropy(z, logits if from_logits else torch.sigmoid(x).numpy(),
                                   from_logits=from_logits, label_smoothing=label_smoothing)
    expected = F.binary_cross_entropy_with_logits(x, smoothed, reduction="none").mean(-1)
    np.testing.assert_allclose(binary.data, expected.numpy(), rtol=1e-5, atol=1e-6)


# --- Keras' documented examples ------------------------------------------------------------

def test_keras_documented_crossentropy_values():
    y_true, logits = [[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]
    bce = L.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]).data, 0.8654,
                               atol=1e-3)
    np.testing.assert_allclose(bce(y_true, logits).data, 0.8654, atol=1e-3)
    np.testing.assert_allclose(bce(y_true, logits, sample_weight=[0.8, 0.2]).data, 0.243, atol=1e-3)
    np.testing.assert_allclose(L.BinaryCrossentropy(from_logits=True, reduction="sum")(
        y_true, logits).data, 1.730, atol=1e-3)
    np.testing.assert_allclose(L.BinaryCrossentropy(from_logits=True, reduction=None)(
        y_true, logits).data, [0.235, 1.496], atol=1e-3)
    np.testing.assert_allclose(L.binary_crossentropy(y_true, [[0.6, 0.4], [0.4, 0.6]]).data,
                               [0.916, 0.714], atol=1e-3)

    one_hot, probs = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    for loss, labels in ((L.CategoricalCrossentropy, one_hot),
                         (L.SparseCategoricalCrossentropy, [1, 2])):
        np.testing.assert_allclose(loss()(labels, probs).data, 1.177, atol=1e-3)
        np.testing.assert_allclose(loss()(labels, probs, sample_weight=np.array([0.3, 0.7])).data,
                                   0.814, atol=1e-3)
        np.testing.assert_allclose(loss(reduction="sum")(labels, probs).data, 2.354, atol=1e-3)
        np.testing.assert_allclose(loss(reduction=None)(labels, probs).data, [0.0513, 2.303],
                                   atol=1e-3)


def test_keras_documented_regression_values():
    np.testing.assert_allclose(
        L.huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).data.mean(), 0.155, atol=1e-3)
    np.testing.assert_allclose(
        L.log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).data.mean(), 0.108,
        atol=1e-3)
    np.testing.assert_allclose(
        L.cosine_similarity([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]],
                            [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]]).data,
        [0.0, -0.99999994, 0.99999994], atol=1e-6)


def test_hinge_converts_binary_labels_only():
    y_pred = np.array([[0.3, -0.8, 2.0]])
    with_01 = L.hinge([[1.0, 0.0, 1.0]], y_pred)
    with_pm1 = L.hinge([[1.0, -1.0, 1.0]], y_pred)
    np.testing.assert_allclose(with_01.data, with_pm1.data)
    np.testing.assert_allclose(with_pm1.data, [(0.7 + 0.2 + 0.0) / 3], rtol=1e-6)
    # labels that are not all 0/1 are used as given
    np.testing.assert_allclose(L.hinge([[0.5, 0.0, 1.0]], y_pred).data,
                               [(0.85 + 1.0 + 0.0) / 3], rtol=1e-6)


# --- stability -----------------------------------------------------------------------------

@pytest.mark.parametrize("fn, y_true, y_pred, expected", [
    (L.binary_crossentropy, [[1.0, 0.0, 1.0, 0.0]], [[1e4, -1e4, -1e4, 1e4]], [1e4 / 2]),
    (L.categorical_crossentropy, [[0.0, 1.0], [1.0, 0.0]], [[1e4, -1e4], [1e4, -1e4]], [2e4, 0.0]),
    (L.sparse_categorical_crossentropy, [1, 0], [[1e4, -1e4], [1e4, -1e4]], [2e4, 0.0]),
])
def test_crossentropy_from_logits_of_1e4(fn, y_true, y_pred, expected):
    x = Tensor(np.array(y_pred, np.float32), requires_grad=True)
    loss = fn(y_true, x, from_logits=True)
    np.testing.assert_allclose(loss.data, expected, rtol=1e-6)
    loss.backward(np.ones(loss.shape, np.float32))
    assert np.all(np.isfinite(x.grad)) and np.abs(x.grad).max() <= 1.0


@pytest.mark.parametrize("fn, y_true, y_pred", [
    (L.binary_crossentropy, [[1.0, 0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0, 1.0]]),
    (L.categorical_crossentropy, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
     [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
    (L.sparse_categorical_crossentropy, [1, 0], [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
    (L.kl_divergence, [[0.0, 1.0]], [[1.0, 0.0]]),
    (L.poisson, [[0.0, 3.0]], [[0.0, 0.0]]),
    (L.mean_squared_logarithmic_error, [[0.0, 3.0]], [[0.0, 0.0]]),
    (L.mean_absolute_percentage_error, [[0.0, 3.0]], [[1.0, 0.0]]),
    (L.cosine_similarity, [[0.0, 0.0]], [[0.0, 0.0]]),
])
def test_probabilities_of_exactly_0_and_1_give_finite_losses_and_gradients(fn, y_true, y_pred):
    p = Tensor(np.array(y_pred, np.float32), requires_grad=True)
    loss = fn(y_true, p)
    loss.backward(np.ones(loss.shape, np.float32))
    assert np.all(np.isfinite(loss.data)) and np.all(np.isfinite(p.grad))


def test_clipped_probabilities_give_keras_values():
    # a certain wrong prediction costs -log(epsilon), or -log(1 - (1 - epsilon)) with
    # 1 - epsilon rounded to float32; a certain right one costs -log(1 - epsilon)
    cost = -math.log(EPS)
    np.testing.assert_allclose(L.binary_crossentropy([[1.0]], [[0.0]]).data, [cost], rtol=1e-5)
    upper = float(np.float32(1 - EPS))
    np.testing.assert_allclose(L.binary_crossentropy([[0.0]], [[1.0]]).data, [-math.log(1 - upper)],
                               rtol=1e-5)
    np.testing.assert_allclose(L.binary_crossentropy([[1.0, 0.0]], [[1.0, 0.0]]).data, [0.0],
                               atol=2e-7)
    np.testing.assert_allclose(L.categorical_crossentropy([[0.0, 1.0]], [[1.0, 0.0]]).data, [cost],
                               rtol=1e-5)
    np.testing.assert_allclose(L.sparse_categorical_crossentropy([1], [[1.0, 0.0]]).data, [cost],
                               rtol=1e-5)


# --- the logits recorded by sigmoid and softmax --------------------------------------------

def _activation_output(probs, logits, activation):
    """A Tensor standing for the output of `activation` ('sigmoid' or 'softmax'),
    recording its input as Keras does."""
    out = Tensor(np.asarray(probs, np.float32))
    out._keras_logits, out._logits_activation = logits, activation
    return out


def test_sigmoid_output_is_scored_from_its_logits():
    logits = Tensor(np.array([[1e4, -1e4]], np.float32), requires_grad=True)
    probs = _activation_output([[1.0, 0.0]], logits, "sigmoid")          # saturated float32
    loss = L.BinaryCrossentropy()([[0.0, 1.0]], probs)
    np.testing.assert_allclose(loss.data, 1e4, rtol=1e-6)                 # not -log(epsilon)
    loss.backward()
    np.testing.assert_allclose(logits.grad, [[0.5, -0.5]])                # (sigmoid - z) / 2


@pytest.mark.parametrize("fn, labels", [(L.categorical_crossentropy, [[0.0, 0.0, 1.0]]),
                                        (L.sparse_categorical_crossentropy, [2])])
def test_softmax_output_is_scored_from_its_logits(fn, labels):
    x = np.array([[3.0, 1.0, -30.0]], np.float32)
    logits = Tensor(x, requires_grad=True)
    softmax = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    loss = fn(labels, _activation_output(softmax, logits, "softmax"))
    lse = 3.0 + math.log(1 + math.exp(-2.0) + math.exp(-33.0))
    np.testing.assert_allclose(loss.data, [lse + 30.0], rtol=1e-6)        # past the clip at 16.1
    loss.backward()
    np.testing.assert_allclose(logits.grad, softmax - np.array([[0, 0, 1]]), atol=1e-7)


def test_recorded_logits_with_from_logits_true_warn_and_are_used():
    logits = Tensor(np.array([[2.0, -1.0]], np.float32))
    probs = _activation_output(1 / (1 + np.exp(-logits.data)), logits, "sigmoid")
    with pytest.warns(UserWarning, match="from_logits=True"):
        loss = L.binary_crossentropy([[1.0, 0.0]], probs, from_logits=True)
    np.testing.assert_allclose(loss.data, L.binary_crossentropy([[1.0, 0.0]], logits,
                                                                from_logits=True).data)


def test_recorded_softmax_logits_are_ignored_for_another_class_axis():
    r = _rng(22)
    probs = r.dirichlet(np.ones(3), size=(2, 4)).transpose(0, 2, 1)       # classes on axis 1
    y_true = _one_hot(r.integers(0, 3, (2, 4)), 3).transpose(0, 2, 1)
    bogus = _activation_output(probs, Tensor(np.zeros((2, 3, 4), np.float32)), "softmax")
    np.testing.assert_allclose(L.categorical_crossentropy(y_true, bogus, axis=1).data,
                               L.categorical_crossentropy(y_true, probs.astype(np.float32),
                                                          axis=1).data)


def test_activations_module_outputs_use_their_logits():
    from neuronet import activations
    if not hasattr(activations.sigmoid(Tensor([0.0])), "_keras_logits"):
        pytest.skip("this activations module does not record logits")
    x = Tensor(np.array([[40.0, -40.0]], np.float32), requires_grad=True)
    loss = L.binary_crossentropy([[0.0, 1.0]], activations.sigmoid(x))
    np.testing.assert_allclose(loss.data, [40.0], rtol=1e-6)
    x = Tensor(np.array([[40.0, -40.0]], np.float32))
    loss = L.sparse_categorical_crossentropy([1], activations.softmax(x))
    np.testing.assert_allclose(loss.data, [80.0], rtol=1e-6)


@pytest.mark.parametrize("loss_class, activation, labels", [
    (L.BinaryCrossentropy, activations.softmax, [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]),
    (L.CategoricalCrossentropy, activations.sigmoid, [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]),
    (L.SparseCategoricalCrossentropy, activations.sigmoid, [1, 0, 0]),
])
@pytest.mark.parametrize("weights", [None, np.ones(3)])              # fused and general path
def test_loss_of_the_other_link_works_from_the_probabilities(loss_class, activation, labels,
                                                             weights):
    """A binary cross-entropy of a softmax output (Dense(2, softmax) with one-hot labels) or
    a categorical one of a sigmoid output scores the probabilities the model gives, clipped,
    as Keras on JAX does: the recorded logits would score other probabilities (the sigmoid
    of softmax logits)."""
    x = np.array([[0.5, -1.0], [2.0, 0.3], [-0.2, 0.1]])
    labels = np.asarray(labels, np.float64)
    logits = Tensor(x, requires_grad=True)
    y_pred = activation(logits)
    p = y_pred.data
    assert y_pred._keras_logits is logits
    loss = loss_class(dtype="float64")(labels, y_pred, sample_weight=weights)
    q = np.clip(p, EPS, 1 - EPS)
    if loss_class is L.BinaryCrossentropy:
        expected = np.mean(-(labels * np.log(q) + (1 - labels) * np.log(1 - q)))
    else:
        one_hot = labels if labels.ndim == 2 else _one_hot(labels.astype(int), 2)
        q = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
        expected = np.mean(-np.sum(one_hot * np.log(q), axis=-1))
    np.testing.assert_allclose(loss.data, expected, rtol=1e-12)
    loss.backward()
    plain = Tensor(x, requires_grad=True)
    probabilities = activation(plain)
    del probabilities._keras_logits                    # the same output without its record
    loss_class(dtype="float64")(labels, probabilities, sample_weight=weights).backward()
    np.testing.assert_allclose(logits.grad, plain.grad, rtol=1e-12)


@pytest.mark.parametrize("fn, labels", [
    (L.sparse_categorical_crossentropy, np.array([[2, 0, 1], [1, 1, 0]])),
    (L.categorical_crossentropy, _one_hot(np.array([[2, 0, 1], [1, 1, 0]]), 4)),
])
def test_softmax_output_lends_its_probabilities_and_normalizer_to_the_loss(fn, labels):
    """The cross-entropy of a softmax output reuses the softmax's probabilities and its
    log(sum(exp(x))): the loss and gradient of computing them again from the logits."""
    x = _rng(52).normal(size=(2, 3, 4)) * 3
    gradcheck(lambda logits: fn(labels, activations.softmax(logits)), [x])
    through_softmax = Tensor(x, requires_grad=True)
    output = activations.softmax(through_softmax)
    peak, log_total = output._log_normalizer
    np.testing.assert_allclose(peak + log_total,
                               np.log(np.exp(x).sum(axis=-1, keepdims=True)), rtol=1e-12)
    loss = fn(labels, output)
    loss.backward(np.ones(loss.shape))
    direct = Tensor(x, requires_grad=True)
    expected = fn(labels, direct, from_logits=True)
    expected.backward(np.ones(loss.shape))
    np.testing.assert_allclose(loss.data, expected.data, rtol=1e-12)
    np.testing.assert_allclose(through_softmax.grad, direct.grad, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("scale", [1, 10, 100])
@pytest.mark.parametrize("fn, labels", [(L.sparse_categorical_crossentropy, [0]),
                                        (L.categorical_crossentropy, [[1.0, 0.0, 0.0]])])
def test_confident_softmax_output_keeps_the_precision_of_its_small_loss(fn, labels, scale):
    """Logits [50, 40, 39], also shifted by 450 and 4950: the true class's loss is
    log(1 + e^-10 + e^-11), about 6.2e-5, to float32 precision, not rounded against the
    large maximum (which a normalizer of max + log(sum) would do)."""
    x = np.array([[50.0, 40.0, 39.0]]) + 50.0 * (scale - 1)
    loss = fn(labels, activations.softmax(Tensor(x.astype(np.float32))))
    np.testing.assert_allclose(loss.data, [math.log1p(math.exp(-10) + math.exp(-11))],
                               rtol=2e-4)


def test_logits_survive_the_squeeze_of_a_trailing_axis():
    logits = Tensor(np.array([[[30.0], [-30.0]]], np.float32), requires_grad=True)  # (1, 2, 1)
    probs = _activation_output([[[1.0], [0.0]]], logits, "sigmoid")
    loss = L.BinaryCrossentropy(reduction=None)([[0.0, 1.0]], probs)      # y_true (1, 2)
    np.testing.assert_allclose(loss.data, [30.0], rtol=1e-6)
    loss.backward(np.ones(1, np.float32))
    assert logits.grad.shape == (1, 2, 1)


# --- the mean of a batch in one fused op ---------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 1), (3, 4), (2, 3, 4)])
def test_cross_entropy_ops_with_mean_gradcheck(shape):
    r = _rng(40)
    logits = _away_from(r.normal(size=shape) * 3, [0.0])
    labels = r.uniform(0, 1, shape)
    gradcheck(lambda z, x: ce.sigmoid_binary_cross_entropy(z, x, mean=True), [labels, logits])
    gradcheck(lambda y, x: ce.softmax_cross_entropy(y, x, mean=True), [labels, logits])
    indices = r.integers(0, shape[-1], shape[:-1])
    gradcheck(lambda x: ce.sparse_softmax_cross_entropy_of_indices(indices, x, len(shape) - 1,
                                                                   mean=True), [logits])


def _fused_cases():
    r = _rng(41)
    binary = r.integers(0, 2, (6,)).astype(np.float64)
    classes = r.integers(0, 4, (6,))
    return [  # (loss, activation or None for logits, logits shape, labels)
        (L.BinaryCrossentropy, activations.sigmoid, (6, 1), binary),
        (L.BinaryCrossentropy, activations.sigmoid, (6, 1), binary[:, None]),
        (L.BinaryCrossentropy, activations.sigmoid, (6, 3), r.integers(0, 2, (6, 3))),
        (L.BinaryCrossentropy, None, (6, 1), binary),
        (L.CategoricalCrossentropy, activations.softmax, (6, 4), _one_hot(classes, 4)),
        (L.CategoricalCrossentropy, None, (2, 3, 4), _one_hot(classes, 4).reshape(2, 3, 4)),
        (L.SparseCategoricalCrossentropy, activations.softmax, (6, 4), classes),
        (L.SparseCategoricalCrossentropy, activations.softmax, (6, 4), classes[:, None]),
        (L.SparseCategoricalCrossentropy, None, (2, 3, 4), classes.reshape(2, 3)),
    ]


@pytest.mark.parametrize("case", range(9))
@pytest.mark.parametrize("by_name", [False, True])
def test_loss_object_takes_the_mean_in_one_op_as_the_general_path_does(case, by_name):
    """An unweighted batch of logits or a sigmoid/softmax output is scored by one fused op
    (its output's parent is the logits): the value and the gradient of the general path,
    which weights by sample_weight (ones here) and reduces in ops of their own."""
    loss_class, activation, shape, labels = _fused_cases()[case]
    from_logits = activation is None
    if by_name:                 # compile(loss='binary_crossentropy') wraps the function
        function = {L.BinaryCrossentropy: L.binary_crossentropy,
                    L.CategoricalCrossentropy: L.categorical_crossentropy,
                    L.SparseCategoricalCrossentropy: L.sparse_categorical_crossentropy}
        loss = L.LossFunctionWrapper(function[loss_class], dtype="float64",
                                     from_logits=from_logits)
    else:
        loss = loss_class(from_logits=from_logits, dtype="float64")
    x = _rng(42).normal(size=shape) * 2
    results = []
    for weights in (None, np.ones(shape[0])):
        logits = Tensor(x, requires_grad=True)
        y_pred = logits if from_logits else activation(logits)
        value = loss(labels, y_pred, sample_weight=weights)
        assert (value._parents[-1] is logits) == (weights is None)      # fused: one op
        value.backward()
        results.append((value.data, logits.grad))
    (fused, fused_grad), (general, general_grad) = results
    np.testing.assert_allclose(fused, general, rtol=1e-12)
    np.testing.assert_allclose(fused_grad, general_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make_loss, labels", [
    (lambda: L.BinaryCrossentropy(label_smoothing=0.1, dtype="float64"), [[1.0], [0.0]]),
    (lambda: L.BinaryCrossentropy(reduction="sum", dtype="float64"), [[1.0], [0.0]]),
    (lambda: L.BinaryCrossentropy(from_logits=True, dtype="float64"), [[1.0], [0.0]]),
    (lambda: L.BinaryCrossentropy(), [[1.0], [0.0]]),                 # float32 loss
    (lambda: L.SparseCategoricalCrossentropy(ignore_class=0, dtype="float64"), [1, 0]),
])
def test_loss_object_keeps_the_general_path_where_the_fused_mean_does_not_apply(make_loss,
                                                                                labels):
    """Label smoothing, another reduction, logits said to be probabilities (a sigmoid
    output with from_logits=True: Keras' warning), another dtype, an ignored class: no
    fused op."""
    logits = Tensor(np.array([[0.3], [-1.2]]), requires_grad=True)
    if "Sparse" in type(make_loss()).__name__:
        logits = Tensor(np.array([[0.3, 1.0], [-1.2, 0.4]]), requires_grad=True)
        y_pred = activations.softmax(logits)
    else:
        y_pred = activations.sigmoid(logits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                     # from_logits=True on a sigmoid
        value = make_loss()(np.asarray(labels), y_pred)
    assert value._parents[-1] is not logits


def test_fused_sparse_cross_entropy_reads_float_labels_in_the_loss_dtype():
    """Float labels are read as the general path reads them (in the loss's float32), and
    a non-integer label raises the same error on both paths."""
    logits = Tensor(np.array([[0.3, 1.0, -2.0], [1.2, 0.4, 0.0]], np.float32))
    y_pred = activations.softmax(logits)
    loss = L.SparseCategoricalCrossentropy()
    np.testing.assert_array_equal(loss(np.array([2.0, 0.0]), y_pred).data,
                                  loss(np.array([2, 0]), y_pred).data)
    np.testing.assert_array_equal(loss(np.array([2.0, 1 + 1e-9]), y_pred).data,  # 1 in float32
                                  loss(np.array([2, 1]), y_pred).data)
    for weights in (None, np.ones(2)):
        with pytest.raises(ValueError, match="expected integer class labels"):
            loss(np.array([2.0, 0.5]), y_pred, sample_weight=weights)


def test_subclass_with_its_own_call_is_not_fused():
    class Doubled(L.BinaryCrossentropy):
        def call(self, y_true, y_pred):
            return super().call(y_true, y_pred) * 2.0

    logits = Tensor(np.array([[0.3], [-1.2]]), requires_grad=True)
    y_pred = activations.sigmoid(logits)
    labels = np.array([1.0, 0.0])
    np.testing.assert_allclose(Doubled()(labels, y_pred).data,
                               2 * L.BinaryCrossentropy()(labels, y_pred).data, rtol=1e-6)


# --- dtypes --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FUNCTION_NAMES + ["sparse_categorical_crossentropy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_and_gradient_keep_the_dtype_of_y_pred(name, dtype):
    y_true, y_pred = _case_data(name, _rng(23))
    if name == "sparse_categorical_crossentropy":
        y_true, y_pred = np.array([0, 3, 1]), np.full((3, 4), 0.25)
    p = Tensor(y_pred.astype(dtype), requires_grad=True)
    loss = getattr(L, name)(y_true.astype(np.float64), p)                # float64 targets
    assert loss.dtype == dtype
    loss.backward(np.ones(loss.shape, dtype))
    assert p.grad.dtype == dtype


def test_integer_targets_and_list_inputs():
    loss = L.mean_squared_error([[1, 2]], [[1.5, 2.5]])
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, [0.25])
    float64_input = np.array([[1, 2]], np.float64)
    assert L.MeanSquaredError()(np.array([[1, 2]]), float64_input).dtype == np.float32
    assert L.MeanSquaredError(dtype="float64")([[1, 2]], [[1.0, 2.0]]).dtype == np.float64


# --- sample_weight and reduction -----------------------------------------------------------

def _mse_per_sample(y_true, y_pred):
    return np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2, axis=-1)


def test_reductions_with_and_without_sample_weight():
    r = _rng(24)
    y_true, y_pred = r.normal(size=(4, 3)), r.normal(size=(4, 3))
    per_sample = _mse_per_sample(y_true, y_pred)
    w = np.array([0.5, 0.0, 2.0, 1.0])

    def mse(reduction, **kw):
        return L.MeanSquaredError(reduction=reduction)(y_true, y_pred, **kw).data

    np.testing.assert_allclose(mse("sum_over_batch_size"), per_sample.mean(), rtol=1e-6)
    np.testing.assert_allclose(mse("sum_over_batch_size", sample_weight=w),
                               (w * per_sample).sum() / 4, rtol=1e-6)
    np.testing.assert_allclose(mse("mean", sample_weight=w), (w * per_sample).sum() / 4, rtol=1e-6)
    np.testing.assert_allclose(mse("sum", sample_weight=w), (w * per_sample).sum(), rtol=1e-6)
    np.testing.assert_allclose(mse("mean_with_sample_weight", sample_weight=w),
                               (w * per_sample).sum() / w.sum(), rtol=1e-6)
    np.testing.assert_allclose(mse(None, sample_weight=w), w * per_sample, rtol=1e-6)
    np.testing.assert_allclose(mse("none"), per_sample, rtol=1e-6)
    np.testing.assert_allclose(mse("sum_over_batch_size", sample_weight=w[:, None]),
                               (w * per_sample).sum() / 4, rtol=1e-6)    # (n, 1) weights
    np.testing.assert_allclose(mse("sum_over_batch_size", sample_weight=3.0), 3 * per_sample.mean(),
                               rtol=1e-6)
    np.testing.assert_allclose(mse("mean_with_sample_weight", sample_weight=np.zeros(4)), 0.0)
    assert L.MeanSquaredError().reduction == "sum_over_batch_size"


def test_sample_weight_for_sequences():
    r = _rng(25)
    y_true, y_pred = r.normal(size=(2, 5, 3)), r.normal(size=(2, 5, 3))
    per_step = _mse_per_sample(y_true, y_pred)                           # (2, 5)
    per_sample_w = np.array([1.0, 3.0])
    loss = L.MeanSquaredError()(y_true, y_pred, sample_weight=per_sample_w)
    np.testing.assert_allclose(loss.data, (per_step * per_sample_w[:, None]).mean(), rtol=1e-6)
    per_step_w = r.uniform(0, 1, (2, 5))
    np.testing.assert_allclose(L.MeanSquaredError()(y_true, y_pred, sample_weight=per_step_w).data,
                               (per_step * per_step_w).mean(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"sample_weight.*\(2, 5\).*\(3,\)"):
        L.MeanSquaredError()(y_true, y_pred, sample_weight=np.ones(3))


def test_sample_weight_scales_the_gradient():
    r = _rng(26)
    y_true, y_pred = r.normal(size=(3, 2)), r.normal(size=(3, 2)).astype(np.float32)
    w = np.array([0.0, 1.0, 2.0], np.float32)
    p = Tensor(y_pred, requires_grad=True)
    L.MeanSquaredError()(y_true, p, sample_weight=w).backward()
    expected = 2 * (y_pred - y_true) / 2 * w[:, None] / 3                  # d mean / d y_pred
    np.testing.assert_allclose(p.grad, expected, rtol=1e-5, atol=1e-7)


def test_ignore_class_masks_samples_out_of_the_mean():
    probs = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    labels = np.array([0, -1, 2, -1])
    per_sample = L.sparse_categorical_crossentropy(labels, probs, ignore_class=-1)
    np.testing.assert_allclose(per_sample.data, [-math.log(0.7), 0.0, -math.log(0.8), 0.0],
                               rtol=1e-6)
    np.testing.assert_array_equal(per_sample._keras_mask, [True, False, True, False])
    loss = L.SparseCategoricalCrossentropy(ignore_class=-1)
    np.testing.assert_allclose(loss(labels, probs).data, (-math.log(0.7) - math.log(0.8)) / 2,
                               rtol=1e-6)
    np.testing.assert_allclose(L.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")(
        labels, probs).data, -math.log(0.7) - math.log(0.8), rtol=1e-6)
    np.testing.assert_allclose(loss(labels, probs, sample_weight=[2.0, 5.0, 1.0, 5.0]).data,
                               (-2 * math.log(0.7) - math.log(0.8)) / 2, rtol=1e-6)
    np.testing.assert_allclose(loss([-1, -1], probs[:2]).data, 0.0)      # nothing counted
    x = Tensor(np.log(probs).astype(np.float32), requires_grad=True)
    L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(labels, x).backward()
    np.testing.assert_array_equal(x.grad[[1, 3]], 0.0)


def test_mask_of_y_pred_is_applied():
    r = _rng(27)
    y_true, y_pred = r.normal(size=(2, 4, 3)), r.normal(size=(2, 4, 3))
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    masked = Tensor(y_pred)
    masked._keras_mask = mask
    per_step = _mse_per_sample(y_true, y_pred)
    np.testing.assert_allclose(L.MeanSquaredError()(y_true, masked).data, per_step[mask].mean(),
                               rtol=1e-6)


def test_invalid_reduction_lists_the_valid_ones():
    with pytest.raises(ValueError, match="sum_over_batch_size.*received reduction='auto'"):
        L.MeanSquaredError(reduction="auto")


# --- Loss objects, get, serialize ----------------------------------------------------------

CLASSES = [
    (L.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1, "axis": -1}),
    (L.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.2, "axis": -1}),
    (L.SparseCategoricalCrossentropy, {"from_logits": True, "ignore_class": 3}),
    (L.MeanSquaredError, {}), (L.MeanAbsoluteError, {}), (L.MeanAbsolutePercentageError, {}),
    (L.MeanSquaredLogarithmicError, {}), (L.Huber, {"delta": 0.5}), (L.LogCosh, {}),
    (L.Hinge, {}), (L.SquaredHinge, {}), (L.CategoricalHinge, {}), (L.KLDivergence, {}),
    (L.Poisson, {}), (L.CosineSimilarity, {"axis": 0}),
]


@pytest.mark.parametrize("cls, kwargs", CLASSES, ids=[c[0].__name__ for c in CLASSES])
def test_config_and_serialize_round_trip(cls, kwargs):
    loss = cls(reduction="sum", name="custom", **kwargs)
    config = loss.get_config()
    assert config == {"name": "custom", "reduction": "sum", **kwargs}
    again = cls.from_config(config)
    assert type(again) is cls and again.get_config() == config
    restored = L.deserialize(L.serialize(loss))
    assert type(restored) is cls and restored.get_config() == config
    assert L.get({"class_name": cls.__name__, "config": config}).get_config() == config


@pytest.mark.parametrize("cls, kwargs", CLASSES, ids=[c[0].__name__ for c in CLASSES])
def test_loss_objects_equal_the_mean_of_their_function(cls, kwargs):
    r = _rng(28)
    labels = r.integers(0, 3, 4)
    y_true, y_pred = _one_hot(labels, 3), r.uniform(0.1, 0.9, (4, 3))
    if cls is L.SparseCategoricalCrossentropy:
        y_true = labels
    loss = cls(**kwargs)
    expected = loss.fn(y_true.astype(np.float32), y_pred.astype(np.float32), **kwargs).data.mean()
    np.testing.assert_allclose(loss(y_true, y_pred).data, expected, rtol=1e-6)


def test_get_names_aliases_classes_and_objects():
    assert L.get("mean_squared_error") is L.mean_squared_error
    for alias, fn in [("mse", L.mean_squared_error), ("MSE", L.mean_squared_error),
                      ("mae", L.mean_absolute_error), ("mape", L.mean_absolute_percentage_error),
                      ("msle", L.mean_squared_logarithmic_error), ("kld", L.kl_divergence),
                      ("kullback_leibler_divergence", L.kl_divergence), ("logcosh", L.log_cosh),
                      ("bce", L.binary_crossentropy)]:
        assert L.get(alias) is fn and getattr(L, alias) is fn
    assert isinstance(L.get("CategoricalCrossentropy"), L.CategoricalCrossentropy)
    assert L.get(L.Huber).get_config()["delta"] == 1.0
    obj = L.Hinge()
    assert L.get(obj) is obj
    custom = lambda y_true, y_pred: y_pred  # noqa: E731
    assert L.get(custom) is custom
    assert L.get(None) is None


def test_get_unknown_identifier_lists_valid_names():
    with pytest.raises(ValueError, match="'mean_sqared_error'.*mean_squared_error"):
        L.get("mean_sqared_error")
    with pytest.raises(ValueError, match="could not interpret loss identifier 42"):
        L.get(42)


def test_serialize_functions_and_custom_objects():
    assert L.serialize(L.mse) == {"module": "builtins", "class_name": "function",
                                  "config": "mean_squared_error", "registered_name": "function"}
    assert L.deserialize(L.serialize(L.mse)) is L.mean_squared_error
    assert L.deserialize("logcosh") is L.log_cosh

    def my_loss(y_true, y_pred):
        return L.mean_absolute_error(y_true, y_pred) * 2

    config = L.serialize(my_loss)
    assert config["config"] == "my_loss"
    assert L.deserialize(config, custom_objects={"my_loss": my_loss}) is my_loss
    with pytest.raises(ValueError, match="Unknown loss 'my_loss'"):
        L.deserialize(config)
    wrapped = L.LossFunctionWrapper(my_loss, reduction="sum")
    restored = L.deserialize(L.serialize(wrapped), custom_objects={"my_loss": my_loss})
    assert restored.fn is my_loss and restored.name == "my_loss" and restored.reduction == "sum"
    with pytest.raises(ValueError, match="named loss function"):
        L.serialize(lambda y_true, y_pred: y_pred)


def test_custom_subclass():
    class DoubleAbsoluteError(L.Loss):
        def call(self, y_true, y_pred):
            return 2 * L.mean_absolute_error(y_true, y_pred)

    loss = DoubleAbsoluteError()
    assert loss.name == "double_absolute_error" and loss.dtype == "float32"
    np.testing.assert_allclose(loss([[1.0, 2.0]], [[2.0, 2.0]], sample_weight=[3.0]).data, 3.0)
    assert L.KLDivergence().name == "kl_divergence"
    with pytest.raises(NotImplementedError, match="call"):
        L.Loss()([1.0], [1.0])


def test_loss_dtype_follows_floatx_at_call_time():
    loss = L.MeanSquaredError()
    backend.set_floatx("float64")
    assert loss([[1.0]], [[2.0]]).dtype == np.float64
    with pytest.raises(ValueError, match="float dtype"):
        L.MeanSquaredError(dtype="int32")


# --- errors a user can cause ---------------------------------------------------------------

@pytest.mark.parametrize("fn", [L.mean_squared_error, L.binary_crossentropy,
                                L.categorical_crossentropy, L.hinge, L.cosine_similarity])
def test_shape_mismatch_names_both_shapes(fn):
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\) and y_pred.shape=\(2, 4\)"):
        fn(np.zeros((2, 3)), np.full((2, 4), 0.5))


def test_binary_and_categorical_need_equal_shapes():
    with pytest.raises(ValueError, match="the same shape"):
        L.binary_crossentropy(np.zeros((2, 1)), np.full((2, 3), 0.5))
    np.testing.assert_allclose(L.mean_squared_error(np.zeros((2, 1)), np.ones((2, 3))).data, [1, 1])


@pytest.mark.parametrize("labels", [[0, 2, 1], [[0], [2], [1]]])
def test_integer_labels_for_categorical_crossentropy_point_to_the_fix(labels):
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*to_categorical"):
        L.categorical_crossentropy(labels, np.full((3, 4), 0.25))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*to_categorical"):
        L.CategoricalCrossentropy()(labels, np.full((3, 4), 0.25))


def test_sparse_label_errors():
    probs = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError,
                       match=r"sparse_categorical_crossentropy.*range \[0, 3\).*label 5"):
        L.sparse_categorical_crossentropy([0, 5], probs)
    with pytest.raises(ValueError, match=r"\[0, 3\).*label -1"):
        L.SparseCategoricalCrossentropy(from_logits=True)([-1, 0], probs)
    with pytest.raises(ValueError,
                       match=r"labels of shape \(2,\).*received labels of shape \(2, 3\)"):
        L.sparse_categorical_crossentropy(np.eye(3)[:2], probs)
    with pytest.raises(ValueError, match="integer class labels"):
        L.sparse_categorical_crossentropy([0.5, 1.0], probs)
    np.testing.assert_allclose(L.sparse_categorical_crossentropy([[0], [2]], probs).data,
                               [math.log(3)] * 2, rtol=1e-6)              # (n, 1) labels


def test_argument_errors():
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        L.binary_crossentropy([[1.0]], [[0.5]], label_smoothing=1.5)
    with pytest.raises(ValueError, match="axis=2 is out of range"):
        L.categorical_crossentropy([[1.0, 0.0]], [[0.5, 0.5]], axis=2)
    with pytest.raises(ValueError, match="delta must be positive"):
        L.huber([[1.0]], [[0.5]], delta=0.0)
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        L.categorical_crossentropy([[1.0]], [[0.5]])


# --- against Keras 3 -----------------------------------------------------------------------

@pytest.mark.parametrize("last, loss, labels", [
    ("softmax", "binary_crossentropy", "one_hot"),         # Dense(2, softmax) + BCE
    ("sigmoid", "categorical_crossentropy", "one_hot"),
    ("sigmoid", "binary_crossentropy", "binary"),
    ("softmax", "sparse_categorical_crossentropy", "sparse"),
])
def test_fit_history_matches_keras(real_keras, last, loss, labels):
    """Two epochs from the same weights: the losses Keras (JAX) logs, also where the loss's
    link is not the output's activation (scored from the probabilities)."""
    import neuronet
    r = _rng(50)
    x = r.normal(size=(24, 3)).astype(np.float32)
    classes = r.integers(0, 2, 24)
    y = {"one_hot": np.eye(2, dtype=np.float32)[classes], "sparse": classes,
         "binary": classes.astype(np.float32)}[labels]
    units = 1 if labels == "binary" else 2
    histories = []
    for k in (real_keras, neuronet):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(4, activation="tanh"),
                              k.layers.Dense(units, activation=last)])
        weights = [_rng(51).normal(scale=0.8, size=np.shape(w)).astype(np.float32)
                   for w in model.get_weights()]
        model.set_weights(weights)
        model.compile(optimizer=k.optimizers.SGD(0.5), loss=loss)
        histories.append(model.fit(x, y, batch_size=8, epochs=2, shuffle=False,
                                   verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
