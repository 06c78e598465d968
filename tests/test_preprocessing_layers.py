"""CategoryEncoding, Hashing and Discretization: Keras' documented examples, rank rules,
hand-computed hashes and quantiles, errors, config, models and saving.

The `keras_tf` tests compare with Keras 3 itself on TensorFlow (Hashing needs TensorFlow's
hash ops); they skip where TensorFlow is not installed.
"""
import os

import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.autograd import Tensor
from neuronet.models import load_model


@pytest.fixture(scope="module")
def keras_tf():
    """Keras 3 on its TensorFlow backend; skips when TensorFlow is absent."""
    pytest.importorskip("tensorflow")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "tensorflow":
        pytest.skip(f"keras was already imported on {keras.backend.backend()}")
    return keras


def values(output):
    return output.data.tolist()


def round_trip(layer):
    return type(layer).from_config(layer.get_config())


def fit_save_load(model, x, y, path, epochs=40):
    """Train, check that the loss fell, save and load: the loaded model predicts the same."""
    model.compile(optimizer=nn.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, epochs=epochs, batch_size=len(y), verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.2 * losses[0]
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    return loaded


# --- CategoryEncoding ------------------------------------------------------------------------

def test_category_encoding_documented_examples():
    one_hot = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    assert values(one_hot([3, 2, 0, 1])) == [[0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0],
                                             [0, 1, 0, 0]]
    multi_hot = layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    assert values(multi_hot([[0, 1], [0, 0], [1, 2], [3, 1]])) == [
        [1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]
    count = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    out = count([[0, 1], [0, 0], [1, 2], [3, 1]], count_weights=weights)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0],
                                          [0, .2, 0, .4]], rtol=1e-6)


def test_category_encoding_counts_and_the_multi_hot_default():
    assert layers.CategoryEncoding(3).output_mode == "multi_hot"
    count = layers.CategoryEncoding(3, output_mode="count")
    assert values(count([[2, 2, 0], [1, 1, 1]])) == [[1, 0, 2], [0, 3, 0]]
    assert values(layers.CategoryEncoding(3, output_mode="binary")([[2, 2, 0]])) == [[1, 0, 1]]


@pytest.mark.parametrize("mode, ids, expected", [
    # a rank-1 input: one id per row in 'one_hot', one sample in the others
    ("one_hot", [1, 2], [[0, 1, 0], [0, 0, 1]]),
    ("multi_hot", [1, 2], [0, 1, 1]),
    ("count", [1, 1], [0, 2, 0]),
    # a trailing axis of size 1 is replaced in 'one_hot'
    ("one_hot", [[1], [2]], [[0, 1, 0], [0, 0, 1]]),
    ("multi_hot", [[1], [2]], [[0, 1, 0], [0, 0, 1]]),
    # a rank-2 input with more ids per row: 'one_hot' appends an axis
    ("one_hot", [[1, 0]], [[[0, 1, 0], [1, 0, 0]]]),
    ("count", [[1, 0], [2, 2]], [[1, 1, 0], [0, 0, 2]]),
    # a scalar is one id; a single id of rank 1 keeps its axis in 'one_hot'
    ("one_hot", 2, [[0, 0, 1]]),
    ("multi_hot", 2, [0, 0, 1]),
    ("one_hot", [2], [[0, 0, 1]]),
    # beyond rank 2 the last axis holds a sample's ids
    ("multi_hot", [[[0, 0], [1, 2]]], [[[1, 0, 0], [0, 1, 1]]]),
])
def test_category_encoding_rank_rules(mode, ids, expected):
    layer = layers.CategoryEncoding(3, output_mode=mode)
    out = layer(ids)
    assert values(out) == expected
    assert layer.compute_output_shape(np.shape(ids)) == out.shape


def test_category_encoding_symbolic_shapes_and_dtype():
    for mode, shape, expected in [("one_hot", (3,), (None, 3, 5)), ("one_hot", (1,), (None, 5)),
                                  ("multi_hot", (3,), (None, 5)), ("count", (2, 3), (None, 2, 5))]:
        out = layers.CategoryEncoding(5, output_mode=mode)(nn.Input(shape, dtype="int32"))
        assert (out.shape, out.dtype) == (expected, "float32")


