"""Legacy HDF5 files (.h5 / .hdf5): whole models, Keras 2's weights-only files, checkpoints,
and Lambda layers in saved files (safe mode)."""
import json
import os

import h5py
import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.callbacks import ModelCheckpoint
from neuronet.models import load_model
from neuronet.saving import (deserialize_keras_object, legacy_h5, load_weights, save_model,
                             serialization, serialize_keras_object)

pytestmark = pytest.mark.filterwarnings("ignore:save_model.*legacy HDF5:UserWarning")


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64")


def sequential(names=("hidden", "norm", "out")):
    model = nn.Sequential([nn.Input((4,)), layers.Dense(5, activation="relu", name=names[0]),
                           layers.BatchNormalization(name=names[1]),
                           layers.Dense(2, activation="softmax", name=names[2])])
    model.compile(optimizer=nn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def functional():
    a, b = nn.Input((4,), name="a"), nn.Input((3,), name="b")
    joined = layers.Concatenate()([layers.Dense(3, activation="tanh")(a), b])
    model = nn.Model([a, b], layers.Dense(2)(joined))
    model.compile(optimizer=nn.optimizers.SGD(0.05, momentum=0.9), loss="mse", metrics=["mae"])
    return model


def trained(model, epochs=2):
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)
    return model


def predict(model, x):
    return model.predict(x, verbose=0)


# --- whole models ------------------------------------------------------------------------------

def test_sequential_round_trip_keeps_predictions_compile_state_and_optimizer(tmp_path):
    model = trained(sequential())
    with pytest.warns(UserWarning, match=r"legacy HDF5.*\.keras"):
        model.save(tmp_path / "m.h5")
    loaded = load_model(tmp_path / "m.h5")
    x, y = data()
    np.testing.assert_array_equal(predict(loaded, x), predict(model, x))
    assert loaded.compiled and type(loaded.optimizer).__name__ == "Adam"
    assert int(loaded.optimizer.iterations) == 4
    np.testing.assert_allclose(float(loaded.optimizer.learning_rate.data), 0.01, rtol=1e-6)
    for ours, theirs in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(ours.data, theirs.data)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)   # loss, accuracy
    trained(model, epochs=1)                 # the saved moments carry training on identically
    trained(loaded, epochs=1)
    np.testing.assert_allclose(predict(loaded, x), predict(model, x), rtol=1e-6, atol=1e-7)

    model.save(tmp_path / "m.hdf5")
    assert not load_model(tmp_path / "m.hdf5", compile=False).compiled


def test_functional_round_trip_and_include_optimizer_false(tmp_path):
    model = functional()
    x = [np.ones((2, 4), "float32"), np.full((2, 3), 0.5, "float32")]
    model.fit(x, np.ones((2, 2), "float32"), verbose=0)
    model.save(tmp_path / "f.h5")
    loaded = load_model(tmp_path / "f.h5")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(predict(loaded, x), predict(model, x))
    assert type(loaded.optimizer).__name__ == "SGD" and loaded.optimizer.momentum == 0.9
    assert int(loaded.optimizer.iterations) == 1

    save_model(model, tmp_path / "bare.h5", include_optimizer=False)
    with h5py.File(tmp_path / "bare.h5", "r") as h5file:
        assert "training_config" not in h5file.attrs and "optimizer_weights" not in h5file
    bare = load_model(tmp_path / "bare.h5")
    assert not bare.compiled
    np.testing.assert_array_equal(predict(bare, x), predict(model, x))


