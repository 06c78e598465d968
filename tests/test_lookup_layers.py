"""StringLookup and IntegerLookup: vocabulary, index layout, output modes, errors, config.

Hand-checked tables: the expected values are those Keras 3.15 (TensorFlow backend) gives for
the same calls. The `keras_layers` tests compare with Keras itself where its lookup layers
can run (they need TensorFlow); they skip otherwise.
"""
import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.autograd import Tensor
from neuronet.layers.string_hashing import farmhash64, siphash24

CORPUS = [["a", "b"], ["b", "c"], ["d", "b"]]          # b: 3, then a, c, d: 1 each


@pytest.fixture
def keras_layers(real_keras):
    """Keras 3's layers, when its lookup layers can run here (they need TensorFlow)."""
    try:
        real_keras.layers.StringLookup(vocabulary=["a"])
    except ImportError as error:
        pytest.skip(f"Keras' lookup layers cannot run here: {error}")
    return real_keras.layers


def values(tensor):
    return tensor.data.tolist()


# --- vocabulary and index layout -----------------------------------------------------------------

def test_adapt_orders_by_count_then_token_highest_first():
    lookup = layers.StringLookup()
    lookup.adapt(CORPUS)
    assert lookup.get_vocabulary() == ["[UNK]", "b", "d", "c", "a"]
    assert lookup.vocabulary_size() == 5
    assert values(lookup(["a", "z", "b"])) == [4, 0, 1]

    integers = layers.IntegerLookup()
    integers.adapt(np.array([[5, 5, 3], [7, -1, 0]]))          # -1 (the OOV token) is left out
    assert integers.get_vocabulary() == [-1, 5, 7, 3, 0]


def test_ties_compare_code_points_as_keras_compares_utf8_bytes():
    lookup = layers.StringLookup()
    lookup.adapt(["Z", "a", "é", "ab", "Ä"])
    assert lookup.get_vocabulary(include_special_tokens=False) == ["é", "Ä", "ab", "a", "Z"]


def test_index_layout_with_mask_and_several_oov_indices():
    lookup = layers.StringLookup(mask_token="<m>", num_oov_indices=2, max_tokens=5)
    lookup.adapt([["a", "a", "b", "c", "<m>", "[UNK]", "[UNK]"]])   # special tokens not counted
    assert lookup.get_vocabulary() == ["<m>", "[UNK]", "[UNK]", "a", "c"]  # cut at 5 indices
    assert lookup.get_vocabulary(include_special_tokens=False) == ["a", "c"]
    assert lookup.vocabulary_size() == 5
    assert values(lookup(["<m>", "a", "c"])) == [0, 3, 4]

    encoder = layers.StringLookup(mask_token="<m>", num_oov_indices=2, output_mode="multi_hot")
    encoder.adapt([["a", "a", "b", "c", "<m>"]])               # no mask index outside 'int'
    assert encoder.get_vocabulary() == ["[UNK]", "[UNK]", "a", "c", "b"]


@pytest.mark.parametrize("vocabulary, num_oov_indices, expected", [
    (["a", "b"], 1, ["[UNK]", "a", "b"]),
    (["[UNK]", "a", "b"], 1, ["[UNK]", "a", "b"]),           # given with its special token
    (["a", "[UNK]"], 1, ["[UNK]", "a", "[UNK]"]),            # an ordinary token when not inverting
    (["[UNK]", "a"], 2, ["[UNK]", "[UNK]", "[UNK]", "a"]),   # not the special prefix of 2 OOVs
    (["a"], 0, ["a"]),
])
def test_given_vocabulary_with_or_without_special_tokens(vocabulary, num_oov_indices, expected):
    lookup = layers.StringLookup(vocabulary=vocabulary, num_oov_indices=num_oov_indices)
    assert lookup.get_vocabulary() == expected


def test_integer_vocabulary_may_start_with_its_special_tokens():
    assert layers.IntegerLookup(vocabulary=[-1, 3]).get_vocabulary() == [-1, 3]
    lookup = layers.IntegerLookup(vocabulary=[0, -1, 7, 9], mask_token=0)
    assert lookup.get_vocabulary() == [0, -1, 7, 9]
    assert values(lookup(np.array([[0, 7, 9, 8]]))) == [[0, 2, 3, 1]]