def test_category_encoding_accepts_tensors_and_whole_floats():
    layer = layers.CategoryEncoding(4, output_mode="count")
    ids = Tensor(np.array([[1.0, 3.0, 3.0]], dtype=np.float32))
    weights = Tensor(np.array([[2.0, 0.5, 0.25]], dtype=np.float32))
    assert values(layer(ids, count_weights=weights)) == [[0, 2, 0, 0.75]]


def test_category_encoding_output_follows_floatx(float64):
    assert layers.CategoryEncoding(3)([[0, 2]]).dtype == np.float64


@pytest.mark.parametrize("ids, shown", [([[0, 4]], "received the value 4"),
                                        ([[-1, 2]], "received the value -1")])
def test_category_encoding_out_of_range_ids_are_named(ids, shown):
    layer = layers.CategoryEncoding(4, name="encode")
    with pytest.raises(ValueError, match=r"CategoryEncoding 'encode'.*\[0, 4\).*" + shown):
        layer(ids)


def test_category_encoding_call_errors():
    layer = layers.CategoryEncoding(4, output_mode="count")
    with pytest.raises(TypeError, match="not whole numbers"):
        layer([[0.5, 1.0]])
    with pytest.raises(TypeError, match="expected integer inputs.*dtype <U1"):
        layer(["a"])
    with pytest.raises(ValueError, match=r"count_weights.*shape \(1, 2\).*shape \(2,\)"):
        layer([[0, 1]], count_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="'count_weights' is used only with output_mode='count'"):
        layers.CategoryEncoding(4)([[0, 1]], count_weights=[[1.0, 2.0]])


@pytest.mark.parametrize("kwargs, message", [
    ({}, "'num_tokens' must be set"),
    ({"num_tokens": 0}, "num_tokens=0"),
    ({"num_tokens": 2.5}, "num_tokens=2.5"),
    ({"num_tokens": 3, "output_mode": "int"}, "'one_hot', 'multi_hot', 'count'.*output_mode='int'"),
    ({"num_tokens": 3, "sparse": True}, "sparse outputs are not supported"),
])
def test_category_encoding_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.CategoryEncoding(**kwargs)


def test_category_encoding_config_round_trip():
    layer = layers.CategoryEncoding(6, output_mode="one_hot", name="encode")
    config = layer.get_config()
    assert {k: config[k] for k in ("num_tokens", "output_mode", "sparse", "name")} == {
        "num_tokens": 6, "output_mode": "one_hot", "sparse": False, "name": "encode"}
    assert round_trip(layer).get_config() == config


def test_category_encoding_feeds_a_dense_layer_in_a_saved_model(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, (32, 4))
    y = ((x == 1).sum(1) - 0.5 * (x == 3).sum(1))[:, None].astype("float32")
    inputs = nn.Input((4,), dtype="int32")
    outputs = layers.Dense(1)(layers.CategoryEncoding(5, output_mode="count")(inputs))
    loaded = fit_save_load(nn.Model(inputs, outputs), x, y, tmp_path / "model.keras", epochs=80)
    assert isinstance(loaded.layers[1], layers.CategoryEncoding)
    assert loaded.layers[1].get_config()["output_mode"] == "count"


def test_category_encoding_matches_keras(keras_tf):
    rng = np.random.default_rng(1)
    for mode in ("one_hot", "multi_hot", "count"):
        for shape in [(6,), (5, 1), (4, 3)]:
            ids = rng.integers(0, 7, shape)
            ours = layers.CategoryEncoding(7, output_mode=mode)(ids)
            theirs = np.asarray(keras_tf.layers.CategoryEncoding(7, output_mode=mode)(ids))
            assert ours.dtype == theirs.dtype
            np.testing.assert_array_equal(ours.data, theirs)
    ids = rng.integers(0, 7, (4, 3))
    weights = rng.random((4, 3)).astype("float32")
    ours = layers.CategoryEncoding(7, output_mode="count")(ids, count_weights=weights)
    theirs = keras_tf.layers.CategoryEncoding(7, output_mode="count")(ids, count_weights=weights)
    np.testing.assert_allclose(ours.data, np.asarray(theirs), rtol=1e-6)


# --- Hashing ---------------------------------------------------------------------------------

LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]

# TensorFlow's Fingerprint64 of these texts' UTF-8 bytes (as in tests/test_lookup_layers.py)
FARMHASH = {"": 0x9ae16a3b2f90404f, "x": 0xc17efdbaecff6802, "abc": 0x24a5b3a074e7f369,
            "hello": 0xb48be5a931380ce8, "hello world": 0x588fb7478bd6b01b,
            "é": 0x099e89e5ecbb4cc1}