def test_the_file_has_keras_legacy_layout(tmp_path):
    model = trained(sequential())
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5file:
        config = json.loads(h5file.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert [sorted(entry) for entry in config["config"]["layers"]] == [["class_name",
                                                                            "config"]] * 4
        training = json.loads(h5file.attrs["training_config"])
        assert training["loss"] == "sparse_categorical_crossentropy"
        assert training["optimizer_config"]["class_name"] == "Adam"
        weights = h5file["model_weights"]
        assert [n.decode() for n in weights.attrs["layer_names"]] == ["hidden", "norm", "out"]
        names = [n.decode() for n in weights["norm"].attrs["weight_names"]]
        assert [weights["norm"][n].shape for n in names] == [(5,)] * 4
        np.testing.assert_array_equal(weights["norm"][names[2]][()],
                                      model.layers[1].moving_mean.data)
        optimizer_names = h5file["optimizer_weights"].attrs["weight_names"]
        assert len(optimizer_names) == len(model.optimizer.variables) == 2 + 2 * 6


def test_a_keras_2_file_loads(tmp_path):
    """A file laid out as tf.keras 2 wrote it: bytes attributes, ':0' weight names, Keras 2
    configs (batch_input_shape, plain dtypes, an optimizer with decay)."""
    kernel = np.arange(6, dtype="float32").reshape(3, 2) / 10 - 0.2
    bias = np.array([0.1, -0.3], "float32")
    dense = {"name": "dense", "trainable": True, "dtype": "float32", "units": 2,
             "activation": "relu", "use_bias": True,
             "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
             "bias_initializer": {"class_name": "Zeros", "config": {}},
             "kernel_regularizer": None, "bias_regularizer": None,
             "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3],
                                                "dtype": "float32", "sparse": False,
                                                "ragged": False, "name": "dense_input"}},
        {"class_name": "Dense", "config": dense}]}}
    training = {"loss": "mse", "metrics": ["mae"], "weighted_metrics": None,
                "loss_weights": None, "optimizer_config": {"class_name": "SGD", "config": {
                    "name": "SGD", "learning_rate": 0.05, "decay": 0.0, "momentum": 0.0,
                    "nesterov": False}}}
    with h5py.File(tmp_path / "k2.h5", "w") as h5file:
        h5file.attrs["keras_version"] = b"2.9.0"
        h5file.attrs["backend"] = b"tensorflow"
        h5file.attrs["model_config"] = json.dumps(config).encode()
        h5file.attrs["training_config"] = json.dumps(training).encode()
        weights = h5file.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([b"dense"])
        group = weights.create_group("dense")
        group.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        group["dense/kernel:0"], group["dense/bias:0"] = kernel, bias
    with pytest.warns(UserWarning, match="decay"):               # ignored, as in Keras 3
        loaded = load_model(tmp_path / "k2.h5")
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], "float32")
    np.testing.assert_allclose(predict(loaded, x), np.maximum(x @ kernel + bias, 0), rtol=1e-6)
    assert type(loaded.optimizer).__name__ == "SGD" and loaded.loss == "mse"
    other = nn.Sequential([nn.Input((3,)), layers.Dense(2, activation="relu")])
    other.load_weights(tmp_path / "k2.h5")              # a whole-model file's weights
    np.testing.assert_array_equal(other.layers[0].kernel.data, kernel)


def test_long_name_lists_are_split_over_several_attributes(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_h5, "ATTRIBUTE_LIMIT", 40)
    model = sequential(names=("first_hidden_layer", "batch_normalization", "output_layer"))
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5file:
        attrs = h5file["model_weights"].attrs
        assert "layer_names" not in attrs and {"layer_names0", "layer_names1"} <= set(attrs)
    x, _ = data()
    np.testing.assert_array_equal(predict(load_model(tmp_path / "m.h5"), x), predict(model, x))


# --- weights only ------------------------------------------------------------------------------

def test_save_weights_to_h5_uses_keras_2_layout_and_loads_by_position_or_name(tmp_path):
    model = trained(sequential())
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "r") as h5file:
        assert [n.decode() for n in h5file.attrs["layer_names"]] == ["hidden", "norm", "out"]
        assert "optimizer_weights" not in h5file
    x, _ = data()
    other = sequential(names=("a", "b", "c"))            # other names: matched by position
    other.load_weights(tmp_path / "w.h5")
    np.testing.assert_array_equal(predict(other, x), predict(model, x))

    partial = nn.Sequential([nn.Input((4,)), layers.Dense(5, activation="relu", name="hidden"),
                             layers.Dense(7, name="fresh")])
    kept = partial.layers[1].kernel.data.copy()
    partial.load_weights(tmp_path / "w.h5", by_name=True)          # Keras' method form
    np.testing.assert_array_equal(partial.layers[0].kernel.data, model.layers[0].kernel.data)
    np.testing.assert_array_equal(partial.layers[1].kernel.data, kept)
    with pytest.raises(ValueError, match=r"model has 2 layers with weights.*file has 3"):
        partial.load_weights(tmp_path / "w.h5")

    wide = nn.Sequential([nn.Input((4,)), layers.Dense(5), layers.BatchNormalization(),
                          layers.Dense(3, name="wide")])
    kept = wide.layers[2].kernel.data.copy()
    with pytest.raises(ValueError, match=r"'wide'.*shape \(5, 3\).*shape \(5, 2\)"):
        wide.load_weights(tmp_path / "w.h5")
    with pytest.warns(UserWarning, match="skip_mismatch"):
        wide.load_weights(tmp_path / "w.h5", skip_mismatch=True)
    np.testing.assert_array_equal(wide.layers[0].kernel.data, model.layers[0].kernel.data)
    np.testing.assert_array_equal(wide.layers[2].kernel.data, kept)

    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="by_name=True only works with legacy"):
        load_weights(model, tmp_path / "w.weights.h5", by_name=True)


# --- errors and the atomic write ----------------------------------------------------------------

