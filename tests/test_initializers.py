import json
import math

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, initializers
from neuronet.autograd import Variable
from neuronet.initializers import (Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
                                   Identity, Initializer, LecunNormal, LecunUniform, Ones,
                                   Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
                                   VarianceScaling, Zeros, compute_fans)


def truncated_std_ratio(a=2.0):
    """Std of a standard normal truncated to [-a, a], from its density (not from the code)."""
    density = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(a / math.sqrt(2))
    return math.sqrt(1 - 2 * a * density / mass)


# --- fans ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((30, 20), (30, 20)),                  # dense (in, out)
    ((5, 16, 8), (80, 40)),                # conv1d (k, in, out): receptive field 5
    ((3, 3, 16, 32), (144, 288)),          # conv2d (kh, kw, in, out): receptive field 9
    ((2, 3, 4, 5, 6), (120, 144)),         # conv3d: receptive field 24
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


# --- distributions ------------------------------------------------------------------------

DENSE = (400, 600)            # fan_in 400, fan_out 600, fan_avg 500
CONV = (3, 3, 64, 128)        # fan_in 576, fan_out 1152, fan_avg 864

VARIANCE_SCALING_CASES = [
    # initializer, shape, distribution, stddev after truncation or uniform limit (Keras formulas)
    (GlorotUniform(), DENSE, "uniform", math.sqrt(6 / (400 + 600))),
    (GlorotNormal(), DENSE, "truncated", math.sqrt(2 / (400 + 600))),
    (HeUniform(), DENSE, "uniform", math.sqrt(6 / 400)),
    (HeNormal(), DENSE, "truncated", math.sqrt(2 / 400)),
    (LecunUniform(), DENSE, "uniform", math.sqrt(3 / 400)),
    (LecunNormal(), DENSE, "truncated", math.sqrt(1 / 400)),
    (GlorotUniform(), CONV, "uniform", math.sqrt(6 / (576 + 1152))),
    (HeNormal(), CONV, "truncated", math.sqrt(2 / 576)),
    (VarianceScaling(3.0, "fan_out", "untruncated_normal"), DENSE, "normal", math.sqrt(3 / 600)),
    (VarianceScaling(0.5, "fan_avg", "uniform"), CONV, "uniform", math.sqrt(3 * 0.5 / 864)),
    (VarianceScaling(), DENSE, "truncated", math.sqrt(1 / 400)),
    (VarianceScaling(2.0, "fan_out", "normal"), CONV, "truncated", math.sqrt(2 / 1152)),
]


def check_statistics(values, distribution, param, mean=0.0):
    """Compare the sample with its distribution; n >= 70000 makes 2% about 8 standard errors."""
    values = values.astype(np.float64).ravel()
    assert values.size >= 70000
    if distribution == "uniform":
        limit = param
        assert np.abs(values - mean).max() <= limit * (1 + 1e-6)
        assert np.abs(values - mean).max() > 0.99 * limit
        stddev = limit / math.sqrt(3)
    elif distribution == "truncated":
        stddev = param                                   # the stddev after truncation
        bound = 2 * stddev / truncated_std_ratio()       # 2 stddev of the untruncated normal
        assert np.abs(values - mean).max() <= bound * (1 + 1e-6)
        assert np.abs(values - mean).max() > 0.98 * bound
    else:
        stddev = param
        outside = np.mean(np.abs(values - mean) > 2 * stddev)
        assert abs(outside - (1 - math.erf(2 / math.sqrt(2)))) < 0.004   # 4.55% beyond 2 sigma
    np.testing.assert_allclose(values.std(), stddev, rtol=0.02)
    assert abs(values.mean() - mean) < 6 * stddev / math.sqrt(values.size)


@pytest.mark.parametrize("init, shape, distribution, param", VARIANCE_SCALING_CASES)
def test_variance_scaling_statistics_follow_keras_formulas(init, shape, distribution, param):
    values = init(shape)
    assert values.shape == shape and values.dtype == np.float32
    check_statistics(values, distribution, param)


def test_random_normal_statistics():
    check_statistics(RandomNormal(mean=1.5, stddev=2.0)(DENSE), "normal", 2.0, mean=1.5)


def test_random_uniform_statistics():
    values = RandomUniform(minval=-3.0, maxval=5.0)(DENSE)
    assert values.min() >= -3.0 and values.max() < 5.0
    check_statistics(values, "uniform", 4.0, mean=1.0)