SIPHASH_1_2 = {"": 0x8628af35e1cba77b, "x": 0x4506d5017bb7edc6, "abc": 0xd15ad05b2871319d,
               "hello": 0x290a1607eb437896}


def test_hashing_documented_examples():
    assert values(layers.Hashing(num_bins=3)(LETTERS)) == [[1], [0], [1], [1], [2]]
    masked = layers.Hashing(num_bins=3, mask_value="")
    assert values(masked([["A"], ["B"], [""], ["C"], ["D"]])) == [[1], [1], [0], [2], [2]]
    assert values(layers.Hashing(num_bins=3, salt=[133, 137])(LETTERS)) == [[1], [2], [1], [0],
                                                                            [2]]
    assert values(layers.Hashing(num_bins=3, salt=133)(LETTERS)) == [[0], [0], [2], [1], [0]]


@pytest.mark.parametrize("num_bins", [2, 7, 1000])
def test_hashing_bins_are_tensorflows_hashes_modulo_the_bins(num_bins):
    texts = list(FARMHASH)
    out = layers.Hashing(num_bins)(np.array(texts, dtype=object))
    assert values(out) == [FARMHASH[t] % num_bins for t in texts]
    salted = layers.Hashing(num_bins, salt=[1, 2])(list(SIPHASH_1_2))
    assert values(salted) == [h % num_bins for h in SIPHASH_1_2.values()]
    masked = layers.Hashing(num_bins, mask_value="x")(texts)
    assert values(masked) == [0 if t == "x" else 1 + FARMHASH[t] % (num_bins - 1) for t in texts]


def test_hashing_hashes_integers_and_floats_as_their_decimal_text():
    ints = np.array([[0, 7, -12], [123456789, 5, 7]])
    texts = np.array([[str(v) for v in row] for row in ints.tolist()])
    for kwargs in ({}, {"salt": 99}, {"mask_value": 7}):
        hashing = layers.Hashing(11, **kwargs)
        assert values(hashing(ints)) == values(hashing(texts)) != values(hashing(ints + 1))
    floats = np.array([[0.5, 7.9, -12.7]])                 # truncated to 0, 7, -12
    assert values(layers.Hashing(11)(floats)) == values(layers.Hashing(11)(ints[:1]))


def test_hashing_bytes_and_strings_agree_and_masks_take_bin_zero():
    hashing = layers.Hashing(5, mask_value="")
    words = ["", "naïve", "café", ""]
    assert values(hashing(np.array([w.encode() for w in words]))) == values(hashing(words))
    assert values(hashing(words))[0] == values(hashing(words))[3] == 0
    assert min(values(hashing(["a", "b", "c", "d", "e", "f"]))) >= 1
    assert values(layers.Hashing(1, mask_value="")(["", "a"])) == [0, 0]   # no bin to spare
    masked_zero = layers.Hashing(4, mask_value=np.int64(0))
    assert values(masked_zero(np.array([0, 0, 3])))[:2] == [0, 0]
    assert type(masked_zero.get_config()["mask_value"]) is int


def test_hashing_output_modes_encode_the_bins():
    texts = [["a", "b", "a"], ["c", "d", "e"]]
    ids = layers.Hashing(6)(texts).data
    assert ids.dtype == np.int64 and ids.shape == (2, 3)
    counts = layers.Hashing(6, output_mode="count")(texts)
    assert counts.dtype == np.float32 and counts.shape == (2, 6)
    expected = np.zeros((2, 6))
    for row, bins in enumerate(ids.tolist()):
        for b in bins:
            expected[row, b] += 1
    np.testing.assert_array_equal(counts.data, expected)
    np.testing.assert_array_equal(layers.Hashing(6, output_mode="multi_hot")(texts).data,
                                  np.minimum(expected, 1))
    one_hot = layers.Hashing(6, output_mode="one_hot")
    assert one_hot(texts).shape == (2, 3, 6)
    np.testing.assert_array_equal(one_hot([["a"], ["c"]]).data, np.eye(6)[ids[:, 0]])
    assert layers.Hashing(6, dtype="int32")(texts).dtype == np.int32