@pytest.mark.parametrize("failure", ["while building the file", "while writing it to disk"])
def test_a_failed_save_leaves_the_previous_file(tmp_path, monkeypatch, failure):
    model = trained(sequential())
    good = tmp_path / "m.h5"
    model.save(good)
    before = good.read_bytes()

    def fail(*args):
        raise OSError("disk full")

    if failure == "while building the file":
        monkeypatch.setattr(legacy_h5, "_write_weights", fail)
    else:
        monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        sequential().save(good)
    monkeypatch.undo()
    assert good.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.h5"]                       # no temporary file left
    x, _ = data()
    np.testing.assert_array_equal(predict(load_model(good), x), predict(model, x))


def test_clear_errors(tmp_path):
    class Subclassed(nn.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    subclassed = Subclassed()
    subclassed(np.ones((1, 3), "float32"))
    with pytest.raises(NotImplementedError, match=r"subclassed.*\.keras.*save_weights"):
        subclassed.save(tmp_path / "s.h5")
    assert not (tmp_path / "s.h5").exists()

    model = sequential()
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r+") as h5file:
        config = json.loads(h5file.attrs["model_config"])
        config["config"]["layers"][1]["class_name"] = "FancyDense"
        h5file.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match=r"m\.h5.*unknown class 'FancyDense'.*custom_objects"):
        load_model(tmp_path / "m.h5")

    model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"w\.h5.*no model config.*load_weights"):
        load_model(tmp_path / "w.h5")
    (tmp_path / "junk.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match=r"junk\.h5.*not a readable HDF5"):
        load_model(tmp_path / "junk.h5")
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        load_model(tmp_path / "missing.h5")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save(tmp_path / "m.h5", overwrite=False)


# --- ModelCheckpoint --------------------------------------------------------------------------

def test_model_checkpoint_saves_h5_models_and_weights(tmp_path):
    x, y = data()
    model = sequential()
    best = ModelCheckpoint(tmp_path / "best.h5", monitor="loss", save_best_only=True)
    every = ModelCheckpoint(str(tmp_path / "w-{epoch}.hdf5"), save_weights_only=True)
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[best, every])
    assert sorted(os.listdir(tmp_path)) == ["best.h5", "w-1.hdf5", "w-2.hdf5", "w-3.hdf5"]
    other = sequential()
    other.load_weights(tmp_path / "w-3.hdf5")
    np.testing.assert_array_equal(predict(other, x), predict(model, x))
    best_epoch = int(np.argmin(history.history["loss"])) + 1        # the weights best.h5 holds
    other.load_weights(tmp_path / f"w-{best_epoch}.hdf5")
    np.testing.assert_array_equal(predict(load_model(tmp_path / "best.h5"), x), predict(other, x))
    with pytest.raises(ValueError, match=r"must end in `\.keras` \(or in `\.h5` / `\.hdf5`"):
        ModelCheckpoint(tmp_path / "m.txt")


# --- Lambda layers and lambdas in files ----------------------------------------------------------

def double(x):
    return x * 2.0


def lambda_model(function):
    inputs = nn.Input((3,))
    return nn.Model(inputs, layers.Dense(2)(layers.Lambda(function)(inputs)))


def saved_config(path):
    """The model's config as stored in a .keras or .h5 file."""
    if path.suffix == ".h5":
        with h5py.File(path, "r") as h5file:
            return json.loads(h5file.attrs["model_config"])
    import zipfile
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_named_function_is_saved_by_name_and_loads_in_safe_mode(tmp_path, suffix):
    model = lambda_model(double)
    path = tmp_path / f"named{suffix}"
    model.save(path)
    function = saved_config(path)["config"]["layers"][1]["config"]["function"]
    assert function["class_name"] == "function" and function["config"] == "double"
    with pytest.raises(ValueError, match=r"Lambda layer .*unknown function 'double'.*"
                                         r"custom_objects=\{'double': double\}"):
        load_model(path)
    loaded = load_model(path, custom_objects={"double": double})           # safe mode
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(predict(loaded, x), predict(model, x))


def scaled_by(factor):
    return lambda t, offset=1.0: t * factor + offset


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_an_anonymous_lambda_is_saved_as_bytecode_and_loads_only_outside_safe_mode(
        tmp_path, suffix, monkeypatch):
    model = lambda_model(scaled_by(3.0))                   # a closure and a default value
    path = tmp_path / f"anonymous{suffix}"
    model.save(path)
    function = saved_config(path)["config"]["layers"][1]["config"]["function"]
    assert function["class_name"] == "__lambda__"
    assert function["config"]["closure"] == [3.0] and function["config"]["defaults"] == [1.0]
    with pytest.raises(ValueError, match=r"Lambda layer.*bytecode.*safe_mode=False.*"
                                         r"enable_unsafe_deserialization"):
        load_model(path)
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    np.testing.assert_array_equal(predict(load_model(path, safe_mode=False), x), predict(model, x))
    lambda_layer = load_model(path, safe_mode=False).layers[1]
    np.testing.assert_array_equal(lambda_layer.function(x), x * 3.0 + 1.0)

    monkeypatch.setitem(serialization._UNSAFE_DESERIALIZATION, "enabled", False)
    nn.config.enable_unsafe_deserialization()
    np.testing.assert_array_equal(predict(load_model(path), x), predict(model, x))


