"""TextVectorization: standardize, split, ngrams, output modes, adapt sources, models, config.

Hand-checked tables: the expected values are those Keras 3.15 (TensorFlow backend) gives for
the same calls. The `keras_layers` tests compare with Keras itself where its
TextVectorization can run (it needs TensorFlow); they skip otherwise.
"""
import json
import string
import zipfile

import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.models import load_model

CORPUS = ["The quick brown fox.", "the lazy dog!", "Quick, quick: the fox"]
# counts after standardizing: the 3, quick 3, fox 2, then brown, dog, lazy 1 each


@pytest.fixture
def keras_layers(real_keras):
    """Keras 3's layers, when its TextVectorization can run here (it needs TensorFlow)."""
    try:
        real_keras.layers.TextVectorization()
    except ImportError as error:
        pytest.skip(f"Keras' TextVectorization cannot run here: {error}")
    return real_keras.layers


def adapted(**kwargs):
    layer = layers.TextVectorization(**kwargs)
    layer.adapt(CORPUS)
    return layer


def values(tensor):
    return tensor.data.tolist()


# --- standardize and split -----------------------------------------------------------------------

def test_default_vocabulary_and_padding_to_the_longest_text():
    layer = adapted()
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "quick", "fox", "lazy", "dog", "brown"]
    assert layer.vocabulary_size() == 8
    out = layer(["The FOX, the cat!", "dog"])
    assert out.dtype == np.int64
    assert values(out) == [[2, 4, 2, 1], [6, 0, 0, 0]]


def test_lower_is_ascii_only_and_whitespace_is_ascii_only():
    layer = layers.TextVectorization()
    layer.adapt(["The cat, the DOG!", "a dog\xa0x Ärger"])
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "Ärger", "dog\xa0x", "dog", "cat", "a"]


def test_strip_punctuation_removes_exactly_the_ascii_punctuation():
    text = "a" + string.punctuation + "b «»—…¿ c"
    layer = layers.TextVectorization(standardize="strip_punctuation", split=None)
    layer.adapt([text])
    assert layer.get_vocabulary(include_special_tokens=False) == ["ab «»—…¿ c"]


@pytest.mark.parametrize("standardize, expected", [
    (None, ["the", "quick:", "quick", "lazy", "fox.", "fox", "dog!", "brown", "The", "Quick,"]),
    ("lower", ["the", "quick:", "quick,", "quick", "lazy", "fox.", "fox", "dog!", "brown"]),
    ("strip_punctuation", ["the", "quick", "fox", "lazy", "dog", "brown", "The", "Quick"]),
    (lambda texts: np.char.replace(texts, "o", "0"),
     ["the", "quick:", "quick", "lazy", "f0x.", "f0x", "d0g!", "br0wn", "The", "Quick,"]),
])
def test_standardize_options(standardize, expected):
    assert adapted(standardize=standardize).get_vocabulary()[2:] == expected


def test_split_options():
    characters = adapted(split="character", max_tokens=6)
    assert characters.get_vocabulary() == ["", "[UNK]", " ", "o", "u", "t"]
    assert values(characters(["fox", "é ab"])) == [[1, 3, 1, 0], [1, 2, 1, 1]]

    commas = layers.TextVectorization(standardize=None,
                                      split=lambda texts: [t.split(",") for t in texts])
    commas.adapt(["a,b,c", "b,c"])
    assert commas.get_vocabulary() == ["", "[UNK]", "c", "b", "a"]

    whole = adapted(split=None, standardize=None)
    assert whole.get_vocabulary()[2:] == ["the lazy dog!", "The quick brown fox.",
                                          "Quick, quick: the fox"]
    assert values(whole(["the lazy dog!", "x"])) == [2, 1]          # a 1-D batch is one row
    assert values(whole([["the lazy dog!"], ["x"]])) == [[2], [1]]


@pytest.mark.parametrize("ngrams, vocabulary_start, expected", [
    (2, ["the", "quick", "fox", "the quick", "the lazy"], [[2, 3, 15, 5, 10], [4, 0, 0, 0, 0]]),
    ((1, 3), ["the", "quick", "fox", "the quick brown"], [[2, 3, 12, 5], [4, 0, 0, 0]]),
    ((2,), ["the quick", "the lazy", "the fox", "quick the"], [[2, 7], [0, 0]]),
])
def test_ngrams(ngrams, vocabulary_start, expected):
    layer = adapted(ngrams=ngrams)
    assert layer.get_vocabulary()[2:2 + len(vocabulary_start)] == vocabulary_start
    assert values(layer(["the quick brown", "fox"])) == expected


