""".keras files exchanged with Keras 3 (JAX backend, CPU): each loads in the other library
and gives the same predictions; optimizer state travels with them."""
import os
import re

os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

import neuronet  # noqa: E402
from neuronet.models import load_model  # noqa: E402

# Each architecture is written once against the Keras API and built with both libraries.
ARCHITECTURES = {
    "dense": (lambda k: k.Sequential([k.Input((4,)), k.layers.Dense(5, activation="relu"),
                                      k.layers.Dense(2, activation="softmax")]),
              (4,), "float", ["Dense"]),
    "conv_batchnorm_pooling": (lambda k: k.Sequential([
        k.Input((8, 8, 2)), k.layers.Conv2D(3, 3, padding="same", activation="relu"),
        k.layers.BatchNormalization(), k.layers.MaxPooling2D(), k.layers.Conv2D(4, 2, strides=2),
        k.layers.AveragePooling2D(pool_size=(2, 2)), k.layers.Flatten(), k.layers.Dense(2)]),
        (8, 8, 2), "float", ["Conv2D", "BatchNormalization", "MaxPooling2D", "AveragePooling2D"]),
    "embedding_recurrent": (lambda k: k.Sequential([
        k.Input((5,), dtype="int32"), k.layers.Embedding(10, 4),
        k.layers.LSTM(3, return_sequences=True), k.layers.GRU(3, return_sequences=True),
        k.layers.SimpleRNN(2)]),
        (5,), "int", ["Embedding", "LSTM", "GRU", "SimpleRNN"]),
}


def functional(k):
    """Two branches merged by Add: the order of same-class layers names their weights."""
    inputs = k.Input((6,), name="features")
    deep = k.layers.Dense(3, name="deep_out")(k.layers.Dense(4, name="deep_in")(inputs))
    shallow = k.layers.Dense(3, name="shallow")(inputs)
    return k.Model(inputs, k.layers.Add()([shallow, deep]))


ARCHITECTURES["functional_branches"] = (functional, (6,), "float", ["Add"])


def needs(layer_names):
    missing = [name for name in layer_names if not hasattr(neuronet.layers, name)]
    if missing:
        pytest.skip(f"neuronet has no {missing} yet")


def randomize(model, seed):
    """Random weights (variances positive), so that a swapped weight would show."""
    rng = np.random.default_rng(seed)
    values = [rng.normal(scale=0.5, size=np.shape(w)).astype("float32")
              for w in model.get_weights()]
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":
            start = sum(len(l.get_weights()) for l in model.layers[:model.layers.index(layer)])
            values[start + 3] = np.abs(values[start + 3]) + 0.5      # moving variance
    model.set_weights(values)


def inputs_for(shape, kind, seed=1):
    rng = np.random.default_rng(seed)
    if kind == "int":
        return rng.integers(0, 10, (3,) + shape).astype("int32")
    return rng.normal(size=(3,) + shape).astype("float32")


def class_names(model):
    return [type(layer).__name__ for layer in model.layers
            if type(layer).__name__ != "InputLayer"]