def test_truncated_normal_is_cut_at_two_stddev_and_redrawn():
    values = TruncatedNormal(mean=0.5, stddev=0.1)(DENSE)
    assert values.min() >= 0.3 - 1e-6 and values.max() <= 0.7 + 1e-6
    # redrawn, not clipped: the band (1.99, 2] stddev holds ~0.11% of the values, not 4.6%
    assert np.mean(np.abs(values - 0.5) > 0.199) < 0.003
    check_statistics(values, "truncated", 0.1 * truncated_std_ratio(), mean=0.5)


def test_keras_default_arguments():
    assert RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert RandomUniform().get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}
    assert TruncatedNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert VarianceScaling().get_config() == {"seed": None, "scale": 1.0, "mode": "fan_in",
                                              "distribution": "truncated_normal",
                                              "input_axes": None, "output_axes": None}
    assert Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert Identity().get_config() == {"gain": 1.0}
    assert Constant().get_config() == {"value": 0.0}
    assert GlorotUniform().get_config() == {"seed": None, "input_axes": None,
                                            "output_axes": None}
    assert VarianceScaling(distribution="Normal").distribution == "truncated_normal"


# --- constant, identity, orthogonal -----------------------------------------------------------

def test_constant_initializers():
    np.testing.assert_array_equal(Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(Ones()((4,)), np.ones(4))
    values = Constant(2.5)((3, 2))
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.full((3, 2), 2.5))
    ints = Constant(7)((2, 2), dtype="int64")
    assert ints.dtype == np.int64 and (ints == 7).all()
    assert Zeros()((3,), dtype="int32").dtype == np.int32
    assert Constant(np.float32(1.5)).get_config() == {"value": 1.5}
    matrix = np.arange(6.0).reshape(3, 2)               # e.g. pretrained embeddings
    np.testing.assert_array_equal(Constant(matrix)((3, 2), dtype="float32"), matrix)
    assert Constant(matrix)((3, 2)).dtype == np.float32
    assert Constant.from_config(Constant(matrix).get_config()).get_config() == {
        "value": {"class_name": "__numpy__",
                  "config": {"value": matrix.tolist(), "dtype": "float64"}}}
    layer = keras.layers.Embedding(3, 2, embeddings_initializer=Constant(matrix))
    np.testing.assert_array_equal(layer(np.array([[2, 0]])).data, matrix[[2, 0]][None])
    masked = keras.layers.Embedding(3, 2, mask_zero=True)
    np.testing.assert_array_equal(masked.compute_mask(np.array([[2, 0]])), [[True, False]])


def test_identity():
    np.testing.assert_array_equal(Identity()((3, 3)), np.eye(3))
    np.testing.assert_array_equal(Identity(gain=0.5)((2, 4)),
                                  [[0.5, 0, 0, 0], [0, 0.5, 0, 0]])
    assert Identity()((2, 2)).dtype == np.float32


@pytest.mark.parametrize("shape", [(64, 64), (100, 30), (3, 3, 8, 16)])
def test_orthogonal_columns_are_orthonormal(shape):
    w = Orthogonal()(shape).reshape(-1, shape[-1]).astype(np.float64)
    np.testing.assert_allclose(w.T @ w, np.eye(shape[-1]), atol=1e-5)


def test_orthogonal_wide_matrix_has_orthonormal_rows_and_gain():
    w = Orthogonal(gain=2.0)((30, 100)).astype(np.float64)
    np.testing.assert_allclose(w @ w.T, 4.0 * np.eye(30), atol=1e-5)


def test_orthogonal_is_not_biased_towards_positive_diagonal():
    # QR alone gives R a sign convention; the sign correction makes the draw uniform,
    # so the first entry of q is positive about half the time.
    firsts = np.array([Orthogonal()((4, 4))[0, 0] for _ in range(400)])
    assert 0.4 < np.mean(firsts > 0) < 0.6


# --- seeds ----------------------------------------------------------------------------------

SEEDED = [RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
          GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal]


@pytest.mark.parametrize("cls", SEEDED)
def test_seeded_initializer_is_reproducible_on_its_own(cls):
    first = cls(seed=7)((20, 10))
    backend.set_random_seed(99)                       # the global generator plays no part
    np.testing.assert_array_equal(cls(seed=7)((20, 10)), first)
    init = cls(seed=7)
    np.testing.assert_array_equal(init((20, 10)), init((20, 10)))   # Keras: same values each call
    assert not np.array_equal(cls(seed=8)((20, 10)), first)


