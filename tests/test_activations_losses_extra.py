"""The Keras 3 activations, focal/overlap losses and noise layers added last: values
against Keras itself, gradients by finite differences, names, configs and saving."""
import math

import numpy as np
import pytest

import neuronet as nn
from neuronet import Tensor, activations as A, layers, losses as L
from neuronet.testing import gradcheck

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _away_from(x, kinks, gap=0.05):
    """x with every value at least `gap` away from each kink."""
    for k in kinks:
        x = np.where(np.abs(x - k) < gap, x + 2 * gap * np.where(x >= k, 1, -1), x)
    return x


# --- activations ---------------------------------------------------------------------------

# (name, keyword arguments, points where the function or its derivative jumps)
ELEMENTWISE = [
    ("celu", {}, (0.0,)),
    ("celu", {"alpha": 0.5}, (0.0,)),
    ("hard_tanh", {}, (-1.0, 1.0)),
    ("soft_shrink", {}, (-0.5, 0.5)),
    ("soft_shrink", {"threshold": 1.2}, (-1.2, 1.2)),
    ("hard_shrink", {}, (-0.5, 0.5)),
    ("hard_shrink", {"threshold": 0.9}, (-0.9, 0.9)),
    ("tanh_shrink", {}, ()),
    ("squareplus", {}, ()),
    ("squareplus", {"b": 0.5}, ()),
    ("sparse_plus", {}, (-1.0, 1.0)),
    ("sparse_sigmoid", {}, (-1.0, 1.0)),
    ("log_sigmoid", {}, ()),
    ("threshold", {"threshold": 0.3, "default_value": -2.0}, (0.3,)),
]
WITH_AXIS = [("glu", {}), ("glu", {"axis": 0})]
IDS = [f"{name}{kwargs or ''}" for name, kwargs, _ in ELEMENTWISE]


@pytest.mark.parametrize("name, kwargs, kinks", ELEMENTWISE, ids=IDS)
def test_elementwise_values_match_keras(real_keras, name, kwargs, kinks):
    x = np.random.default_rng(0).uniform(-3, 3, (4, 6)).astype(np.float32)
    expected = np.asarray(getattr(real_keras.activations, name)(x, **kwargs))
    out = getattr(A, name)(x, **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", WITH_AXIS)
def test_glu_matches_keras(real_keras, name, kwargs):
    x = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32)
    expected = np.asarray(real_keras.activations.glu(x, **kwargs))
    out = A.glu(x, **kwargs)
    assert out.shape == expected.shape and out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


def test_values_against_formulas():
    x = np.array([-2.0, -0.75, -0.25, 0.0, 0.25, 0.75, 2.0])
    np.testing.assert_allclose(A.celu(x, alpha=2.0).data,
                               np.where(x > 0, x, 2.0 * (np.exp(x / 2.0) - 1)))
    np.testing.assert_allclose(A.hard_tanh(x).data, [-1, -0.75, -0.25, 0, 0.25, 0.75, 1])
    np.testing.assert_allclose(A.soft_shrink(x).data, [-1.5, -0.25, 0, 0, 0, 0.25, 1.5])
    np.testing.assert_allclose(A.hard_shrink(x).data, [-2, -0.75, 0, 0, 0, 0.75, 2])
    np.testing.assert_allclose(A.tanh_shrink(x).data, x - np.tanh(x))
    np.testing.assert_allclose(A.squareplus(x, b=1).data, (x + np.sqrt(x * x + 1)) / 2)
    np.testing.assert_allclose(A.sparse_sigmoid(x).data, [0, 0.125, 0.375, 0.5, 0.625, 0.875, 1])
    np.testing.assert_allclose(A.sparse_plus(x).data, [0, 0.015625, 0.140625, 0.25, 0.390625,
                                                      0.765625, 2])
    np.testing.assert_allclose(A.log_sigmoid(x).data, np.log(1 / (1 + np.exp(-x))))
    np.testing.assert_allclose(A.threshold(x, 0.0, 7.0).data, [7, 7, 7, 7, 0.25, 0.75, 2])
    np.testing.assert_allclose(A.glu([[1.0, -2.0, 0.0, 3.0]]).data,
                               [[1.0 / (1 + math.exp(-0.0)), -2.0 / (1 + math.exp(-3.0))]])