def test_hashing_symbolic_shapes_and_dtypes():
    strings = nn.Input((3,), dtype="string")
    assert layers.Hashing(4)(strings).dtype == "int64"
    out = layers.Hashing(4, output_mode="multi_hot")(strings)
    assert (out.shape, out.dtype) == ((None, 4), "float32")
    assert layers.Hashing(4, output_mode="one_hot")(strings).shape == (None, 3, 4)
    assert layers.Hashing(4, output_mode="one_hot").compute_output_shape((None, 1)) == (None, 4)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_bins": 0}, "num_bins=0"),
    ({"num_bins": None}, "num_bins=None"),
    ({"num_bins": 3, "salt": "pepper"}, "salt='pepper'"),
    ({"num_bins": 3, "salt": [1, 2, 3]}, r"salt=\[1, 2, 3\]"),
    ({"num_bins": 3, "mask_value": 0.5}, "mask_value=0.5"),
    ({"num_bins": 3, "output_mode": "tf_idf"}, "'int', 'one_hot'.*output_mode='tf_idf'"),
    ({"num_bins": 3, "dtype": "float32"}, "'int32' or 'int64'.*dtype='float32'"),
    ({"num_bins": 3, "output_mode": "count", "sparse": True}, "sparse outputs"),
])
def test_hashing_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Hashing(**kwargs)


def test_hashing_config_round_trip():
    layer = layers.Hashing(9, mask_value="", salt=5, output_mode="count")
    config = layer.get_config()
    assert (config["num_bins"], config["salt"], config["mask_value"], config["dtype"]) == (
        9, [5, 5], "", "float32")
    copy = round_trip(layer)
    assert copy.get_config() == {**config, "name": copy.name} and copy.salt == [5, 5]
    texts = [["a", "", "q"]]
    np.testing.assert_array_equal(copy(texts).data, layer(texts).data)
    assert round_trip(layers.Hashing(3)).dtype == "int64"


def test_hashing_feeds_an_embedding_in_a_saved_model(tmp_path):
    rng = np.random.default_rng(0)
    words = np.array(["red", "green", "blue", "cyan", "pink"], dtype=object)
    x = words[rng.integers(0, 5, (40, 2))]
    y = (x == "red").sum(1, keepdims=True).astype("float32")
    inputs = nn.Input((2,), dtype="string")
    hashed = layers.Hashing(64, salt=3)(inputs)
    outputs = layers.Dense(1)(layers.Flatten()(layers.Embedding(64, 4)(hashed)))
    fit_save_load(nn.Model(inputs, outputs), x, y, tmp_path / "model.keras")


def test_hashing_matches_keras_for_many_strings_and_integers(keras_tf):
    rng = np.random.default_rng(2)
    alphabet = list("abcXYZ019 _-éü€") + ["日本", "😀"]
    texts = ["", " "] + ["".join(rng.choice(alphabet, n)) for n in rng.integers(1, 140, 300)]
    strings = np.array(texts, dtype=object).reshape(-1, 2)
    ints = np.concatenate([rng.integers(-10**12, 10**12, 150), np.arange(-20, 20),
                           [0, 2**62, -2**63]]).reshape(-1, 1)
    for kwargs in ({"num_bins": 3}, {"num_bins": 1000}, {"num_bins": 17, "salt": 1337},
                   {"num_bins": 17, "salt": [7, 2**40]}, {"num_bins": 8, "mask_value": ""}):
        ours = layers.Hashing(**kwargs)(strings)
        theirs = np.asarray(keras_tf.layers.Hashing(**kwargs)(strings))
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours.data, theirs, err_msg=str(kwargs))
    for kwargs in ({"num_bins": 5}, {"num_bins": 1000, "salt": 9}, {"num_bins": 6,
                                                                    "mask_value": 0}):
        np.testing.assert_array_equal(layers.Hashing(**kwargs)(ints).data,
                                      np.asarray(keras_tf.layers.Hashing(**kwargs)(ints)),
                                      err_msg=str(kwargs))
    for mode in ("one_hot", "multi_hot", "count"):
        ours = layers.Hashing(6, output_mode=mode)(strings)
        theirs = np.asarray(keras_tf.layers.Hashing(6, output_mode=mode)(strings))
        np.testing.assert_array_equal(ours.data, theirs, err_msg=mode)


# --- Discretization --------------------------------------------------------------------------

DOCS_DATA = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])