def test_set_vocabulary_replaces_and_adapt_after_it_works():
    lookup = layers.StringLookup()
    lookup.adapt(["a"])
    lookup.set_vocabulary(["q", "r"])
    assert values(lookup(["r", "a"])) == [2, 0]
    lookup.adapt(["z"])
    assert lookup.get_vocabulary() == ["[UNK]", "z"]


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("the\ncat\nsat\n", encoding="utf-8")
    assert layers.StringLookup(vocabulary=str(path)).get_vocabulary() == ["[UNK]", "the", "cat",
                                                                          "sat"]
    path.write_text("12\n36\n", encoding="utf-8")
    assert values(layers.IntegerLookup(vocabulary=path)(np.array([36, 5]))) == [2, 0]
    with pytest.raises(ValueError, match="does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


# --- out-of-vocabulary tokens --------------------------------------------------------------------

# texts of every length branch of the hashes
HASHED = ["", "x", "abc", "abcd", "hello", "hello world", "sixteen chars ok", "seventeen chars!!",
          "a" * 32, "b" * 33, "ab" * 32, "c" * 65, "é", "naïve café " * 12]
# TensorFlow's Fingerprint64 and SipHash-2-4 (key (1, 2)) of those texts' UTF-8 bytes.
FARMHASH = [0x9ae16a3b2f90404f, 0xc17efdbaecff6802, 0x24a5b3a074e7f369, 0x1a5502de4a1f8101,
            0xb48be5a931380ce8, 0x588fb7478bd6b01b, 0x5db26ce69f40408f, 0x73c4f106886dcef8,
            0xea7212800ebad118, 0x1c3e674e34ccd826, 0x17ab66e52f679116, 0xdd4210faa0b6c0a1,
            0x099e89e5ecbb4cc1, 0x6ddfc17d1922af5e]
SIPHASH = [0x8628af35e1cba77b, 0x4506d5017bb7edc6, 0xd15ad05b2871319d, 0xfb5c291d5c62fcd3,
           0x290a1607eb437896, 0x8e16d5ee42d3e686, 0x6a0655e9f30cd989, 0x518e92a72412bb8b,
           0x56209514aa75db01, 0x0b7f14163f125417, 0xd09b3df36125ce60, 0xb0d706e8162a2bd5,
           0x379b9d3f9c8f11ff, 0x679eb6348aa21852]


def test_hashes_match_tensorflows():
    assert [farmhash64(t.encode()) for t in HASHED] == FARMHASH
    assert [siphash24((1, 2), t.encode()) for t in HASHED] == SIPHASH


def test_several_oov_indices_hash_strings():
    lookup = layers.StringLookup(vocabulary=["a"], num_oov_indices=3)
    tokens = ["x", "hello world", "", "ab" * 20, "c" * 70, "é", "a"]
    assert values(lookup(tokens)) == [2, 0, 2, 2, 2, 1, 3]
    salted = layers.StringLookup(vocabulary=["a"], num_oov_indices=3, salt=[1, 2])
    assert values(salted(["x", "y", "zz", "a"])) == [1, 1, 1, 3]
    masked = layers.StringLookup(vocabulary=["a"], num_oov_indices=3, mask_token="")
    assert values(masked(["x", "", "a"])) == [3, 0, 4]          # the OOV indices start at 1


def test_several_oov_indices_for_integers():
    data = np.array([1, 2, 3, 4, -7, 5])
    assert values(layers.IntegerLookup(vocabulary=[5], num_oov_indices=3)(data)) == [1, 2, 0, 1,
                                                                                    2, 3]
    farm = layers.IntegerLookup(vocabulary=[5], num_oov_indices=3, oov_method="farmhash")
    assert values(farm(np.array([1, 2, 3, 4, -7, 5, 123456789]))) == [0, 1, 0, 2, 2, 3, 2]
    salted = layers.IntegerLookup(vocabulary=[5], num_oov_indices=3, oov_method="farmhash",
                                  salt=7)
    assert values(salted(data)) == [0, 0, 0, 0, 0, 3]


def test_no_oov_index_refuses_unknown_tokens():
    lookup = layers.StringLookup(vocabulary=["a"], num_oov_indices=0)
    assert lookup.get_vocabulary() == ["a"]
    assert values(lookup(["a", "a"])) == [0, 0]
    with pytest.raises(ValueError, match=r"num_oov_indices=0.*\['b'\]"):
        lookup(["a", "b"])


# --- output modes --------------------------------------------------------------------------------

IDF_B, IDF_A = np.log(1 + 3 / 4), np.log(1 + 3 / 2)   # 3 documents; b in all, a, c, d in one
IDF_OOV = (IDF_B + 3 * IDF_A) / 4                       # the average of the learned weights


@pytest.mark.parametrize("mode, inputs, expected", [
    ("int", ["a", "z", "b"], [4, 0, 1]),
    ("one_hot", ["a", "z"], [[0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]),
    ("one_hot", [["a"], ["z"]], [[0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]),   # the axis of 1 replaced
    ("one_hot", [["a", "b"]], [[[0, 0, 0, 0, 1], [0, 1, 0, 0, 0]]]),
    ("multi_hot", ["a", "z", "b"], [1, 1, 0, 0, 1]),                     # 1-D: one sample
    ("multi_hot", [["a", "z"], ["b", "b"]], [[1, 0, 0, 0, 1], [0, 1, 0, 0, 0]]),
    ("count", [["a", "z"], ["b", "b"]], [[1, 0, 0, 0, 1], [0, 2, 0, 0, 0]]),
    ("count", [["a"], ["z"]], [[0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]),
    ("tf_idf", [["a", "z"], ["b", "b"]], [[IDF_OOV, 0, 0, 0, IDF_A], [0, 2 * IDF_B, 0, 0, 0]]),
])
def test_output_modes(mode, inputs, expected):
    lookup = layers.StringLookup(output_mode=mode)
    lookup.adapt(CORPUS)
    out = lookup(np.array(inputs))
    assert out.dtype == (np.int64 if mode == "int" else np.float32)
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert not out.requires_grad


def test_mask_token_in_each_mode():
    expected = {"int": [[2, 0], [0, 1]],
                "one_hot": [[[0, 1, 0], [0, 0, 0]], [[0, 0, 0], [1, 0, 0]]],
                "multi_hot": [[0, 1, 0], [1, 0, 0]], "count": [[0, 1, 0], [1, 0, 0]]}
    for mode, want in expected.items():
        lookup = layers.StringLookup(vocabulary=["a", "b"], mask_token="", output_mode=mode)
        assert values(lookup([["a", ""], ["", "z"]])) == want, mode
    counts = layers.IntegerLookup(output_mode="count", mask_token=0)
    counts.adapt(np.array([[5, 5, 3]]))
    assert values(counts(np.array([[0, 5, 5, 4]]))) == [[1, 2, 0]]


def test_pad_to_max_tokens():
    lookup = layers.StringLookup(max_tokens=6, pad_to_max_tokens=True, output_mode="count")
    lookup.adapt(CORPUS)
    assert values(lookup([["b", "b", "q"]])) == [[1, 2, 0, 0, 0, 0]]
    assert lookup.compute_output_shape((None, 3)) == (None, 6)


def test_tf_idf_weights_of_adapt_and_of_set_vocabulary():
    columns = layers.StringLookup(output_mode="tf_idf")
    columns.adapt(np.array(["a", "b", "a"]))                  # 1-D: one document per token
    np.testing.assert_allclose(columns.get_config()["idf_weights"],
                               [0.804719, np.log(2), np.log(2.5)], rtol=1e-6)

    given = layers.StringLookup(output_mode="tf_idf", vocabulary=["a", "b"],
                                idf_weights=[0.5, 2.0])       # OOV weight: their average
    np.testing.assert_allclose(given([["a", "b", "b", "z"]]).data, [[1.25, 0.5, 4.0]])

    padded = layers.StringLookup(output_mode="tf_idf", vocabulary=["[UNK]", "a", "b"],
                                 idf_weights=[0.1, 0.5, 2.0], max_tokens=5, pad_to_max_tokens=True)
    np.testing.assert_allclose(padded([["z", "b"]]).data, [[0.1, 0, 2.0, 0, 0]], rtol=1e-6)


def test_tf_idf_documents_of_a_dataset_are_its_batches():
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(iter([np.array(["a", "b"]), np.array(["a", "c"])]))    # two documents
    assert lookup.get_vocabulary() == ["[UNK]", "a", "c", "b"]
    np.testing.assert_allclose(lookup.get_config()["idf_weights"],
                               [0.632373, np.log(1 + 2 / 3), np.log(2), np.log(2)], rtol=1e-6)


@pytest.mark.parametrize("mode, shape, expected", [
    ("int", (None, 3), (None, 3)), ("one_hot", (None, 1), (None, 4)),
    ("one_hot", (None, 3), (None, 3, 4)), ("multi_hot", (None, 3), (None, 4)),
    ("count", (None, 2, 3), (None, 2, 4)), ("tf_idf", (None, 3), (None, 4)),
])
def test_compute_output_shape_and_symbolic_dtype(mode, shape, expected):
    idf = [1.0, 1.0, 1.0] if mode == "tf_idf" else None
    lookup = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode, idf_weights=idf)
    assert lookup.compute_output_shape(shape) == expected
    out = lookup(nn.Input(shape[1:], dtype="string"))
    assert out.shape == expected
    assert out.dtype == ("int64" if mode == "int" else "float32")


# --- invert --------------------------------------------------------------------------------------

def test_invert_maps_indices_back():
    lookup = layers.StringLookup(vocabulary=["a", "b"], mask_token="<m>", invert=True,
                                 num_oov_indices=2)
    assert values(lookup(np.array([[0, 1, 2, 3, 4, 5, -1]]))) == [
        ["<m>", "[UNK]", "[UNK]", "a", "b", "[UNK]", "[UNK]"]]
    integers = layers.IntegerLookup(vocabulary=[7, 9], invert=True, mask_token=0)
    assert integers.get_vocabulary() == [0, -1, 7, 9]
    assert values(integers(np.array([[0, 1, 2, 3, 4]]))) == [[0, -1, 7, 9, -1]]


def test_forward_then_inverse_lookup_round_trips():
    forward = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    inverse = layers.IntegerLookup(vocabulary=forward.get_vocabulary(), invert=True)
    assert values(inverse(forward(np.array([[12, 1138, 42], [42, 1000, 36]])))) == [
        [12, 1138, 42], [42, -1, 36]]
    strings = layers.StringLookup(vocabulary=["x", "y"], invert=True)
    assert strings(nn.Input((2,), dtype="int64")).dtype == "string"


# --- inputs --------------------------------------------------------------------------------------

def test_inputs_as_list_array_bytes_tensor_and_scalar():
    lookup = layers.StringLookup(vocabulary=["a", "b"])
    for inputs in (["a", "z"], np.array(["a", "z"]), np.array([b"a", b"z"]),
                   np.array(["a", "z"], dtype=object), Tensor(np.array(["a", "z"], object))):
        assert values(lookup(inputs)) == [1, 0]
    assert values(lookup("b")) == 2
    assert values(layers.IntegerLookup(vocabulary=[5, 9])(np.array([5.0, 9.0]))) == [1, 2]


# --- adapt on data sets --------------------------------------------------------------------------

def test_adapt_on_dataset_generator_and_steps():
    dataset = nn.preprocessing.dataset
    lookup = layers.StringLookup()
    lookup.adapt((np.array(batch) for batch in [["a", "b"], ["b"], ["c", "c", "c"]]), steps=2)
    assert lookup.get_vocabulary() == ["[UNK]", "b", "a"]

    class Batches(dataset.Dataset):
        def __iter__(self):
            return iter([(np.array(["x", "y"]), np.array([0, 1])),
                         (np.array(["y"]), np.array([1]))])

        def cardinality(self):
            return 2

    with pytest.raises(ValueError, match=r"map\(lambda x, y: x\)"):
        lookup.adapt(Batches())
    lookup.adapt(Batches().map(lambda x, y: x))
    assert lookup.get_vocabulary() == ["[UNK]", "y", "x"]
    mapped = Batches().map(lambda x, y: (lookup(x), y))
    assert [batch[0].tolist() for batch in mapped] == [[2, 1], [1]]


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"output_mode": "bag"}, r"output_mode.*'int', 'one_hot', 'multi_hot', 'count', 'tf_idf'"),
    ({"sparse": True}, r"'sparse' must be False"),
    ({"invert": True, "output_mode": "multi_hot"}, r"invert=True needs output_mode='int'"),
    ({"vocabulary": ["a"], "idf_weights": [1.0]}, r"'idf_weights' is used only with"),
    ({"pad_to_max_tokens": True, "output_mode": "count"}, r"pad_to_max_tokens=True needs"),
    ({"max_tokens": 1}, r"max_tokens=1"),
    ({"num_oov_indices": -1}, r"num_oov_indices=-1"),
    ({"output_mode": "tf_idf", "vocabulary": ["a"]}, r"needs its 'idf_weights'"),
    ({"vocabulary": ["a", "b", "a"]}, r"repeated tokens \['a'\]"),
    ({"vocabulary": ["a", ""], "mask_token": ""}, r"reserved mask_token ''"),
    ({"vocabulary": ["a", "[UNK]"], "invert": True}, r"reserved oov_token '\[UNK\]'"),
    ({"vocabulary": ["a", "b"], "max_tokens": 2}, r"3 indices .* max_tokens=2"),
    ({"vocabulary": []}, r"empty vocabulary"),
    ({"output_mode": "tf_idf", "vocabulary": ["a", "b"], "idf_weights": [1.0]},
     r"one idf weight per vocabulary token \(2\)"),
    ({"salt": "x"}, r"salt='x'"),
    ({"oov_method": "md5"}, r"oov_method.*'floormod', 'farmhash'"),
])
def test_string_lookup_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.StringLookup(**kwargs)