@pytest.mark.parametrize("name, kwargs, kinks", ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize("shape", [(7,), (3, 4)], ids=str)
def test_elementwise_gradcheck(name, kwargs, kinks, shape):
    x = _away_from(np.random.default_rng(2).uniform(-3, 3, shape), kinks)
    gradcheck(lambda t: getattr(A, name)(t, **kwargs), [x])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_glu_gradcheck(axis):
    x = np.random.default_rng(3).normal(size=(4, 6))
    gradcheck(lambda t: A.glu(t, axis=axis), [x])


@pytest.mark.parametrize("name", ["glu", "threshold"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_lists_and_extreme_inputs(name, dtype):
    """What test_activations.py checks for every one-argument activation."""
    fn = (lambda x: A.threshold(x, 0.1, -1.0)) if name == "threshold" else A.glu
    x = Tensor(np.array([[-1e4, -30.0, 0.3, 30.0, 1e4, 2.0]], dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = fn(x)
        out.backward(np.ones(out.shape, dtype=dtype))
    assert out.dtype == dtype and x.grad.dtype == dtype
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(x.grad))
    from_list = fn([[-1.0, 0.5, 2.0, 1.0]])
    assert isinstance(from_list, Tensor) and from_list.dtype == np.float32


def test_squareplus_with_b_zero_is_relu_with_finite_gradient():
    x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    out = A.squareplus(x, b=0)
    out.backward(np.ones(3))
    np.testing.assert_allclose(out.data, [0.0, 0.0, 3.0])
    np.testing.assert_allclose(x.grad, [0.0, 0.5, 1.0])


def test_invalid_arguments_are_reported():
    with pytest.raises(ValueError, match="glu: expected an even size along axis 1"):
        A.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="glu: axis 2 is out of range"):
        A.glu(np.ones((2, 4)), axis=2)
    with pytest.raises(ValueError, match="celu: expected a nonzero alpha"):
        A.celu([1.0], alpha=0.0)
    with pytest.raises(ValueError, match="squareplus: expected b >= 0, received b=-1"):
        A.squareplus([1.0], b=-1)
    with pytest.raises(ValueError, match="sparsemax: axis 1 is out of range"):
        A.sparsemax([1.0, 2.0], axis=1)


# --- sparsemax -----------------------------------------------------------------------------

def _sparsemax_by_bisection(x):
    """max(x - tau, 0) per row, tau found by bisection so that the row sums to 1."""
    low = x.min(axis=-1, keepdims=True) - 1.0        # sum(max(x - low, 0)) >= 1
    high = x.max(axis=-1, keepdims=True)             # sum(max(x - high, 0)) = 0
    for _ in range(200):
        tau = (low + high) / 2
        too_big = np.maximum(x - tau, 0).sum(axis=-1, keepdims=True) > 1
        low, high = np.where(too_big, tau, low), np.where(too_big, high, tau)
    return np.maximum(x - (low + high) / 2, 0)


def test_sparsemax_is_the_projection_onto_the_simplex():
    x = np.random.default_rng(4).normal(scale=0.7, size=(6, 5))
    out = A.sparsemax(x).data
    np.testing.assert_allclose(out, _sparsemax_by_bisection(x), atol=1e-12)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0)
    assert np.any(out == 0) and np.all(np.count_nonzero(out, axis=-1) >= 1)


def test_sparsemax_known_values_and_axis():
    # the paper's definition: support {0.5, 1}, tau = 0.25
    np.testing.assert_allclose(A.sparsemax([[0.0, 0.5, 1.0]]).data, [[0.0, 0.25, 0.75]])
    np.testing.assert_allclose(A.sparsemax([[2.0, 2.0, 2.0]]).data, [[1 / 3, 1 / 3, 1 / 3]],
                               rtol=1e-6)
    x = np.random.default_rng(5).normal(size=(4, 3))
    np.testing.assert_allclose(A.sparsemax(x, axis=0).data, _sparsemax_by_bisection(x.T).T,
                               atol=1e-12)
    assert A.sparsemax(np.float32([[1.0, 0.5]])).dtype == np.float32


def test_sparsemax_matches_keras_when_one_value_dominates(real_keras):
    """Keras 3.15 computes a wrong threshold when the support has more than one value
    (keras-team/keras#23425, fixed by #23469); with a support of one both agree."""
    x = np.float32([[3.0, 0.5, 0.1], [-1.0, 2.5, 0.4]])
    np.testing.assert_allclose(A.sparsemax(x).data, np.asarray(real_keras.activations.sparsemax(x)),
                               atol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_gradcheck(axis):
    x = np.random.default_rng(6).normal(scale=0.5, size=(5, 4))
    gradcheck(lambda t: A.sparsemax(t, axis=axis), [x])


# --- names, configs and saving -------------------------------------------------------------

NEW_NAMES = ["celu", "glu", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink",
             "squareplus", "sparse_plus", "sparse_sigmoid", "sparsemax", "log_sigmoid",
             "threshold"]


@pytest.mark.parametrize("name", NEW_NAMES)
def test_get_serialize_deserialize(real_keras, name):
    fn = A.get(name)
    assert fn is getattr(A, name)
    assert A.serialize(fn) == real_keras.activations.serialize(
        getattr(real_keras.activations, name)) == name
    assert A.deserialize(A.serialize(fn)) is fn
    assert A.deserialize({"class_name": "function", "config": name}) is fn


def test_keras_has_no_activation_that_neuronet_lacks(real_keras):
    theirs = {n for n in dir(real_keras.activations) if not n.startswith("_")}
    assert theirs <= set(dir(A))


def test_dense_layers_with_the_new_activations_save_and_load(tmp_path):
    names = ["celu", "hard_tanh", "soft_shrink", "hard_shrink", "tanh_shrink", "squareplus",
             "sparse_plus", "sparse_sigmoid", "log_sigmoid", "sparsemax"]
    inputs = nn.Input((3,))
    x = inputs
    for name in names:
        x = layers.Dense(4, activation=name)(x)
    model = nn.Model(inputs, layers.Dense(4, activation="glu")(x))
    assert [layer.get_config()["activation"] for layer in model.layers[1:]] == names + ["glu"]
    data = np.random.default_rng(7).normal(size=(5, 3)).astype(np.float32)
    path = tmp_path / "activations.keras"
    model.save(path)
    loaded = nn.models.load_model(path)
    assert [layer.activation for layer in loaded.layers[1:]] == [A.get(n) for n in names + ["glu"]]
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0))
    assert model.predict(data, verbose=0).shape == (5, 2)


# --- losses --------------------------------------------------------------------------------

def _binary_data(seed=0, shape=(6, 4)):
    rng = np.random.default_rng(seed)
    y = (rng.random(shape) > 0.5).astype(np.float32)
    logits = rng.normal(scale=1.5, size=shape).astype(np.float32)
    return y, logits, (1 / (1 + np.exp(-logits))).astype(np.float32)


def _categorical_data(seed=0, n=6, k=4):
    rng = np.random.default_rng(seed)
    y = np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]
    logits = rng.normal(scale=1.5, size=(n, k)).astype(np.float32)
    e = np.exp(logits)
    return y, logits, (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def _segmentation_data(seed=0):
    rng = np.random.default_rng(seed)
    return ((rng.random((3, 4, 4, 1)) > 0.5).astype(np.float32),
            rng.random((3, 4, 4, 1)).astype(np.float32))


LOSS_CASES = [
    ("BinaryFocalCrossentropy", {}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 3.0}, "binary"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4,
                                 "label_smoothing": 0.2}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1,
                                 "reduction": "sum"}, "binary"),
    ("CategoricalFocalCrossentropy", {}, "categorical"),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.5}, "categorical"),
    ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4], "label_smoothing": 0.2},
     "categorical"),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1,
                                      "reduction": None}, "categorical"),
    ("Dice", {}, "segmentation"),
    ("Dice", {"axis": (1, 2, 3)}, "segmentation"),
    ("Dice", {"axis": (1, 2, 3), "reduction": None}, "segmentation"),
    ("Tversky", {}, "segmentation"),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": (1, 2, 3)}, "segmentation"),
    ("Tversky", {"alpha": 0.2, "beta": 0.9, "axis": (1, 2, 3), "reduction": "sum"},
     "segmentation"),
]
LOSS_IDS = [f"{name}{kwargs or ''}" for name, kwargs, _ in LOSS_CASES]