def test_discretization_documented_examples():
    bounded = layers.Discretization(bin_boundaries=[0., 1., 2.])
    out = bounded(DOCS_DATA)
    assert out.dtype == np.int32 and values(out) == [[0, 2, 3, 1], [1, 3, 2, 1]]
    adapted = layers.Discretization(num_bins=4, epsilon=0.01)
    adapted.adapt(DOCS_DATA)
    np.testing.assert_allclose(adapted.bin_boundaries, [0.0, 0.5, 1.3], rtol=1e-6)
    assert values(adapted(DOCS_DATA)) == [[0, 2, 3, 2], [1, 3, 3, 1]]


def test_discretization_ranges_are_closed_on_the_left():
    layer = layers.Discretization(bin_boundaries=[-1, 0.1, 5])
    x = np.array([-1.0001, -1, 0.09999, 0.1, 4.99, 5, 1e9], dtype=np.float32)
    assert values(layer(x)) == [0, 1, 1, 2, 2, 3, 3]
    assert values(layer(np.array([[-3, 0, 7]]))) == [[0, 1, 3]]            # integers too
    assert values(layers.Discretization(bin_boundaries=[])(x[:2])) == [0, 0]


def test_discretization_adapt_takes_quantiles():
    layer = layers.Discretization(num_bins=5)
    layer.adapt(np.arange(10.0)[::-1])                     # cumulative fractions .1 .. 1
    np.testing.assert_allclose(layer.bin_boundaries, [1.0, 3.0, 5.0, 7.0], rtol=1e-6)
    assert layers.Discretization(num_bins=2).bin_boundaries is None
    two = layers.Discretization(num_bins=2)
    two.adapt(np.arange(10.0).reshape(5, 2))
    assert two.bin_boundaries == [4.0]
    # 1000 values: each batch is summarized by every 10th value (weight 10)
    big = layers.Discretization(num_bins=4, epsilon=0.01)
    big.adapt(np.arange(1000.0))
    np.testing.assert_allclose(big.bin_boundaries, [249, 499, 749], rtol=1e-6)


def test_discretization_adapt_reads_batches_and_steps():
    batches = [np.array([3.0, 0.0]), np.array([[1.0], [2.0]]), np.array([100.0])]
    layer = layers.Discretization(num_bins=2)
    layer.adapt(iter(batches))
    whole = layers.Discretization(num_bins=2)
    whole.adapt(np.array([3.0, 0.0, 1.0, 2.0, 100.0]))    # fraction .5 is between 1 and 2
    assert layer.bin_boundaries == whole.bin_boundaries
    np.testing.assert_allclose(layer.bin_boundaries, [1.5], rtol=1e-6)
    layer.adapt(iter(batches), steps=2)                    # the 100 is not read
    assert layer.bin_boundaries == [1.0]
    layer.adapt(Tensor(np.array([5.0, 6.0, 7.0, 8.0])))
    assert layer.bin_boundaries == [6.0]


def test_discretization_output_modes_and_shapes():
    x = np.array([[0.5, 1.5, 1.7], [-1.0, 9.0, 9.0]])
    kwargs = {"bin_boundaries": [0.0, 1.0, 2.0]}
    counts = layers.Discretization(output_mode="count", **kwargs)(x)
    assert counts.dtype == np.float32 and values(counts) == [[0, 1, 2, 0], [1, 0, 0, 2]]
    assert values(layers.Discretization(output_mode="multi_hot", **kwargs)(x)) == [
        [0, 1, 1, 0], [1, 0, 0, 1]]
    one_hot = layers.Discretization(output_mode="one_hot", **kwargs)
    assert one_hot(x).shape == (2, 3, 4)
    assert values(one_hot(x[:, :1])) == [[0, 1, 0, 0], [1, 0, 0, 0]]
    before_adapt = layers.Discretization(num_bins=3, output_mode="multi_hot")
    assert before_adapt.compute_output_shape((None, 5)) == (None, 3)
    out = layers.Discretization(**kwargs)(nn.Input((5,)))
    assert (out.shape, out.dtype) == ((None, 5), "int32")
    out = layers.Discretization(output_mode="one_hot", **kwargs)(nn.Input((5,)))
    assert (out.shape, out.dtype) == ((None, 5, 4), "float32")


