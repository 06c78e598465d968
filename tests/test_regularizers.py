import json

import numpy as np
import pytest

import neuronet
from neuronet import regularizers
from neuronet.autograd import Tensor, Variable
from neuronet.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer
from neuronet.testing import gradcheck


@pytest.fixture
def w(rng):
    return rng.standard_normal((6, 4)).astype(np.float32)


def mean_abs_cosine(vectors):
    """Mean |cos| over the unordered pairs of rows, from the definition."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i, j = np.triu_indices(len(vectors), k=1)
    return np.mean(np.abs(np.sum(unit[i] * unit[j], axis=1)))


# --- values -----------------------------------------------------------------------------------

def test_penalties_follow_keras_formulas(w):
    x = w.astype(np.float64)
    np.testing.assert_allclose(L1(0.3)(w).item(), 0.3 * np.abs(x).sum(), rtol=1e-6)
    np.testing.assert_allclose(L2(0.1)(w).item(), 0.1 * np.square(x).sum(), rtol=1e-6)  # no 1/2
    np.testing.assert_allclose(L1L2(l1=0.01, l2=0.02)(w).item(),
                               0.01 * np.abs(x).sum() + 0.02 * np.square(x).sum(), rtol=1e-6)
    assert L1L2()(w).item() == 0.0


def test_keras_documented_examples():
    assert L2(2.0)(np.ones((5, 5), np.float32)).item() == 50.0
    assert L1(0.01)(np.ones((5, 5), np.float32)).item() == pytest.approx(0.25)


def test_keras_defaults():
    assert L1().get_config() == {"l1": 0.01}
    assert L2().get_config() == {"l2": 0.01}
    assert L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}
    assert L1(None).l1 == 0.01 and L1L2(None, 0.1).get_config() == {"l1": 0.0, "l2": 0.1}


def test_orthogonal_regularizer_is_factor_times_mean_abs_cosine(w):
    x = w.astype(np.float64)
    np.testing.assert_allclose(OrthogonalRegularizer(0.7)(w).item(), 0.7 * mean_abs_cosine(x),
                               rtol=1e-5)
    np.testing.assert_allclose(OrthogonalRegularizer(0.7, mode="columns")(w).item(),
                               0.7 * mean_abs_cosine(x.T), rtol=1e-5)


def test_orthogonal_regularizer_on_orthogonal_and_parallel_vectors(rng):
    q, _ = np.linalg.qr(rng.standard_normal((6, 3)))              # orthonormal columns
    assert OrthogonalRegularizer(1.0, mode="columns")(q).item() == pytest.approx(0.0, abs=1e-12)
    assert OrthogonalRegularizer(1.0, mode="rows")(q).item() > 0.1
    parallel = np.outer([1.0, 2.0, -3.0], [0.5, 0.5])             # all rows on one line
    assert OrthogonalRegularizer(0.2)(parallel).item() == pytest.approx(0.2)


def test_orthogonal_regularizer_edge_cases():
    zero_row = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0]])
    v = Variable(zero_row)
    penalty = OrthogonalRegularizer(1.0)(v)
    penalty.backward()
    assert np.isfinite(penalty.item()) and np.isfinite(v.grad).all()
    assert OrthogonalRegularizer(mode="columns")(np.ones((4, 1))).item() == 0.0   # no pairs


# --- gradients and dtypes -----------------------------------------------------------------------

REGULARIZERS = [L1(0.3), L2(0.1), L1L2(0.2, 0.05), OrthogonalRegularizer(0.7),
                OrthogonalRegularizer(0.7, mode="columns")]


@pytest.mark.parametrize("regularizer", REGULARIZERS, ids=lambda r: str(r.get_config()))
def test_gradcheck(regularizer, rng):
    gradcheck(regularizer, [rng.standard_normal((5, 4))])


@pytest.mark.parametrize("regularizer", REGULARIZERS, ids=lambda r: str(r.get_config()))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_penalty_is_a_scalar_tensor_of_the_input_dtype(regularizer, dtype, w):
    penalty = regularizer(Tensor(w.astype(dtype)))
    assert isinstance(penalty, Tensor) and penalty.shape == () and penalty.dtype == dtype


def test_gradient_reaches_the_weight_variable(w):
    v = Variable(w)
    L1L2(l1=0.1, l2=0.2)(v).backward()
    np.testing.assert_allclose(v.grad, 0.1 * np.sign(w) + 0.4 * w, rtol=1e-6)
    assert v.grad.dtype == np.float32


def test_base_regularizer():
    penalty = Regularizer()(np.ones((2, 2), np.float32))
    assert penalty.item() == 0.0 and penalty.dtype == np.float32
    with pytest.raises(NotImplementedError, match="get_config"):
        Regularizer().get_config()


# --- config, get, serialize, deserialize --------------------------------------------------------

@pytest.mark.parametrize("regularizer", REGULARIZERS, ids=lambda r: str(r.get_config()))
def test_config_round_trip(regularizer, w):
    restored = regularizers.deserialize(json.loads(json.dumps(regularizers.serialize(regularizer))))
    for copy in (type(regularizer).from_config(regularizer.get_config()), restored):
        assert type(copy) is type(regularizer)
        assert copy.get_config() == regularizer.get_config()
        assert copy(w).item() == regularizer(w).item()


def test_serialize_writes_keras3_layout():
    assert regularizers.serialize(L2(0.001)) == {
        "module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.001},
        "registered_name": None}
    assert regularizers.serialize(None) is None


def test_deserialize_reads_keras3_and_keras2_layouts():
    keras3 = {"module": "keras.regularizers", "class_name": "L1L2",
              "config": {"l1": 1e-5, "l2": 1e-4}, "registered_name": None}
    assert regularizers.deserialize(keras3).get_config() == {"l1": 1e-5, "l2": 1e-4}
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.001}}).l2 == 0.001


@pytest.mark.parametrize("name, config", [
    ("l1", {"l1": 0.01}), ("L1", {"l1": 0.01}), ("l2", {"l2": 0.01}), ("L2", {"l2": 0.01}),
    ("l1_l2", {"l1": 0.01, "l2": 0.01}),        # the string gives 0.01 for both (Keras docs)
    ("L1L2", {"l1": 0.0, "l2": 0.0}),           # the class name gives the class defaults
    ("orthogonal_regularizer", {"factor": 0.01, "mode": "rows"}),
])
def test_get_by_name(name, config):
    assert regularizers.get(name).get_config() == config


def test_get_other_identifiers():
    assert regularizers.get(None) is None
    reg = L2(0.5)
    assert regularizers.get(reg) is reg
    assert type(regularizers.get(L1)) is L1

    def custom(x):
        return 0.5 * (x * x).sum()
    assert regularizers.get(custom) is custom
    assert regularizers.l1 is L1 and regularizers.l2 is L2


def test_l1_l2_is_the_l1l2_class_as_in_keras_3(real_keras):
    assert regularizers.l1_l2 is L1L2
    assert regularizers.l1_l2(l1=0.1).get_config() == {"l1": 0.1, "l2": 0.0}
    assert regularizers.l1_l2().get_config() == real_keras.regularizers.l1_l2().get_config()


def test_layer_losses_come_in_keras_order_and_leave_frozen_weights_out(real_keras):
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)

    def losses(lib):
        dense = lib.layers.Dense(3, kernel_regularizer=lib.regularizers.L2(0.1),
                                 bias_regularizer=lib.regularizers.L1(1.0),
                                 activity_regularizer=lib.regularizers.L2(0.001),
                                 bias_initializer="ones")
        model = lib.Sequential([lib.Input((4,)), dense])
        model(x)
        weights = [np.ones((4, 3), np.float32), np.ones(3, np.float32)]
        dense.set_weights(weights)
        model(x)
        every = [float(np.asarray(v)) for v in model.losses]
        dense.trainable = False
        return every, [float(np.asarray(v)) for v in model.losses]

    mine, theirs = losses(neuronet), losses(real_keras)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-5)     # activity, kernel, bias
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-5)     # frozen: activity only
    assert len(mine[0]) == 3 and len(mine[1]) == 1


def test_a_symbolic_call_clears_the_losses_of_an_eager_call_as_keras(real_keras):
    x = np.ones((2, 4), np.float32)

    def losses(lib):
        dense = lib.layers.Dense(3, kernel_regularizer=lib.regularizers.L2(0.1),
                                 activity_regularizer=lib.regularizers.L2(0.001))
        dense(x)
        inputs = lib.Input((4,))
        model = lib.Model(inputs, dense(inputs))
        return len(dense.losses), len(model.losses)

    assert losses(neuronet) == losses(real_keras) == (1, 1)


def test_building_a_model_leaves_no_losses_of_nested_calls_as_keras(real_keras):
    def losses(lib):
        class Adds(lib.layers.Layer):
            def call(self, x):
                self.add_loss(lib.ops.sum(x) * 0 + 1.0)
                return x

        class Outer(lib.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.inner = Adds()

            def call(self, x):
                self.add_loss(lib.ops.sum(x) * 0 + 5.0)
                return self.inner(x)

        inputs = lib.Input((3,))
        model = lib.Model(inputs, Outer()(Adds()(inputs)))
        before = len(model.losses)
        model(np.ones((2, 3), np.float32))
        return before, sorted(float(np.asarray(v)) for v in model.losses)

    assert losses(neuronet) == losses(real_keras) == (0, [1.0, 1.0, 5.0])


class Squared(Regularizer):
    def __init__(self, strength=1.0):
        self.strength = strength

    def __call__(self, x):
        return self.strength * (x * x).sum()

    def get_config(self):
        return {"strength": self.strength}


def test_user_regularizer_round_trips_with_custom_objects():
    config = regularizers.serialize(Squared(2.0))
    assert config["registered_name"] == "Squared" and config["config"] == {"strength": 2.0}
    restored = regularizers.deserialize(config, custom_objects={"Squared": Squared})
    assert restored(np.array([1.0, 2.0])).item() == 10.0


# --- errors -------------------------------------------------------------------------------------

def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'l3'") as info:
        regularizers.get("l3")
    assert "l1_l2" in str(info.value) and "OrthogonalRegularizer" in str(info.value)


@pytest.mark.parametrize("call, message", [
    (lambda: L1(-0.1), r"L1: .*`l1`.*l1=-0.1"),
    (lambda: L2(float("nan")), r"L2: .*`l2`.*l2=nan"),
    (lambda: L1L2(l2="a"), r"L1L2: .*`l2`.*l2='a'"),
    (lambda: OrthogonalRegularizer(factor=-1), "factor=-1"),
    (lambda: OrthogonalRegularizer(mode="diagonal"), r"`mode`.*'rows'.*mode='diagonal'"),
    (lambda: OrthogonalRegularizer()(np.ones(3)), r"rank 2.*\(3,\)"),
    (lambda: regularizers.get(0.1), "could not interpret identifier 0.1"),
])
def test_errors_name_the_argument_and_the_received_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