def _loss_data(kind, from_logits):
    if kind == "segmentation":
        return _segmentation_data()
    y, logits, probs = (_binary_data if kind == "binary" else _categorical_data)()
    return y, (logits if from_logits else probs)


@pytest.mark.parametrize("name, kwargs, kind", LOSS_CASES, ids=LOSS_IDS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
def test_loss_objects_match_keras(real_keras, name, kwargs, kind, weighted):
    y_true, y_pred = _loss_data(kind, kwargs.get("from_logits", False))
    weight = np.linspace(0.2, 1.5, len(y_true)).astype(np.float32) if weighted else None
    expected = np.asarray(getattr(real_keras.losses, name)(**kwargs)(y_true, y_pred, weight))
    out = getattr(L, name)(**kwargs)(y_true, y_pred, sample_weight=weight)
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


FUNCTION_CASES = [
    ("binary_focal_crossentropy", {"gamma": 1.0, "from_logits": True}, "binary"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True}, "binary"),
    ("categorical_focal_crossentropy", {"alpha": 0.5}, "categorical"),
    ("categorical_focal_crossentropy", {"from_logits": True, "label_smoothing": 0.3},
     "categorical"),
    ("dice", {"axis": (1, 2)}, "segmentation"),
    ("dice", {}, "segmentation"),
    ("tversky", {"alpha": 0.3, "beta": 0.6, "axis": (1, 2, 3)}, "segmentation"),
]