def test_integer_lookup_argument_errors():
    with pytest.raises(ValueError, match="vocabulary_dtype='int32'"):
        layers.IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(ValueError, match="'salt' needs oov_method='farmhash'"):
        layers.IntegerLookup(salt=3)
    with pytest.raises(ValueError, match="reserved mask_token 0"):
        layers.IntegerLookup(vocabulary=[0, 3], mask_token=0)
    with pytest.raises(TypeError, match="expected integers"):
        layers.IntegerLookup(vocabulary=[1])(np.array(["a"]))
    with pytest.raises(TypeError, match="not whole numbers"):
        layers.IntegerLookup(vocabulary=[1])(np.array([1.5]))
    with pytest.raises(TypeError, match="expected strings"):
        layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))


@pytest.mark.parametrize("mode", ["int", "multi_hot"])
def test_calling_without_vocabulary_raises(mode):
    with pytest.raises(RuntimeError, match="has no vocabulary yet"):
        layers.StringLookup(output_mode=mode)(["a"])


def test_adapt_refused_after_a_vocabulary_argument_and_depth_is_fixed():
    with pytest.raises(ValueError, match="cannot adapt a layer given a fixed 'vocabulary'"):
        layers.StringLookup(vocabulary=["a"]).adapt(["b"])
    lookup = layers.StringLookup(output_mode="multi_hot")
    lookup.adapt(["a"])
    with pytest.raises(RuntimeError, match="cannot change once set: it was 2, the new vocabulary "
                                           "has 3"):
        lookup.set_vocabulary(["a", "b"])
    with pytest.raises(ValueError, match="'idf_weights' must be given with output_mode='tf_idf'"):
        lookup.set_vocabulary(["a"], idf_weights=[1.0])