@pytest.mark.parametrize("cls", SEEDED)
def test_unseeded_draws_follow_set_random_seed(cls):
    backend.set_random_seed(3)
    a, b = cls()((20, 10)), cls()((20, 10))
    assert not np.array_equal(a, b)
    backend.set_random_seed(3)
    np.testing.assert_array_equal(cls()((20, 10)), a)
    np.testing.assert_array_equal(cls()((20, 10)), b)


@pytest.mark.parametrize("cls", SEEDED)
def test_an_unseeded_initializer_gives_the_same_values_at_every_call_as_keras_3(cls,
                                                                               real_keras):
    init = cls()
    np.testing.assert_array_equal(init((20, 10)), init((20, 10)))
    theirs = getattr(real_keras.initializers, cls.__name__)()
    np.testing.assert_array_equal(np.asarray(theirs((20, 10))), np.asarray(theirs((20, 10))))
    assert init.get_config()["seed"] is None


def test_a_seed_generator_gives_new_values_at_every_call_and_round_trips_with_keras(real_keras):
    init = RandomNormal(seed=keras.random.SeedGenerator(3))
    first, second = init((5, 4)), init((5, 4))
    assert not np.array_equal(first, second)
    again = RandomNormal(seed=keras.random.SeedGenerator(3))
    np.testing.assert_array_equal(again((5, 4)), first)
    config = init.get_config()
    theirs = real_keras.initializers.RandomNormal(seed=real_keras.random.SeedGenerator(3))
    assert config["seed"]["class_name"] == "SeedGenerator"
    assert config["seed"]["config"]["seed"] == theirs.get_config()["seed"]["config"]["seed"]
    restored = RandomNormal.from_config(theirs.get_config())
    assert isinstance(restored.seed, keras.random.SeedGenerator) and restored.seed.seed == 3
    assert isinstance(real_keras.initializers.RandomNormal.from_config(config).seed,
                      real_keras.random.SeedGenerator)


@pytest.mark.parametrize("cls", [GlorotUniform, HeUniform, LecunUniform, VarianceScaling])
def test_fans_from_input_and_output_axes_as_keras(cls, real_keras):
    axes = dict(input_axes=[0], output_axes=[1, 2])
    init = cls(seed=1, **axes)
    theirs = getattr(real_keras.initializers, cls.__name__)(seed=1, **axes)
    assert init.get_config() == theirs.get_config()
    assert compute_fans((4, 3, 5), **axes) == (4, 15)
    if cls is VarianceScaling:                         # its default: fan_in, truncated normal
        return
    values, keras_values = init((4, 3, 5)), np.asarray(theirs((4, 3, 5)))
    fan = {GlorotUniform: (4 + 15) / 2, HeUniform: 4 / 2, LecunUniform: 4}[cls]
    limit = math.sqrt(3 / fan)
    assert np.abs(values).max() <= limit and np.abs(keras_values).max() <= limit
    assert np.abs(values).max() > 0.8 * limit         # the whole range is used
    assert cls.from_config(theirs.get_config()).input_axes == [0]


def test_constant_arrays_in_configs_round_trip_with_keras(real_keras):
    matrix = np.arange(6.0).reshape(3, 2)
    mine = Constant(matrix).get_config()
    theirs = real_keras.initializers.Constant(matrix).get_config()
    assert mine == theirs
    np.testing.assert_array_equal(Constant.from_config(theirs)((3, 2)), matrix)
    np.testing.assert_array_equal(
        np.asarray(real_keras.initializers.Constant.from_config(mine)((3, 2))), matrix)


def test_float32_and_float64_draws_agree():
    single = GlorotNormal(seed=1)((30, 20), dtype="float32")
    double = GlorotNormal(seed=1)((30, 20), dtype="float64")
    assert double.dtype == np.float64
    np.testing.assert_array_equal(single, double.astype(np.float32))


# --- dtypes ---------------------------------------------------------------------------------