def test_ngram_widths_in_the_given_order():
    assert values(adapted(ngrams=(3, 1))(["the quick brown fox"])) == [[5, 9, 2, 3, 12, 4]]
    assert values(adapted(ngrams=(2, 2))(["the quick brown fox"])) == [[2, 7, 9, 2, 7, 9]]


# --- output_mode 'int' ---------------------------------------------------------------------------

def test_output_sequence_length_pads_and_truncates_at_the_end():
    layer = adapted(output_sequence_length=3)
    assert values(layer(["the quick brown fox jumps", "fox", ""])) == [[2, 3, 7], [4, 0, 0],
                                                                      [0, 0, 0]]
    assert values(layer(np.array([["the quick brown fox jumps"], ["fox"]]))) == [[2, 3, 7],
                                                                                [4, 0, 0]]
    assert values(adapted(split=None, standardize=None, output_sequence_length=3)(
        ["the lazy dog!", "x"])) == [2, 1, 0]


def test_shapes_of_edge_inputs():
    layer = adapted()
    assert layer(["", ""]).shape == (2, 0)
    assert values(layer("the fox")) == [2, 4]
    with pytest.raises(ValueError, match=r"shape \(batch,\) or \(batch, 1\), received shape "
                                         r"\(1, 2\)"):
        layer(np.array([["the quick", "fox"]]))


# --- the encoding modes --------------------------------------------------------------------------

IDF_OOV = 0.7155502                 # the average idf of the, quick, fox, lazy (max_tokens=5)


@pytest.mark.parametrize("mode, expected", [
    ("multi_hot", [[1, 1, 0, 1, 0], [0, 0, 0, 0, 0]]),
    ("count", [[1, 2, 0, 1, 0], [0, 0, 0, 0, 0]]),
    ("tf_idf", [[IDF_OOV, 2 * np.log(1 + 3 / 4), 0, np.log(2), 0], [0, 0, 0, 0, 0]]),
])
def test_bag_modes(mode, expected):
    layer = adapted(output_mode=mode, max_tokens=5)
    assert layer.get_vocabulary() == ["[UNK]", "the", "quick", "fox", "lazy"]
    for inputs in (["the fox the cat", ""], np.array([["the fox the cat"], [""]])):
        out = layer(inputs)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)


def test_pad_to_max_tokens_and_padded_tf_idf():
    layer = adapted(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True)
    out = layer(["the fox the cat"])
    assert out.shape == (1, 8)
    np.testing.assert_allclose(out.data[0, :4], [0.7824637, 2 * np.log(1 + 3 / 4), 0, np.log(2)],
                               rtol=1e-6)


def test_one_hot_pads_with_zero_vectors():
    layer = adapted(output_mode="one_hot", max_tokens=5)
    out = layer(["the fox the cat", "fox"])
    assert out.shape == (2, 4, 5)
    np.testing.assert_array_equal(out.data[0], np.eye(5)[[1, 3, 1, 0]])
    np.testing.assert_array_equal(out.data[1], [np.eye(5)[3], *np.zeros((3, 5))])
    whole = adapted(output_mode="one_hot", split=None, standardize=None)
    assert whole([["the lazy dog!"], ["x"]]).shape == (2, 4)         # as StringLookup's


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    ({}, (1,), (None, None)),
    ({"output_sequence_length": 5}, (1,), (None, 5)),
    ({"output_sequence_length": 5}, (), (None, 5)),
    ({"output_mode": "multi_hot"}, (1,), (None, 7)),      # no mask index
    ({"output_mode": "count", "max_tokens": 20, "pad_to_max_tokens": True}, (1,), (None, 20)),
    ({"output_mode": "one_hot"}, (1,), (None, None, 7)),
    ({"split": None}, (1,), (None, 1)),
])
def test_symbolic_output_shapes(kwargs, input_shape, expected):
    layer = adapted(**kwargs)
    out = layer(nn.Input(input_shape, dtype="string"))
    assert out.shape == expected
    assert out.dtype == ("int64" if layer.output_mode == "int" else "float32")
    assert layer.compute_output_shape((None,) + input_shape) == expected


# --- adapt sources -------------------------------------------------------------------------------

def write_texts(root, texts_by_class):
    for name, texts in texts_by_class.items():
        (root / name).mkdir()
        for i, text in enumerate(texts):
            (root / name / f"{i}.txt").write_text(text, encoding="utf-8")