# --- config and models ---------------------------------------------------------------------------

def round_trip(layer):
    return type(layer).from_config(layer.get_config())


def test_config_round_trip_of_given_and_adapted_vocabularies():
    probe = [["a", "b", "z"], ["d", "d", ""]]
    given = layers.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=2)
    assert values(round_trip(given)(probe)) == values(given(probe))

    for mode in ("int", "count", "tf_idf"):
        adapted = layers.StringLookup(output_mode=mode, max_tokens=6, pad_to_max_tokens=True)
        adapted.adapt(CORPUS)
        copy = round_trip(adapted)
        assert copy.get_config() == adapted.get_config()
        np.testing.assert_array_equal(copy(probe).data, adapted(probe).data)
        copy.adapt(["q"])                      # an adapted vocabulary stays adaptable
        assert copy.get_vocabulary() == ["[UNK]", "q"]

    integers = layers.IntegerLookup(vocabulary=[4, 8], invert=True, mask_token=0)
    assert values(round_trip(integers)(np.array([0, 1, 2, 3]))) == [0, -1, 4, 8]
    with pytest.raises(ValueError, match="cannot adapt"):
        round_trip(given).adapt(["x"])


def test_keras_weights_and_assets_layout(tmp_path):
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(CORPUS)
    store = {}
    lookup.save_own_variables(store)
    assert list(store) == ["idf_weights"]
    (tmp_path / "vocabulary.txt").write_text("\n".join(lookup.get_vocabulary()))
    config = {**lookup.get_config(), "vocabulary": None, "idf_weights": None}
    loaded = layers.StringLookup.from_config(config)        # as from a file Keras wrote
    loaded.load_own_variables(store)
    loaded.load_assets(str(tmp_path))
    np.testing.assert_array_equal(loaded([["a", "b", "q"]]).data, lookup([["a", "b", "q"]]).data)