def test_damaged_bytecode_is_a_clear_error(tmp_path):
    lambda_model(lambda t: t + 1.0).save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r+") as h5file:
        config = json.loads(h5file.attrs["model_config"])
        config["config"]["layers"][1]["config"]["function"]["config"]["code"] = "4wEAAAAAAAAA"
        h5file.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match=r"m\.h5.*Lambda layer.*bytecode cannot be read.*"
                                         r"Python version"):
        load_model(tmp_path / "m.h5", safe_mode=False)


def test_a_lambda_outside_a_lambda_layer_is_saved_as_keras_3_does():
    with pytest.warns(UserWarning, match="lambda is saved as bytecode"):
        config = serialize_keras_object(lambda t: t * 5.0)
    assert config["class_name"] == "__lambda__" and len(config["config"]["value"]) == 3
    with pytest.raises(ValueError, match="safe mode refuses"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, safe_mode=False)(2.0) == 10.0


# --- Keras 3 itself ------------------------------------------------------------------------------

def test_h5_files_written_by_keras_load_in_neuronet(real_keras, tmp_path):
    keras = real_keras
    keras.utils.set_random_seed(0)
    x, y = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.BatchNormalization(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save(tmp_path / "k.h5")
    loaded = load_model(tmp_path / "k.h5")
    np.testing.assert_allclose(predict(loaded, x), predict(model, x), rtol=1e-5, atol=1e-6)
    assert type(loaded.optimizer).__name__ == "Adam" and int(loaded.optimizer.iterations) == 2
    for ours, theirs in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(ours.data, np.asarray(theirs), rtol=1e-6)

    a, b = keras.Input((4,)), keras.Input((3,))
    joined = keras.layers.Concatenate()([keras.layers.Lambda(lambda t: t * 2.0 - 1.0)(a), b])
    model = keras.Model([a, b], keras.layers.Dense(2)(keras.layers.Lambda(double)(joined)))
    model.save(tmp_path / "lambda.h5")
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(tmp_path / "lambda.h5", custom_objects={"double": double})
    loaded = load_model(tmp_path / "lambda.h5", custom_objects={"double": double},
                        safe_mode=False)
    inputs = [x, x[:, :3]]
    np.testing.assert_allclose(predict(loaded, inputs), predict(model, inputs), rtol=1e-5,
                               atol=1e-6)


def test_h5_files_written_by_neuronet_load_in_keras(real_keras, tmp_path):
    keras = real_keras
    x, _ = data()
    model = trained(sequential())
    model.save(tmp_path / "n.h5")
    model.save_weights(tmp_path / "w.h5")
    loaded = keras.saving.load_model(tmp_path / "n.h5")
    np.testing.assert_allclose(predict(loaded, x), predict(model, x), rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations) == 4
    same = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu"),
                             keras.layers.BatchNormalization(), keras.layers.Dense(2,
                                                                               "softmax")])
    same.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(predict(same, x), predict(model, x), rtol=1e-5, atol=1e-6)

    model = lambda_model(lambda t: t * 2.0 - 1.0)
    model.save(tmp_path / "lambda.h5")
    loaded = keras.saving.load_model(tmp_path / "lambda.h5", safe_mode=False)
    np.testing.assert_allclose(predict(loaded, x[:, :3]), predict(model, x[:, :3]), rtol=1e-5,
                               atol=1e-6)
    model = lambda_model(double)
    model.save(tmp_path / "named.h5")
    loaded = keras.saving.load_model(tmp_path / "named.h5", custom_objects={"double": double})
    np.testing.assert_allclose(predict(loaded, x[:, :3]), predict(model, x[:, :3]), rtol=1e-5,
                               atol=1e-6)


def test_a_model_with_op_nodes_round_trips(tmp_path):
    inputs = nn.Input((4,))
    hidden = layers.Dense(4)(inputs)
    model = nn.Model(inputs, layers.Dense(1)(hidden + inputs))   # an Add op node, not a layer
    path = str(tmp_path / "ops.h5")
    with pytest.warns(UserWarning, match="legacy HDF5"):
        model.save(path)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(load_model(path).predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)