def test_adapt_sources_give_the_same_vocabulary(tmp_path):
    expected = adapted().get_vocabulary()
    for data in (np.array(CORPUS), np.array(CORPUS)[:, None], np.array(CORPUS, dtype=object),
                 (np.array(CORPUS[i:i + 2]) for i in (0, 2))):
        layer = layers.TextVectorization()
        layer.adapt(data)
        assert layer.get_vocabulary() == expected

    write_texts(tmp_path, {"neg": CORPUS[:1], "pos": CORPUS[1:]})
    dataset = nn.utils.text_dataset_from_directory(tmp_path, batch_size=2, verbose=False)
    layer = layers.TextVectorization()
    layer.adapt(dataset.map(lambda x, y: x), batch_size=2)
    assert layer.get_vocabulary() == expected
    layer.adapt(dataset.map(lambda x, y: x), steps=1)
    assert layer.vocabulary_size() < len(expected)
    with pytest.raises(ValueError, match=r"map\(lambda x, y: x\)"):
        layer.adapt(dataset)


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"output_mode": "bag"}, r"output_mode.*'int', 'one_hot', 'multi_hot', 'count', 'tf_idf'"),
    ({"standardize": "upper"},
     r"standardize.*'lower_and_strip_punctuation', 'lower', 'strip_punctuation'.*'upper'"),
    ({"split": "comma"}, r"split.*'whitespace', 'character'.*'comma'"),
    ({"ngrams": [1, 2]}, r"ngrams=\[1, 2\]"),
    ({"ngrams": 0}, r"ngrams=0"),
    ({"output_mode": "count", "output_sequence_length": 3}, r"output_sequence_length"),
    ({"output_sequence_length": 0}, r"output_sequence_length=0"),
    ({"ragged": True}, r"'ragged' must be False"),
    ({"sparse": True, "output_mode": "count"}, r"'sparse' must be False"),
    ({"max_tokens": 1}, r"max_tokens=1"),
    ({"vocabulary": ["fox", ""]}, r"reserved mask_token ''"),
    ({"vocabulary": ["fox", "fox"]}, r"repeated tokens \['fox'\]"),
    ({"output_mode": "tf_idf", "vocabulary": ["a"]}, r"needs its 'idf_weights'"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.TextVectorization(**kwargs)


def test_calling_before_adapt_and_adapting_a_fixed_vocabulary():
    with pytest.raises(RuntimeError, match="has no vocabulary yet"):
        layers.TextVectorization(output_mode="multi_hot")(["a b"])
    with pytest.raises(ValueError, match="cannot adapt a layer given a fixed 'vocabulary'"):
        layers.TextVectorization(vocabulary=["a"]).adapt(["b"])


# --- vocabulary, config and saving ---------------------------------------------------------------

def test_given_vocabulary_and_set_vocabulary():
    layer = layers.TextVectorization(vocabulary=["fox", "the"])
    assert layer.get_vocabulary() == ["", "[UNK]", "fox", "the"]
    assert layer.get_vocabulary() == layers.TextVectorization(
        vocabulary=["", "[UNK]", "fox", "the"]).get_vocabulary()
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.set_vocabulary(["fox", "the"], idf_weights=[1.0, 3.0])
    np.testing.assert_allclose(layer(["the fox cow"]).data, [[2.0, 1.0, 3.0]])


def shout(texts):
    return np.char.upper(texts)


def test_config_round_trip():
    probe = ["The fox and the lazy dog", "quick quick"]
    for kwargs in ({"ngrams": (1, 2), "output_sequence_length": 6},
                   {"output_mode": "tf_idf", "max_tokens": 9, "pad_to_max_tokens": True},
                   {"standardize": shout, "split": "character"}):
        layer = adapted(**kwargs)
        config = layer.get_config()
        copy = layers.TextVectorization.from_config({**config, "ngrams": config["ngrams"] and
                                                     list(config["ngrams"])})   # as from JSON
        assert copy.get_vocabulary() == layer.get_vocabulary()
        np.testing.assert_array_equal(copy(probe).data, layer(probe).data)


def test_keras_file_round_trip_of_tf_idf(tmp_path):
    layer = adapted(output_mode="tf_idf", max_tokens=6)
    inputs = nn.Input((1,), dtype="string")
    model = nn.Model(inputs, layers.Dense(2)(layer(inputs)))
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")
    texts = np.array([["the quick dog"], ["a fox"]])
    np.testing.assert_array_equal(loaded.predict(texts, verbose=0), model.predict(texts, verbose=0))


def test_a_keras_archive_keeping_the_vocabulary_in_assets_loads(tmp_path):
    """Keras 3 writes an adapted vocabulary to assets/<layer path>/vocabulary.txt (the path
    named by class, as for its weights) and leaves it out of the config; loading reads it
    from there, and no entry outside that folder."""
    layer = adapted(max_tokens=6)
    model = nn.Sequential([nn.Input((1,), dtype="string"), layer])
    model.save(tmp_path / "ours.keras")
    with zipfile.ZipFile(tmp_path / "ours.keras") as ours, \
            zipfile.ZipFile(tmp_path / "keras_layout.keras", "w") as theirs:
        for name in ours.namelist():
            data = ours.read(name)
            if name == "config.json":
                config = json.loads(data)
                vectorize = config["config"]["layers"][1]["config"]
                vectorize.update(vocabulary=None, has_input_vocabulary=False)
                data = json.dumps(config)
            theirs.writestr(name, data)
        theirs.writestr("assets/layers/text_vectorization/vocabulary.txt",
                        "\n".join(layer.get_vocabulary()) + "\n")
        theirs.writestr("assets/layers/text_vectorization/../escape.txt", "not read")
    loaded = load_model(tmp_path / "keras_layout.keras")
    assert loaded.layers[0].get_vocabulary() == layer.get_vocabulary()
    texts = np.array([["the quick dog"], ["a lazy fox"]])
    np.testing.assert_array_equal(loaded.predict(texts, verbose=0), model.predict(texts, verbose=0))


# --- in models -----------------------------------------------------------------------------------

TEXTS = np.array(["good movie", "great film", "bad movie", "awful film", "good great fun",
                  "bad awful plot", "great fun", "awful plot"])
LABELS = np.array([1, 1, 0, 0, 1, 0, 1, 0], dtype="float32")


def sentiment_model(vectorize):
    return nn.Sequential([nn.Input((1,), dtype="string"), vectorize, layers.Embedding(20, 8),
                          layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])


def test_end_to_end_string_input_model():
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(TEXTS)
    inputs = nn.Input(shape=(1,), dtype="string")
    x = layers.Embedding(20, 8)(vectorize(inputs))
    x = layers.GlobalAveragePooling1D()(x)
    model = nn.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=nn.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(TEXTS[:, None], LABELS, epochs=30, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    good, bad = model.predict(np.array([["good fun"], ["awful movie"]]), verbose=0)[:, 0]
    assert good > 0.5 > bad
    np.testing.assert_array_equal(model.predict(np.array(["good fun", "awful movie"]), verbose=0),
                                  model.predict(np.array([["good fun"], ["awful movie"]]),
                                                verbose=0))


def test_vectorizing_a_dataset_with_map_and_fitting_on_it(tmp_path):
    write_texts(tmp_path, {"neg": TEXTS[LABELS == 0], "pos": TEXTS[LABELS == 1]})
    train = nn.utils.text_dataset_from_directory(tmp_path, batch_size=4, seed=0, verbose=False)
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(train.map(lambda x, y: x))
    vectorized = train.map(lambda x, y: (vectorize(x), y))
    x, y = next(iter(vectorized))
    assert x.shape == (4, 4) and x.dtype == np.int64
    model = nn.Sequential([layers.Embedding(20, 8), layers.GlobalAveragePooling1D(),
                           layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=nn.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(vectorized, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    end_to_end = sentiment_model(vectorize)           # the trained layers behind raw strings
    end_to_end.set_weights(model.get_weights())
    np.testing.assert_allclose(end_to_end.predict(TEXTS[:2, None], verbose=0),
                               model.predict(vectorize(TEXTS[:2]).data, verbose=0), rtol=1e-6)


# --- against Keras itself ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, {"max_tokens": 6, "output_sequence_length": 4}, {"ngrams": 2}, {"ngrams": (1, 3)},
    {"split": "character", "standardize": "lower"}, {"standardize": None},
    {"split": None, "output_sequence_length": 2},
    {"output_mode": "multi_hot"}, {"output_mode": "count", "max_tokens": 5},
    {"output_mode": "tf_idf", "ngrams": 2},
    {"output_mode": "tf_idf", "max_tokens": 9, "pad_to_max_tokens": True},
    {"output_mode": "one_hot", "split": None},
])
def test_matches_keras(keras_layers, kwargs):
    corpus = np.array(CORPUS + ["Ünïcode  words\tand  ÄPOSTROPHE's", "the end."])
    probe = np.array([["the Quick brown cat's fox"], ["dog!"], [""]])
    ours, theirs = layers.TextVectorization(**kwargs), keras_layers.TextVectorization(**kwargs)
    ours.adapt(corpus)
    theirs.adapt(corpus)
    assert ours.get_vocabulary() == [str(t) for t in theirs.get_vocabulary()]
    np.testing.assert_allclose(ours(probe).data, np.asarray(theirs(probe)), rtol=1e-6)
    assert set(ours.get_config()) - {"has_input_vocabulary"} == set(theirs.get_config())