@pytest.mark.parametrize("name, kwargs, kind", FUNCTION_CASES,
                         ids=[f"{n}{k}" for n, k, _ in FUNCTION_CASES])
def test_loss_functions_match_keras(real_keras, name, kwargs, kind):
    y_true, y_pred = _loss_data(kind, kwargs.get("from_logits", False))
    expected = np.asarray(getattr(real_keras.losses, name)(y_true, y_pred, **kwargs))
    out = getattr(L, name)(y_true, y_pred, **kwargs)
    assert out.shape == expected.shape and out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


def test_focal_losses_from_a_sigmoid_or_softmax_output_use_its_logits():
    y, logits, _ = _binary_data(1)
    from_logits = L.binary_focal_crossentropy(y, logits, from_logits=True)
    from_sigmoid = L.binary_focal_crossentropy(y, A.sigmoid(logits))
    np.testing.assert_allclose(from_sigmoid.data, from_logits.data, rtol=1e-6)
    y, logits, _ = _categorical_data(1)
    from_logits = L.categorical_focal_crossentropy(y, logits, from_logits=True)
    from_softmax = L.categorical_focal_crossentropy(y, A.softmax(logits))
    np.testing.assert_allclose(from_softmax.data, from_logits.data, rtol=1e-6)


def test_focal_losses_without_focus_are_the_crossentropies():
    y, logits, probs = _binary_data(2)
    for pred, from_logits in ((probs, False), (logits, True)):
        np.testing.assert_allclose(
            L.binary_focal_crossentropy(y, pred, gamma=0.0, from_logits=from_logits).data,
            L.binary_crossentropy(y, pred, from_logits=from_logits).data, rtol=1e-6)
    y, logits, probs = _categorical_data(2)
    for pred, from_logits in ((probs, False), (logits, True)):
        np.testing.assert_allclose(
            L.categorical_focal_crossentropy(y, pred, alpha=1.0, gamma=0.0,
                                             from_logits=from_logits).data,
            L.categorical_crossentropy(y, pred, from_logits=from_logits).data, rtol=1e-5)


def test_binary_focal_formula_by_hand():
    y = np.array([[1.0, 0.0]])
    p = np.array([[0.8, 0.3]])
    bce = -np.log([0.8, 0.7])
    focal = np.array([0.2 ** 2, 0.3 ** 2]) * bce * [0.25, 0.75]
    out = L.binary_focal_crossentropy(y, p, apply_class_balancing=True)
    np.testing.assert_allclose(out.data, [focal.mean()], rtol=1e-6)


def test_tversky_with_equal_weights_is_dice_and_overlap_losses_are_zero_when_exact():
    y, p = _segmentation_data(3)
    np.testing.assert_allclose(L.tversky(y, p, 0.5, 0.5, axis=(1, 2, 3)).data,
                               L.dice(y, p, axis=(1, 2, 3)).data, rtol=1e-5)
    np.testing.assert_allclose(L.dice(y, y).data, 0.0, atol=1e-6)
    np.testing.assert_allclose(L.tversky(y, y, alpha=0.9, beta=0.1).data, 0.0, atol=1e-6)