ALL_NAMES = ["zeros", "ones", "constant", "identity", "random_normal", "random_uniform",
             "truncated_normal", "variance_scaling", "glorot_uniform", "glorot_normal",
             "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "orthogonal"]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_dtype_float32_by_default_float64_on_request(name):
    init = initializers.get(name)
    assert init((4, 4)).dtype == np.float32
    assert init((4, 4), dtype="float64").dtype == np.float64
    assert init((4, 4), dtype=np.dtype("float64")).dtype == np.float64


@pytest.mark.parametrize("name", ALL_NAMES)
def test_default_dtype_follows_floatx(name, float64):
    assert initializers.get(name)((4, 4)).dtype == np.float64


def test_variable_from_an_initializer():
    v = Variable(initializers.get("he_normal"), shape=(5, 3), dtype="float32")
    assert v.shape == (5, 3) and v.dtype == np.float32


# --- config, get, serialize, deserialize ----------------------------------------------------

ROUND_TRIP = [Zeros(), Ones(), Constant(3.5), Identity(gain=2.0),
              RandomNormal(1.0, 2.0, seed=3), RandomUniform(-1.0, 2.0, seed=4),
              TruncatedNormal(0.5, 0.1, seed=5), VarianceScaling(2.0, "fan_out", "uniform", seed=6),
              GlorotUniform(seed=7), GlorotNormal(seed=8), HeUniform(seed=9), HeNormal(seed=10),
              LecunUniform(seed=11), LecunNormal(seed=12), Orthogonal(gain=0.5, seed=13)]


@pytest.mark.parametrize("init", ROUND_TRIP, ids=lambda i: type(i).__name__)
def test_config_round_trip(init):
    for copy in (type(init).from_config(init.get_config()), init.clone(),
                 initializers.deserialize(json.loads(json.dumps(initializers.serialize(init))))):
        assert type(copy) is type(init)
        assert copy.get_config() == init.get_config()
        np.testing.assert_array_equal(copy((6, 6)), init((6, 6)))


def test_serialize_writes_keras3_layout():
    assert initializers.serialize(GlorotUniform(seed=3)) == {
        "module": "keras.initializers", "class_name": "GlorotUniform",
        "config": {"seed": 3, "input_axes": None, "output_axes": None},
        "registered_name": None}
    assert initializers.serialize(Zeros()) == {
        "module": "keras.initializers", "class_name": "Zeros", "config": {},
        "registered_name": None}
    assert initializers.serialize(None) is None


def test_deserialize_reads_keras3_and_keras2_layouts():
    keras3 = {"module": "keras.initializers", "class_name": "OrthogonalInitializer",
              "config": {"gain": 1.0, "seed": None}, "registered_name": None}
    assert isinstance(initializers.deserialize(keras3), Orthogonal)
    keras2 = {"class_name": "VarianceScaling",
              "config": {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": 1}}
    init = initializers.get(keras2)
    assert (init.scale, init.mode, init.distribution, init.seed) == (2.0, "fan_avg", "uniform", 1)


@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", GlorotUniform), ("GlorotUniform", GlorotUniform),
    ("glorot_normal", GlorotNormal), ("he_normal", HeNormal), ("he_uniform", HeUniform),
    ("lecun_normal", LecunNormal), ("lecun_uniform", LecunUniform), ("zeros", Zeros),
    ("zero", Zeros), ("ones", Ones), ("one", Ones), ("constant", Constant),
    ("random_normal", RandomNormal), ("normal", RandomNormal), ("RandomUniform", RandomUniform),
    ("uniform", RandomUniform), ("truncated_normal", TruncatedNormal),
    ("orthogonal", Orthogonal), ("OrthogonalInitializer", Orthogonal),
    ("identity", Identity), ("IdentityInitializer", Identity),
    ("variance_scaling", VarianceScaling),
])
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_other_identifiers():
    assert initializers.get(None) is None
    init = HeNormal()
    assert initializers.get(init) is init
    assert type(initializers.get(HeNormal)) is HeNormal

    def fill(shape, dtype=None):
        return np.full(shape, 0.25, dtype)
    assert initializers.get(fill) is fill
    assert initializers.glorot_uniform is GlorotUniform and initializers.he_normal is HeNormal


class Scaled(Initializer):
    def __init__(self, factor=1.0):
        self.factor = factor

    def __call__(self, shape, dtype=None):
        return self.factor * Ones()(shape, dtype)

    def get_config(self):
        return {"factor": self.factor}


def halves(shape, dtype=None):
    return np.full(shape, 0.5, dtype or backend.floatx())


def test_user_classes_and_functions_round_trip_with_custom_objects():
    config = initializers.serialize(Scaled(3.0))
    assert config == {"module": __name__, "class_name": "Scaled", "config": {"factor": 3.0},
                      "registered_name": "Scaled"}
    with pytest.raises(ValueError, match="unknown identifier 'Scaled'"):
        initializers.deserialize(config)
    restored = initializers.deserialize(config, custom_objects={"Scaled": Scaled})
    np.testing.assert_array_equal(restored((2,)), [3.0, 3.0])

    config = initializers.serialize(halves)
    assert config == {"module": "builtins", "class_name": "function", "config": "halves",
                      "registered_name": "function"}
    with pytest.raises(ValueError, match="custom_objects"):
        initializers.deserialize(config)
    assert initializers.deserialize(config, custom_objects={"halves": halves}) is halves


# --- errors ---------------------------------------------------------------------------------

def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'glorot_unifrom'") as info:
        initializers.get("glorot_unifrom")
    assert "glorot_uniform" in str(info.value) and "he_normal" in str(info.value)


@pytest.mark.parametrize("call, message", [
    (lambda: initializers.get(5), "could not interpret identifier 5"),
    (lambda: initializers.deserialize({"config": {}}), "'class_name'"),
    (lambda: initializers.serialize(GlorotUniform), "instance with get_config"),
    (lambda: VarianceScaling(scale=0.0), r"VarianceScaling: .*`scale`.*scale=0.0"),
    (lambda: VarianceScaling(mode="fan_sum"), r"`mode`.*'fan_in'.*mode='fan_sum'"),
    (lambda: VarianceScaling(distribution="gaussian"), r"`distribution`.*'gaussian'"),
    (lambda: RandomNormal(seed="abc"), r"RandomNormal: .*`seed`.*seed='abc'"),
    (lambda: GlorotUniform(seed=-1), "seed=-1"),
    (lambda: HeNormal(seed=1.5), "seed=1.5"),
    (lambda: Orthogonal()((5,)), "two-dimensional.*rank 1"),
    (lambda: Identity()((2, 2, 2)), "2D.*rank 3"),
    (lambda: GlorotUniform()((None, 3)), r"GlorotUniform: .*shape=\(None, 3\)"),
    (lambda: RandomNormal()((2, 2), dtype="int32"), "float dtype.*'int32'"),
    (lambda: Constant([1.0, 2.0])((3, 3)), r"shape \(2,\) cannot fill .*\(3, 3\)"),
    (lambda: RandomUniform(1.0, 0.0), "minval <= maxval.*minval=1.0 and maxval=0.0"),
])
def test_errors_name_the_argument_and_the_received_value(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# --- PyTorch oracle: same distributions as torch.nn.init --------------------------------------

def test_statistics_match_torch_nn_init():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    torch_shape = (CONV[3], CONV[2], CONV[0], CONV[1])     # torch: (out, in, kh, kw)
    pairs = [
        (GlorotUniform(), torch.nn.init.xavier_uniform_),
        (VarianceScaling(1.0, "fan_avg", "untruncated_normal"), torch.nn.init.xavier_normal_),
        (HeUniform(), lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")),
        (VarianceScaling(2.0, "fan_in", "untruncated_normal"),
         lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu")),
    ]
    for ours, theirs in pairs:
        mine = ours(CONV).astype(np.float64)
        reference = theirs(torch.empty(torch_shape)).numpy().astype(np.float64)
        np.testing.assert_allclose(mine.std(), reference.std(), rtol=0.02)
        if ours.distribution == "uniform":
            np.testing.assert_allclose(np.abs(mine).max(), np.abs(reference).max(), rtol=0.01)

    sigma = 0.1
    mine = TruncatedNormal(stddev=sigma)(DENSE).astype(np.float64)
    reference = torch.nn.init.trunc_normal_(torch.empty(DENSE), std=sigma, a=-2 * sigma,
                                            b=2 * sigma).numpy().astype(np.float64)
    np.testing.assert_allclose(mine.std(), reference.std(), rtol=0.02)
    np.testing.assert_allclose(np.abs(mine).max(), np.abs(reference).max(), rtol=0.01)


def test_fresh_copy_gives_each_sublayer_its_own_draw():
    init = GlorotUniform()
    copy = initializers.fresh_copy(init)
    assert type(copy) is GlorotUniform and copy is not init
    assert not np.array_equal(copy((6, 5)), init((6, 5)))
    seeded = initializers.fresh_copy(GlorotUniform(seed=4))
    np.testing.assert_array_equal(seeded((6, 5)), GlorotUniform(seed=4)((6, 5)))

    def draw(shape, dtype=None):
        return np.zeros(shape)
    assert initializers.fresh_copy(draw) is draw
    attention = keras.layers.MultiHeadAttention(2, 3, kernel_initializer=init)
    x = np.ones((1, 4, 6), np.float32)
    attention(x, x)
    assert not np.array_equal(attention.weights[0].data, attention.weights[2].data)