def keras_predict(model, x):
    return model.predict(x, verbose=0)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_keras_file_loads_in_neuronet_with_same_predictions(name, tmp_path):
    build, shape, kind, layer_names = ARCHITECTURES[name]
    needs(layer_names)
    keras.utils.set_random_seed(0)
    model = build(keras)
    randomize(model, seed=1)
    model.save(tmp_path / "from_keras.keras")
    loaded = load_model(tmp_path / "from_keras.keras")
    x = inputs_for(shape, kind)
    assert class_names(loaded) == class_names(model)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), keras_predict(model, x),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_neuronet_file_loads_in_keras_with_same_predictions(name, tmp_path):
    build, shape, kind, layer_names = ARCHITECTURES[name]
    needs(layer_names)
    neuronet.backend.set_random_seed(0)
    model = build(neuronet)
    randomize(model, seed=2)
    model.save(tmp_path / "from_neuronet.keras")
    loaded = keras.saving.load_model(tmp_path / "from_neuronet.keras")
    x = inputs_for(shape, kind)
    np.testing.assert_allclose(keras_predict(loaded, x), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_optimizer_state_travels_both_ways(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    build = ARCHITECTURES["dense"][0]

    keras.utils.set_random_seed(0)
    keras_model = build(keras)
    keras_model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse")
    keras_model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    keras_model.save(tmp_path / "k.keras")
    loaded = load_model(tmp_path / "k.keras")
    assert type(loaded.optimizer).__name__ == "RMSprop"
    assert int(loaded.optimizer.iterations) == 2
    for ours, theirs in zip(loaded.optimizer.variables, keras_model.optimizer.variables):
        np.testing.assert_allclose(ours.data, np.asarray(theirs), rtol=1e-6)

    neuronet.backend.set_random_seed(0)
    model = build(neuronet)
    model.compile(optimizer=neuronet.optimizers.RMSprop(0.01), loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "n.keras")
    in_keras = keras.saving.load_model(tmp_path / "n.keras")
    assert int(in_keras.optimizer.iterations) == 2
    for ours, theirs in zip(model.optimizer.variables, in_keras.optimizer.variables):
        np.testing.assert_allclose(ours.data, np.asarray(theirs), rtol=1e-6)


KERAS_LAYERS = [
    lambda k: k.layers.Dense(3, activation="relu", use_bias=False),
    lambda k: k.layers.Conv2D(2, 3, strides=2, padding="same"),
    lambda k: k.layers.LayerNormalization(axis=-1, epsilon=1e-4),
    lambda k: k.layers.BatchNormalization(momentum=0.9),
    lambda k: k.layers.Embedding(10, 4, mask_zero=True),
    lambda k: k.layers.LSTM(3, return_sequences=True, dropout=0.1),
    lambda k: k.layers.Bidirectional(k.layers.GRU(2), merge_mode="sum"),
    lambda k: k.layers.TimeDistributed(k.layers.Dense(2)),
    lambda k: k.layers.CategoryEncoding(num_tokens=5, output_mode="count"),
]


@pytest.mark.parametrize("make", KERAS_LAYERS)
def test_layer_from_keras_config(make):
    """A layer's from_config takes the config Keras 3 writes (its dtype a DTypePolicy dict,
    options neuronet lacks at their defaults) and gives back the same config."""
    config = make(keras).get_config()
    layer = getattr(neuronet.layers, type(make(keras)).__name__).from_config(config)
    assert layer.dtype == "float32"
    ours = layer.get_config()
    for key, value in config.items():
        if key in ours and key not in ("dtype", "layer", "backward_layer"):
            assert ours[key] == value or (isinstance(value, dict) and
                                          ours[key]["class_name"] == value["class_name"]), key


def test_layer_from_keras_config_refuses_a_keras_only_option_switched_on():
    config = keras.layers.Dense(3).get_config()
    config["lora_rank"] = 4
    with pytest.raises(ValueError, match="lora_rank=4 of Dense is not supported"):
        neuronet.layers.Dense.from_config(config)


def test_optimizer_config_with_a_schedule_loads_in_keras_and_back():
    schedule = neuronet.optimizers.schedules.CosineDecay(0.1, 100, alpha=0.1)
    config = neuronet.optimizers.Adam(learning_rate=schedule).get_config()
    theirs = keras.optimizers.Adam.from_config(config)
    assert float(theirs.learning_rate) == pytest.approx(0.1)
    assert float(theirs._learning_rate(50)) == pytest.approx(schedule(50), rel=1e-6)
    back = neuronet.optimizers.Adam.from_config(theirs.get_config())
    assert back._learning_rate(50) == pytest.approx(schedule(50), rel=1e-6)


def test_optimizer_default_names_are_keras_snake_case():
    """Keras names an optimizer after its class in snake case (then numbers repeats: adam_1,
    adam_2, ..., which neuronet does not)."""
    for name, expected in (("SGD", "sgd"), ("AdamW", "adam_w"), ("RMSprop", "rm_sprop"),
                           ("Nadam", "nadam")):
        assert getattr(neuronet.optimizers, name)().name == expected
        assert re.sub(r"_\d+$", "", getattr(keras.optimizers, name)().name) == expected