GRADIENT_CASES = [
    (lambda y, p: L.binary_focal_crossentropy(y, p), "binary_probs"),
    (lambda y, p: L.binary_focal_crossentropy(y, p, apply_class_balancing=True, gamma=1.5,
                                              from_logits=True, label_smoothing=0.1),
     "binary_logits"),
    (lambda y, p: L.categorical_focal_crossentropy(y, p, label_smoothing=0.1),
     "categorical_probs"),
    (lambda y, p: L.categorical_focal_crossentropy(y, p, gamma=3.0, from_logits=True),
     "categorical_logits"),
    (lambda y, p: L.dice(y, p, axis=(1, 2, 3)), "segmentation"),
    (lambda y, p: L.tversky(y, p, alpha=0.3, beta=0.7), "segmentation"),
]


@pytest.mark.parametrize("fn, kind", GRADIENT_CASES, ids=[c[1] + str(i) for i, c in
                                                          enumerate(GRADIENT_CASES)])
def test_loss_gradcheck(fn, kind):
    family, _, source = kind.partition("_")
    if family == "segmentation":
        y, p = _segmentation_data(4)
    else:
        y, logits, probs = (_binary_data if family == "binary" else _categorical_data)(4)
        p = logits if source == "logits" else np.clip(probs, 0.05, 0.95)
    gradcheck(lambda t: fn(y.astype(np.float64), t), [p.astype(np.float64)])


@pytest.mark.parametrize("name, cls", [
    ("binary_focal_crossentropy", L.BinaryFocalCrossentropy),
    ("categorical_focal_crossentropy", L.CategoricalFocalCrossentropy),
    ("dice", L.Dice), ("tversky", L.Tversky)])
def test_names_and_configs(real_keras, name, cls):
    assert L.get(name) is getattr(L, name)
    assert isinstance(L.get(cls.__name__), cls)
    loss = cls(name="mine", reduction="sum")
    theirs = getattr(real_keras.losses, cls.__name__)(name="mine", reduction="sum")
    assert loss.get_config() == theirs.get_config()
    copy = L.deserialize(L.serialize(loss))
    assert type(copy) is cls and copy.get_config() == loss.get_config()
    assert L.serialize(L.get(name)) == {"module": "builtins", "class_name": "function",
                                        "config": name, "registered_name": "function"}


def test_loss_argument_errors_are_reported():
    y, p = _segmentation_data()
    with pytest.raises(ValueError, match="dice: axis=4 is out of range"):
        L.dice(y, p, axis=(1, 4))
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        L.binary_focal_crossentropy([[1.0]], [[0.3]], label_smoothing=2.0)
    with pytest.raises(ValueError, match="categorical_focal_crossentropy: y_true of shape"):
        L.categorical_focal_crossentropy([1, 2], np.full((2, 3), 1 / 3))


