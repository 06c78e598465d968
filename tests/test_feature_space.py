"""keras.utils.FeatureSpace: encodings of a small mixed table checked against values worked
out by hand from Keras' documented rules (Keras' own FeatureSpace needs TensorFlow to adapt)."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.preprocessing.array_dataset import ArrayDataset
from neuronet.utils import FeatureSpace

CITY = ["paris", "rome", "paris", "oslo", "paris", "rome"]
ROOMS = [1, 2, 2, 3, 3, 3]


def table():
    return {"age": np.array([20., 30., 40., 50., 60., 70.], np.float32),
            "height": np.array([1.5, 1.6, 1.7, 1.8, 1.9, 2.0], np.float32),
            "income": np.array([1000., 2000., 1500., 3000., 2500., 500.], np.float32),
            "city": np.array(CITY),
            "rooms": np.array(ROOMS),
            "tag": np.array(["x", "y", "z", "x", "y", "w"]),
            "temp": np.array([-5., 5., 15., 0., 10., 25.], np.float32)}


def make_space(output_mode="concat", crosses=(("city", "rooms"),), **overrides):
    features = {"age": "float_normalized", "height": "float",
                "income": FeatureSpace.float_rescaled(scale=0.001),
                "city": "string_categorical", "rooms": "integer_categorical",
                "tag": FeatureSpace.string_hashed(num_bins=4),
                "temp": FeatureSpace.float_discretized(num_bins=3, bin_boundaries=[0., 10.])}
    features.update(overrides)
    return FeatureSpace(features, output_mode=output_mode, crosses=list(crosses), crossing_dim=8)


def one_hot(indices, depth):
    return np.eye(depth, dtype=np.float32)[np.asarray(indices)]


def expected_parts():
    """{name: (6, width)} by Keras' rules: vocabularies by frequency (ties: highest token
    first) after the OOV entry; population statistics; np.digitize bins."""
    data = table()
    age = data["age"]
    city_vocab = ["[UNK]", "paris", "rome", "oslo"]
    rooms_vocab = [-1, 3, 2, 1]
    city = [city_vocab.index(c) for c in CITY]
    rooms = [rooms_vocab.index(r) for r in ROOMS]
    tag = layers.Hashing(num_bins=4)(data["tag"][:, None]).numpy()[:, 0]
    cross = layers.HashedCrossing(num_bins=8)((np.array(city), np.array(rooms))).numpy()
    return {"age": ((age - age.mean()) / age.std())[:, None],
            "city": one_hot(city, 4),
            "height": data["height"][:, None],
            "income": (data["income"] * 0.001)[:, None],
            "rooms": one_hot(rooms, 4),
            "tag": one_hot(tag, 4),
            "temp": one_hot(np.digitize(data["temp"], [0., 10.]), 3),
            "city_X_rooms": one_hot(cross, 8)}


def test_concat_output_matches_hand_computed_encodings():
    space = make_space()
    space.adapt(table())
    out = space(table())
    assert out.dtype == "float32" and out.shape == (6, 1 + 4 + 1 + 1 + 4 + 4 + 3 + 8)
    want = np.concatenate(list(expected_parts().values()), axis=1)   # sorted, crosses last
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    assert space.preprocessors["city"].get_vocabulary() == ["[UNK]", "paris", "rome", "oslo"]
    assert isinstance(space.crossers["city_X_rooms"], layers.HashedCrossing)


def test_dict_output_and_int_modes():
    space = make_space("dict", [FeatureSpace.cross(("city", "rooms"), 8, output_mode="int")],
                       city=FeatureSpace.string_categorical(output_mode="int"))
    space.adapt(table())
    out = space(table())
    parts = expected_parts()
    assert list(out) == list(parts)
    np.testing.assert_array_equal(out["city"].numpy()[:, 0], parts["city"].argmax(1))
    np.testing.assert_array_equal(out["city_X_rooms"].numpy()[:, 0],
                                  parts["city_X_rooms"].argmax(1))
    for name in ("age", "rooms", "temp", "tag"):
        np.testing.assert_allclose(out[name].numpy(), parts[name], rtol=1e-5, atol=1e-6)


def test_adapt_accepts_datasets_of_batches_and_of_single_samples():
    reference = make_space()
    reference.adapt(table())
    labels = np.arange(6)
    sources = [ArrayDataset(table()).batch(4),
               ArrayDataset((table(), labels)).batch(2).map(lambda x, y: x),
               ArrayDataset(table()),                                   # single samples
               [{k: v[:3] for k, v in table().items()}, {k: v[3:] for k, v in table().items()}]]
    for source in sources:
        space = make_space()
        space.adapt(source)
        np.testing.assert_allclose(space(table()).numpy(), reference(table()).numpy(),
                                   rtol=1e-5, atol=1e-6)


def test_adapted_discretization_sees_the_batches_of_the_dataset():
    values = np.linspace(0., 10., 50).astype(np.float32)
    space = FeatureSpace({"v": "float_discretized"}, num_discretization_bins=4)
    space.adapt(ArrayDataset({"v": values}).batch(16))
    alone = layers.Discretization(num_bins=4)
    alone.adapt(ArrayDataset(values[:, None]).batch(16))
    assert space.preprocessors["v"].bin_boundaries == alone.bin_boundaries
    np.testing.assert_array_equal(space({"v": values}).numpy(),
                                  one_hot(np.digitize(values, alone.bin_boundaries), 4))


def test_single_example_gives_one_vector_and_map_over_a_dataset():
    space = make_space()
    space.adapt(table())
    batch = space(table()).numpy()
    row = space({name: column[2] for name, column in table().items()})
    assert row.shape == (batch.shape[1],)
    np.testing.assert_allclose(row.numpy(), batch[2], rtol=1e-6)
    mapped = list(ArrayDataset((table(), np.zeros(6))).batch(4).map(lambda x, y: (space(x), y)))
    np.testing.assert_allclose(np.concatenate([x for x, _ in mapped]), batch, rtol=1e-6)


def test_tutorial_flow_trains_a_model_on_the_encoded_features():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n = 64
    data = {"x": rng.normal(size=n).astype(np.float32),
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.integers(0, 3, n)}
    target = ((data["color"] == "red") ^ (data["size"] == 2)).astype(np.float32)
    space = FeatureSpace({"x": "float_normalized", "color": "string_categorical",
                          "size": "integer_categorical"}, crosses=[("color", "size")],
                         crossing_dim=16)
    space.adapt(ArrayDataset((data, target)).batch(16).map(lambda x, y: x))
    train_ds = ArrayDataset((data, target)).batch(16).map(lambda x, y: (space(x), y))

    encoded = space.get_encoded_features()
    training_model = keras.Sequential([keras.Input(shape=encoded.shape[1:]),
                                       layers.Dense(16, activation="relu"),
                                       layers.Dense(1, activation="sigmoid")])
    training_model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                           metrics=["accuracy"])
    history = training_model.fit(train_ds, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9

    inference_model = keras.Model(space.get_inputs(), training_model(encoded))
    raw = {k: v[:5] for k, v in data.items()}
    np.testing.assert_allclose(inference_model.predict(raw, verbose=0),
                               training_model.predict(space(raw).numpy(), verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_get_config_round_trip_and_save_load(tmp_path):
    space = make_space()
    space.adapt(table())
    clone = FeatureSpace.from_config(space.get_config())
    assert clone.get_config()["features"].keys() == space.get_config()["features"].keys()
    assert [c.feature_names for c in clone.crosses] == [("city", "rooms")]
    assert clone.preprocessors["city"].get_vocabulary() == ["[UNK]", "paris", "rome", "oslo"]
    assert clone.preprocessors["temp"].bin_boundaries == [0., 10.]

    path = tmp_path / "space.keras"
    space.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded(table()).numpy(), space(table()).numpy())


def test_spaces_without_adaptable_features_need_no_adapt():
    space = FeatureSpace({"a": "float", "b": FeatureSpace.float_rescaled(scale=2.0)})
    out = space({"a": [1., 2.], "b": [3., 4.]})
    np.testing.assert_allclose(out.numpy(), [[1., 6.], [2., 8.]])


def test_errors():
    with pytest.raises(ValueError, match="unknown feature.*'zip'"):
        FeatureSpace({"a": "float"}, crosses=[("a", "zip")])
    with pytest.raises(ValueError, match="string_categorical"):
        FeatureSpace({"a": "categorical"})
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace({"a": "float"}, output_mode="stack")
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace.string_categorical(output_mode="multi_hot")
    space = make_space()
    with pytest.raises(ValueError, match="adapt"):
        space(table())
    with pytest.raises(ValueError, match="adapt"):
        space.get_encoded_features()
    with pytest.raises(ValueError, match=r"map\(lambda x, y: x\)"):
        space.adapt(ArrayDataset((table(), np.zeros(6))).batch(3))
    space.adapt(table())
    with pytest.raises(ValueError, match="missing \\['temp'\\]"):
        space({k: v for k, v in table().items() if k != "temp"})
    with pytest.raises(ValueError, match="city.*strings"):
        space({**table(), "city": np.arange(6)})
    int_space = FeatureSpace({"c": FeatureSpace.string_categorical(output_mode="int")})
    with pytest.raises(ValueError, match="cannot concatenate feature 'c'.*output_mode='dict'"):
        int_space.adapt({"c": CITY})