@pytest.mark.parametrize("kwargs, message", [
    ({}, "received neither"),
    ({"bin_boundaries": [1.0], "num_bins": 2}, "not both"),
    ({"bin_boundaries": [1.0, 0.0]}, r"increasing order.*bin_boundaries=\[1.0, 0.0\]"),
    ({"bin_boundaries": [[0.0, 1.0]]}, "increasing order"),
    ({"num_bins": 0}, "num_bins=0"),
    ({"num_bins": 2, "epsilon": 0}, "epsilon=0"),
    ({"num_bins": 2, "output_mode": "tf_idf"}, "'int', 'one_hot'.*output_mode='tf_idf'"),
    ({"num_bins": 2, "output_mode": "count", "sparse": True}, "sparse outputs"),
])
def test_discretization_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Discretization(**kwargs)


def test_discretization_call_and_adapt_errors():
    with pytest.raises(ValueError, match="'bins' has no bin boundaries yet.*adapt"):
        layers.Discretization(num_bins=3, name="bins")([1.0])
    with pytest.raises(ValueError, match="adapt\\(\\) applies only.*'num_bins'"):
        layers.Discretization(bin_boundaries=[0.0]).adapt([1.0])
    with pytest.raises(ValueError, match="NaN or inf"):
        layers.Discretization(num_bins=3).adapt(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="received no values"):
        layers.Discretization(num_bins=3).adapt(np.zeros((0,)))
    with pytest.raises(TypeError, match="expected numbers"):
        layers.Discretization(bin_boundaries=[0.0])(["a"])


def test_discretization_config_round_trip_keeps_adapted_boundaries():
    layer = layers.Discretization(num_bins=3, epsilon=0.05, output_mode="count")
    layer.adapt(np.arange(9.0))
    config = layer.get_config()
    assert (config["num_bins"], config["epsilon"]) == (3, 0.05)
    np.testing.assert_allclose(config["bin_boundaries"], [2.0, 5.0], rtol=1e-6)
    copy = round_trip(layer)
    assert copy.get_config() == config
    np.testing.assert_array_equal(copy([[1.0, 4.0, 7.0]]).data, [[1, 1, 1]])
    fixed = layers.Discretization(bin_boundaries=[0.5])
    assert round_trip(fixed).get_config() == fixed.get_config()


def test_discretization_config_has_the_keys_keras_takes(real_keras):
    layer = layers.Discretization(bin_boundaries=[0.0, 1.5])
    theirs = real_keras.layers.Discretization.from_config(layer.get_config())
    assert set(layer.get_config()) == set(theirs.get_config())
    np.testing.assert_array_equal(np.asarray(theirs(np.array([[-1.0, 0.5, 2.0]]))),
                                  layer(np.array([[-1.0, 0.5, 2.0]])).data)


def test_adapted_discretization_in_a_saved_model(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x > 0.4).sum(1, keepdims=True).astype("float32")
    discretize = layers.Discretization(num_bins=4, output_mode="one_hot")
    discretize.adapt(x)
    inputs = nn.Input((3,))
    outputs = layers.Dense(1)(layers.Flatten()(discretize(inputs)))
    loaded = fit_save_load(nn.Model(inputs, outputs), x, y, tmp_path / "model.keras")
    assert loaded.layers[1].bin_boundaries == discretize.bin_boundaries


def test_discretization_matches_keras(keras_tf):
    rng = np.random.default_rng(3)
    cases = [(rng.normal(size=(50, 2)), 4, 0.01), (rng.normal(size=(600,)), 7, 0.01),
             (rng.exponential(size=(3000, 3)), 10, 0.05), (rng.integers(0, 5, (200,)), 3, 0.1)]
    for data, num_bins, epsilon in cases:
        ours = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        theirs = keras_tf.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        ours.adapt(data)
        theirs.adapt(data)
        assert ours.bin_boundaries == theirs.bin_boundaries
        probe = np.concatenate([data.ravel()[:40], theirs.bin_boundaries]).astype("float32")
        np.testing.assert_array_equal(ours(probe).data, np.asarray(theirs(probe)))
    batches = [rng.normal(size=(400,)) for _ in range(3)]          # summaries merged
    ours, theirs = (module.Discretization(num_bins=5) for module in (layers, keras_tf.layers))
    ours.adapt(iter(batches))
    theirs.adapt(iter(batches))
    assert ours.bin_boundaries == theirs.bin_boundaries
    x = rng.normal(size=(4, 3)).astype("float32")
    for mode in ("one_hot", "multi_hot", "count"):
        np.testing.assert_array_equal(
            layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode=mode)(x).data,
            np.asarray(keras_tf.layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5],
                                                      output_mode=mode)(x)), err_msg=mode)