def test_compile_fit_and_reload_with_focal_loss(tmp_path):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = nn.Sequential([nn.Input((3,)), layers.Dense(1)])
    loss = L.BinaryFocalCrossentropy(gamma=1.0, from_logits=True, apply_class_balancing=True)
    model.compile(optimizer=nn.optimizers.SGD(0.5), loss=loss)
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "focal.keras"
    model.save(path)
    loaded = nn.models.load_model(path)
    assert isinstance(loaded.loss, L.BinaryFocalCrossentropy)
    assert loaded.loss.get_config() == loss.get_config()
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("loss", ["dice", "tversky", "categorical_focal_crossentropy"])
def test_string_losses_in_compile(loss):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[rng.integers(0, 2, 8)]
    model = nn.Sequential([nn.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss=loss)
    value = model.evaluate(x, y, verbose=0)
    expected = getattr(L, loss)(y, model.predict(x, verbose=0)).data.mean()
    np.testing.assert_allclose(value, expected, rtol=1e-5)


# --- noise layers --------------------------------------------------------------------------

def test_gaussian_dropout_keeps_the_mean_and_adds_the_documented_variance():
    layer = layers.GaussianDropout(0.3)
    x = np.full((400, 500), 3.0, np.float32)
    out = layer(x, training=True).data
    assert out.dtype == np.float32 and out.shape == x.shape
    assert abs(out.mean() - 3.0) < 0.02
    assert abs(out.std() - 3.0 * math.sqrt(0.3 / 0.7)) < 0.02


def test_alpha_dropout_keeps_mean_and_variance_of_standard_inputs():
    x = np.random.default_rng(10).normal(size=(400, 500)).astype(np.float32)
    rate = 0.2
    out = layers.AlphaDropout(rate)(x, training=True).data
    assert out.dtype == np.float32
    assert abs(out.mean()) < 0.01 and abs(out.var() - 1.0) < 0.02
    saturation = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
    b = -a * saturation * rate
    dropped = np.isclose(out, a * saturation + b)
    assert abs(dropped.mean() - rate) < 0.005
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def test_alpha_dropout_statistics_match_keras(real_keras):
    x = np.random.default_rng(11).normal(0.5, 2.0, size=(300, 400)).astype(np.float32)
    theirs = np.asarray(real_keras.layers.AlphaDropout(0.3, seed=1)(x, training=True))
    ours = layers.AlphaDropout(0.3, seed=1)(x, training=True).data
    assert abs(ours.mean() - theirs.mean()) < 0.02
    assert abs(ours.std() - theirs.std()) < 0.02
    def commonest(values):                     # the value every dropped input becomes
        unique, counts = np.unique(values, return_counts=True)
        return unique[counts.argmax()]
    np.testing.assert_allclose(commonest(ours), commonest(theirs), rtol=1e-5)


def test_alpha_dropout_noise_shape_drops_whole_columns():
    x = np.random.default_rng(12).uniform(1.0, 2.0, size=(4, 50, 3)).astype(np.float32)
    rate = 0.5
    out = layers.AlphaDropout(rate, noise_shape=(None, 1, 3), seed=3)(x, training=True).data
    saturation = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
    dropped = np.isclose(out, a * saturation - a * saturation * rate)
    assert np.all(dropped.all(axis=1) | ~dropped.any(axis=1))     # all steps or none
    assert 0 < dropped.mean() < 1
    with pytest.raises(ValueError, match="noise_shape"):
        layers.AlphaDropout(0.5, noise_shape=(None, 2, 3))(x, training=True)


@pytest.mark.parametrize("make", [lambda: layers.GaussianDropout(0.4),
                                  lambda: layers.AlphaDropout(0.4)], ids=["gaussian", "alpha"])
def test_noise_layers_are_the_identity_at_inference(make):
    x = np.random.default_rng(13).normal(size=(3, 5)).astype(np.float32)
    layer = make()
    np.testing.assert_array_equal(layer(x).data, x)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    model = nn.Sequential([nn.Input((5,)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.allclose(layer(x, training=True).data, x)


@pytest.mark.parametrize("make", [lambda: layers.GaussianDropout(0.4, seed=5),
                                  lambda: layers.AlphaDropout(0.4, seed=5)],
                         ids=["gaussian", "alpha"])
def test_noise_layers_gradcheck(make, float64):
    x = np.random.default_rng(14).normal(size=(3, 4))
    gradcheck(lambda t: make()(t, training=True), [x])


def test_noise_layers_are_reproducible_with_the_global_seed():
    x = np.ones((2, 6), np.float32)
    for make in (lambda: layers.GaussianDropout(0.5), lambda: layers.AlphaDropout(0.5)):
        nn.backend.set_random_seed(3)
        first = make()(x, training=True).data
        nn.backend.set_random_seed(3)
        np.testing.assert_array_equal(make()(x, training=True).data, first)


@pytest.mark.parametrize("cls, kwargs", [
    (layers.GaussianDropout, {"rate": 0.25, "seed": 7}),
    (layers.AlphaDropout, {"rate": 0.1, "noise_shape": (None, 1), "seed": 2})])
def test_noise_layer_config_round_trip(real_keras, cls, kwargs):
    layer = cls(**kwargs, name="noisy")
    config = layer.get_config()
    assert {k: config[k] for k in kwargs} == kwargs
    copy = cls.from_config(config)
    assert copy.get_config() == config
    keras_config = getattr(real_keras.layers, cls.__name__)(**kwargs).get_config()
    assert set(kwargs) <= set(keras_config)


@pytest.mark.parametrize("cls", [layers.GaussianDropout, layers.AlphaDropout])
@pytest.mark.parametrize("rate", [-0.1, 1, 1.5, "0.5"])
def test_noise_layers_reject_invalid_rates(cls, rate):
    with pytest.raises(ValueError, match=f"{cls.__name__}: expected a float between 0 and 1"):
        cls(rate)
