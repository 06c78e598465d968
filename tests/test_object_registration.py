"""The custom-object registry (register_keras_serializable, custom_object_scope), loading of
custom layers, activations and losses through it, and clone_model."""
import json
import re
import zipfile

import numpy as np
import pytest

import neuronet as keras
from neuronet import activations, initializers, layers, losses, metrics, models, ops, regularizers
from neuronet.saving import object_registration


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    """Each test starts with an empty global registry and leaves none behind."""
    monkeypatch.setattr(object_registration, "_GLOBAL_CUSTOM_OBJECTS", {})
    monkeypatch.setattr(object_registration, "_GLOBAL_CUSTOM_NAMES", {})


class ScaleLayer(layers.Layer):
    """Multiplies its input by a trained vector `scale` and a fixed `factor`."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="random_normal")

    def call(self, inputs):
        return inputs * self.scale * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def cube(x):
    return ops.multiply(ops.multiply(x, x), x)


def half_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1) * 0.5


def custom_model():
    inputs = keras.Input((3,))
    hidden = ScaleLayer(2.0, name="scale")(inputs)
    outputs = layers.Dense(2, activation=cube, name="head")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss=half_squared_error)
    return model


X = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")


def register_all():
    keras.saving.register_keras_serializable(package="test_pkg")(ScaleLayer)
    keras.saving.register_keras_serializable(package="test_pkg")(cube)
    keras.saving.register_keras_serializable(package="test_pkg", name="half_se")(
        half_squared_error)


PLAIN_NAMES = {"ScaleLayer": ScaleLayer, "cube": cube, "half_squared_error": half_squared_error}


# --- the registry and the scope -------------------------------------------------------------

def test_register_gives_package_and_name_and_finds_the_object_again():
    register_all()
    assert keras.saving.get_registered_name(ScaleLayer) == "test_pkg>ScaleLayer"
    assert keras.saving.get_registered_name(half_squared_error) == "test_pkg>half_se"
    assert keras.saving.get_registered_object("test_pkg>ScaleLayer") is ScaleLayer
    assert keras.saving.get_custom_objects() == {"test_pkg>ScaleLayer": ScaleLayer,
                                                 "test_pkg>cube": cube,
                                                 "test_pkg>half_se": half_squared_error}

    def unregistered(x):
        return x

    assert keras.saving.get_registered_name(unregistered) == "unregistered"
    assert keras.saving.get_registered_object("unregistered") is None
    assert keras.saving.get_registered_object("a", custom_objects={"a": cube}) is cube
    assert keras.saving.get_registered_object("a", module_objects={"a": cube}) is cube


def test_default_package_is_custom_and_the_decorator_returns_the_object():
    decorated = keras.saving.register_keras_serializable()(cube)
    assert decorated is cube
    assert keras.saving.get_registered_name(cube) == "Custom>cube"


def test_utils_exposes_the_same_functions():
    for name in ("register_keras_serializable", "get_registered_object", "get_registered_name",
                 "custom_object_scope", "CustomObjectScope", "get_custom_objects"):
        assert getattr(keras.utils, name) is getattr(keras.saving, name)
    assert keras.saving.custom_object_scope is keras.saving.CustomObjectScope
    assert keras.models.save_model is keras.saving.save_model


def test_register_rejects_a_class_without_get_config_and_a_bad_package():
    with pytest.raises(ValueError, match="NoConfig: it has no get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))
    with pytest.raises(ValueError, match="package=3"):
        keras.saving.register_keras_serializable(package=3)


def test_custom_object_scope_nests_and_ends():
    with keras.saving.custom_object_scope({"a": cube}):
        with keras.saving.custom_object_scope({"b": half_squared_error}):
            assert keras.saving.get_registered_object("a") is cube
            assert keras.saving.get_registered_object("b") is half_squared_error
        assert keras.saving.get_registered_object("b") is None
    assert keras.saving.get_registered_object("a") is None
    with pytest.raises(TypeError, match="expected a dict"):
        keras.saving.custom_object_scope([cube])


def test_every_get_consults_the_registry_and_the_scope():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 0.5, dtype or "float32")

    class Absolute(regularizers.Regularizer):
        def __call__(self, x):
            return ops.sum(ops.abs(x))

    for obj in (Halves, Absolute, cube, half_squared_error):
        keras.saving.register_keras_serializable(package="p")(obj)
    assert isinstance(initializers.get("p>Halves"), Halves)
    assert isinstance(regularizers.get("p>Absolute"), Absolute)
    assert activations.get("p>cube") is cube
    assert losses.get("p>half_squared_error") is half_squared_error
    assert metrics.get("p>half_squared_error").name == "half_squared_error"
    with keras.saving.custom_object_scope({"my_cube": cube, "my_init": Halves}):
        assert activations.get("my_cube") is cube
        assert isinstance(initializers.get("my_init"), Halves)
        assert isinstance(layers.Dense(2, kernel_initializer="my_init").kernel_initializer,
                          Halves)
    with pytest.raises(ValueError, match="Unknown activation 'my_cube'. Valid names: .*relu"):
        activations.get("my_cube")
    assert activations.get("relu") is activations.relu       # built-ins unchanged


def test_user_activation_serializes_as_its_registered_name_in_keras_3_layout():
    config = {"module": "builtins", "class_name": "function", "config": "cube",
              "registered_name": "function"}
    assert activations.serialize(cube) == config
    register_all()
    registered = {**config, "config": "test_pkg>cube"}
    assert activations.serialize(cube) == registered
    assert layers.Dense(2, activation=cube).get_config()["activation"] == registered
    assert activations.serialize(activations.relu) == "relu"
    assert activations.deserialize(registered) is cube
    # as Keras 3 writes it, and as a plain name
    assert activations.get({"module": "builtins", "class_name": "function",
                            "config": "test_pkg>cube", "registered_name": "function"}) is cube
    assert activations.get("test_pkg>cube") is cube
    # saved while registered, loaded where only the plain name is known
    keras.saving.get_custom_objects().clear()
    assert activations.deserialize(registered, custom_objects={"cube": cube}) is cube
    with pytest.raises(ValueError, match="named activation function or a layer"):
        activations.serialize(lambda x: x)


# --- saving and loading custom objects --------------------------------------------------------

@pytest.mark.parametrize("how", ["registry", "custom_objects", "scope",
                                 "registered_then_custom_objects"])
def test_model_with_custom_layer_activation_and_loss_loads(how, tmp_path):
    if how in ("registry", "registered_then_custom_objects"):
        register_all()
    model = custom_model()
    model.save(tmp_path / "custom.keras")
    if how == "registered_then_custom_objects":
        keras.saving.get_custom_objects().clear()       # as in a fresh process
        loaded = models.load_model(tmp_path / "custom.keras",   # names without the package
                                   custom_objects={"ScaleLayer": ScaleLayer, "cube": cube,
                                                   "half_se": half_squared_error})
    elif how == "custom_objects":
        loaded = models.load_model(tmp_path / "custom.keras", custom_objects=PLAIN_NAMES)
    elif how == "scope":
        with keras.saving.custom_object_scope(PLAIN_NAMES):
            loaded = models.load_model(tmp_path / "custom.keras")
    else:
        loaded = models.load_model(tmp_path / "custom.keras")
    assert isinstance(loaded.get_layer("scale"), ScaleLayer)
    assert loaded.get_layer("scale").factor == 2.0
    assert loaded.get_layer("head").activation is cube
    assert loaded.loss is half_squared_error
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_saved_config_names_registered_objects(tmp_path):
    register_all()
    custom_model().save(tmp_path / "custom.keras")
    with zipfile.ZipFile(tmp_path / "custom.keras") as archive:
        config = json.loads(archive.read("config.json"))
    entries = {entry["name"]: entry for entry in config["config"]["layers"]}
    assert entries["scale"]["class_name"] == "ScaleLayer"
    assert entries["scale"]["registered_name"] == "test_pkg>ScaleLayer"
    assert entries["head"]["config"]["activation"]["config"] == "test_pkg>cube"
    assert config["compile_config"]["loss"]["config"] == "test_pkg>half_se"


def test_unknown_custom_objects_give_the_clear_errors(tmp_path):
    custom_model().save(tmp_path / "custom.keras")
    with pytest.raises(ValueError) as error:
        models.load_model(tmp_path / "custom.keras")
    message = str(error.value)               # the file, the class, the remedy: no list
    assert re.fullmatch(r"load_model: '.*custom\.keras': unknown class 'ScaleLayer' \(module "
                        r"'.*'\)\. If it is a custom class, register it with "
                        r"@keras\.saving\.register_keras_serializable\(\), or pass it to the "
                        r"loading function as custom_objects=\{'ScaleLayer': ScaleLayer\}\.",
                        message), message
    with pytest.raises(ValueError, match=r"Unknown activation 'cube'. Valid names: .*relu"):
        models.load_model(tmp_path / "custom.keras", custom_objects={"ScaleLayer": ScaleLayer})
    with pytest.raises(ValueError, match=r"unknown function 'half_squared_error'"):
        models.load_model(tmp_path / "custom.keras",
                          custom_objects={"ScaleLayer": ScaleLayer, "cube": cube})


def test_layer_as_activation_is_saved_as_its_config(tmp_path):
    model = keras.Sequential([keras.Input((3,)),
                              layers.Dense(2, activation=layers.LeakyReLU(negative_slope=0.2))])
    activation = model.layers[0].get_config()["activation"]
    assert activation["class_name"] == "LeakyReLU"
    assert activation["config"]["negative_slope"] == 0.2
    model.save(tmp_path / "leaky.keras")
    loaded = models.load_model(tmp_path / "leaky.keras")
    assert isinstance(loaded.layers[0].activation, layers.LeakyReLU)
    kernel, bias = (w.numpy() for w in loaded.layers[0].weights)
    linear = X @ kernel + bias
    np.testing.assert_allclose(loaded.predict(X, verbose=0),
                               np.where(linear > 0, linear, 0.2 * linear), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def keras_scale_layer(k):
    """ScaleLayer written for Keras 3 (the class name also names its weights in the file)."""
    class ScaleLayer(k.layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.scale * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    return ScaleLayer


def test_custom_objects_travel_to_keras_3_and_back(real_keras, tmp_path):
    k = real_keras
    KerasScale = keras_scale_layer(k)

    def keras_cube(x):
        return x * x * x

    def keras_half_se(y_true, y_pred):
        return k.ops.mean(k.ops.square(y_true - y_pred), axis=-1) * 0.5

    register_all()
    model = custom_model()
    model.save(tmp_path / "neuronet.keras")
    in_keras = k.models.load_model(tmp_path / "neuronet.keras", custom_objects={
        "test_pkg>ScaleLayer": KerasScale, "test_pkg>cube": keras_cube,
        "test_pkg>half_se": keras_half_se})
    expected = model.predict(X, verbose=0)
    np.testing.assert_allclose(in_keras.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)
    in_keras.save(tmp_path / "keras.keras")          # Keras 3's names of unregistered objects
    back = models.load_model(tmp_path / "keras.keras", custom_objects={
        "ScaleLayer": ScaleLayer, "keras_cube": cube, "keras_half_se": half_squared_error})
    assert back.get_layer("head").activation is cube and back.loss is half_squared_error
    np.testing.assert_allclose(back.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


# --- clone_model ------------------------------------------------------------------------------

def assert_same_function_new_weights(clone, model):
    assert len(clone.weights) == len(model.weights)
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(X, verbose=0), model.predict(X, verbose=0))
    clone.weights[0].assign(clone.weights[0].numpy() + 1.0)      # the original is untouched
    assert not np.array_equal(clone.weights[0].numpy(), model.weights[0].numpy())


def test_clone_of_unregistered_custom_layers_uses_the_live_classes():
    functional = custom_model()
    sequential = keras.Sequential([keras.Input((3,)), ScaleLayer(3.0), layers.Dense(2)])
    for model in (functional, sequential):
        clone = models.clone_model(model)
        assert type(clone) is type(model)
        assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
        assert_same_function_new_weights(clone, model)


def test_clone_keeps_a_shared_layer_shared():
    inputs = keras.Input((3,))
    shared = ScaleLayer(name="shared")
    model = keras.Model(inputs, layers.Add()([shared(inputs), shared(layers.ReLU()(inputs))]))
    clone = models.clone_model(model)
    assert len(clone.weights) == len(model.weights) == 1
    assert_same_function_new_weights(clone, model)


def test_clone_function_makes_each_clone():
    made = []

    def clone_function(layer):
        made.append(layer.name)
        return layer.__class__.from_config({**layer.get_config(), "name": layer.name + "_copy"})

    functional = custom_model()
    clone = models.clone_model(functional, clone_function=clone_function)
    assert made == ["scale", "head"]
    assert [layer.name for layer in clone.layers[1:]] == ["scale_copy", "head_copy"]
    assert_same_function_new_weights(clone, functional)

    sequential = keras.Sequential([keras.Input((3,)), layers.Dense(4, name="a"),
                                   layers.Dense(2, name="b")])
    made.clear()
    clone = models.clone_model(sequential, clone_function=clone_function)
    assert made == ["a", "b"]
    assert [layer.name for layer in clone.layers] == ["a_copy", "b_copy"]
    assert_same_function_new_weights(clone, sequential)

    reused = models.clone_model(sequential, clone_function=lambda layer: layer)
    assert all(a is b for a, b in zip(reused.weights, sequential.weights))


def test_clone_on_given_input_tensors_and_call_function():
    model = custom_model()
    new_input = keras.Input((3,), name="given")
    clone = models.clone_model(model, input_tensors=new_input)
    assert clone.inputs[0] is new_input
    assert_same_function_new_weights(clone, model)

    def double_outputs(layer, *args, **kwargs):
        return layers.Rescaling(2.0)(layer(*args, **kwargs))

    doubled = models.clone_model(model, clone_function=lambda layer: layer,
                                 call_function=double_outputs)
    assert len(doubled.layers) == len(model.layers) + 2
    # scale's output doubled, then head(2 s) = 2 cube(2 s W + b); computed here by hand
    kernel, bias = (w.numpy() for w in model.get_layer("head").weights)
    scaled = X * model.get_layer("scale").scale.numpy() * 2.0
    expected = 2.0 * (2.0 * scaled @ kernel + bias) ** 3
    np.testing.assert_allclose(doubled.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)

    with pytest.raises(ValueError, match="input_tensors.*1 tensor"):
        models.clone_model(model, input_tensors=[new_input, new_input])


def test_clone_argument_errors():
    class Subclassed(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    with pytest.raises(ValueError, match="subclassed Subclassed"):
        models.clone_model(Subclassed(), clone_function=lambda layer: layer)
    sequential = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="call_function.*functional models only"):
        models.clone_model(sequential, call_function=lambda layer, x: layer(x))
    with pytest.raises(ValueError, match="clone_function.*callable.*clone_function=3"):
        models.clone_model(sequential, clone_function=3)
    with pytest.raises(TypeError, match="expected a Model or Sequential, received Dense"):
        models.clone_model(layers.Dense(2))


def test_clone_of_a_subclassed_model_rebuilds_it_from_its_config():
    class Subclassed(keras.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    clone = models.clone_model(Subclassed(units=5))
    assert type(clone) is Subclassed and clone.units == 5 and not clone.compiled


@pytest.mark.parametrize("build", [
    lambda: keras.Sequential([keras.Input((3,)), layers.Dense(2)]),
    lambda: keras.Model(*(lambda i: (i, layers.Dense(2)(i)))(keras.Input((3,)))),
    lambda: keras.Sequential([layers.Dense(2)])], ids=["sequential", "functional", "deferred"])
def test_clone_of_a_compiled_model_is_compiled_alike_with_its_own_optimizer(build):
    model = build()
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(X, np.zeros((len(X), 2)), verbose=0)
    clone = models.clone_model(model)
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert clone.optimizer.get_config() == model.optimizer.get_config()
    history = clone.fit(X, np.zeros((len(X), 2)), verbose=0).history
    assert set(history) == {"loss", "mae"}


def test_save_model_function_writes_the_same_file(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    models.save_model(model, tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