def test_lookup_in_models_and_training():
    lookup = layers.StringLookup(vocabulary=["good", "bad", "fine"], output_mode="multi_hot")
    inputs = nn.Input((2,), dtype="string")
    model = nn.Model(inputs, layers.Dense(1, activation="sigmoid")(lookup(inputs)))
    model.compile(optimizer=nn.optimizers.Adam(0.1), loss="binary_crossentropy")
    x = np.array([["good", "fine"], ["bad", "bad"], ["good", "good"], ["bad", "fine"]] * 2)
    y = np.array([1, 0, 1, 0] * 2, dtype="float32")
    history = model.fit(x, y, epochs=15, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    prediction = model.predict(np.array([["good", "good"], ["bad", "bad"]]), verbose=0)
    assert prediction[0, 0] > 0.5 > prediction[1, 0]

    integers = nn.Sequential([nn.Input((3,), dtype="int64"),
                              layers.IntegerLookup(vocabulary=[3, 5, 7], output_mode="count"),
                              layers.Dense(2)])
    assert integers.predict(np.array([[3, 5, 9]]), verbose=0).shape == (1, 2)
    assert integers.layers[0].output.shape == (None, 4)


# --- against Keras itself ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
def test_string_lookup_matches_keras(keras_layers, mode):
    corpus = np.array([["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"],
                       ["the", "end", "<m>"]])
    probe = np.array([["the", "cow", "<m>"], ["cat", "cat", "a"]])
    for kwargs in ({}, {"mask_token": "<m>", "num_oov_indices": 3},
                   {"max_tokens": 8, "pad_to_max_tokens": mode != "int"}):
        ours = layers.StringLookup(output_mode=mode, **kwargs)
        theirs = keras_layers.StringLookup(output_mode=mode, **kwargs)
        ours.adapt(corpus)
        theirs.adapt(corpus)
        assert ours.get_vocabulary() == [str(t) for t in theirs.get_vocabulary()]
        np.testing.assert_allclose(ours(probe).data, np.asarray(theirs(probe)), rtol=1e-6)
        assert set(ours.get_config()) - {"has_input_vocabulary"} == set(theirs.get_config())


def test_integer_lookup_matches_keras(keras_layers):
    corpus = np.array([[4, 4, 9], [2, 9, 0], [7, 7, 7]])
    probe = np.array([[4, 5, 0], [13, 7, -3]])
    for kwargs in ({}, {"mask_token": 0, "num_oov_indices": 2},
                   {"num_oov_indices": 3, "oov_method": "farmhash"}):
        ours, theirs = layers.IntegerLookup(**kwargs), keras_layers.IntegerLookup(**kwargs)
        ours.adapt(corpus)
        theirs.adapt(corpus)
        assert ours.get_vocabulary() == [int(t) for t in theirs.get_vocabulary()]
        np.testing.assert_array_equal(ours(probe).data, np.asarray(theirs(probe)))
        assert set(ours.get_config()) - {"has_input_vocabulary"} == set(theirs.get_config())
