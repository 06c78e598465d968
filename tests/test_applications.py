"""keras.applications: VGG16, ResNet50 and MobileNetV2 against Keras 3 (layer names and order,
weight shapes, parameter counts, and predictions once Keras' weights are loaded from a file in
the layout of Keras' ImageNet files), weights="imagenet" served from file:// origins,
preprocess_input and decode_predictions."""
import hashlib
import inspect
import json
import re
from pathlib import Path

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import applications, backend, layers
from neuronet.applications import imagenet_utils, mobilenet_v2, resnet, resnet50, vgg16

# Keras' own HDF5 writer, used here to produce its weight files, hands JAX arrays to NumPy 2,
# which warns about their __array__ signature once per weight: not this project's code.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


@pytest.fixture
def oracle(real_keras, monkeypatch):
    """Keras 3 whose initializers give NumPy zeros: on JAX they compile a small program for
    every new weight shape (seconds per model), and the tests set every weight anyway."""
    from keras.src.initializers import constant_initializers, random_initializers

    def zeros(self, shape, dtype=None):
        return np.zeros(shape, dtype or "float32")
    for initializer in (random_initializers.VarianceScaling, constant_initializers.Zeros,
                        constant_initializers.Ones):
        monkeypatch.setattr(initializer, "__call__", zeros)
    return real_keras


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def randomize(model, seed=0):
    """Give every weight of a Keras model random values: kernels of variance 2 / fan_in,
    gamma and moving variance in [0.5, 1.5], biases, beta and moving mean near 0."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        shape, leaf = tuple(weight.shape), weight.path.split("/")[-1]
        low, high = -0.2, 0.2
        if leaf.endswith("kernel"):
            high = float(np.sqrt(6.0 / np.prod(shape[:-1])))
            low = -high
        elif leaf in ("gamma", "moving_variance"):
            low, high = 0.5, 1.5
        weight.assign(low + (high - low) * rng.random(shape, dtype=np.float32))


def save_like_imagenet_file(model, path):
    """Write a Keras model's weights as Keras' ImageNet files hold them: Keras 2's
    weights-only HDF5 layout (attribute `layer_names`, one group per layer)."""
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as h5file:
        legacy_h5_format.save_weights_to_hdf5_group(h5file, model)


def layer_names(model):
    """The names of the layers in order; the numbers Keras and neuronet append to generated
    names (input_layer_3, global_average_pooling2d_1) depend on earlier models: left out."""
    generated = re.compile(r"^(input_layer|global_average_pooling2d|global_max_pooling2d)_\d+$")
    return [generated.sub(r"\1", layer.name) for layer in model.layers]


def assert_same_model(model, reference, name=None):
    """Same name (or `name`), layers (order, names, classes), weight shapes and parameter
    counts."""
    assert model.name == (name or reference.name)
    assert layer_names(model) == layer_names(reference)
    assert ([type(layer).__name__ for layer in model.layers]
            == [type(layer).__name__ for layer in reference.layers])
    assert [tuple(w.shape) for w in model.weights] == [tuple(w.shape) for w in reference.weights]
    assert model.count_params() == reference.count_params()
    assert (sum(int(np.prod(w.shape)) for w in model.trainable_weights)
            == sum(int(np.prod(w.shape)) for w in reference.trainable_weights))
    assert model.output_shape == reference.output_shape


def assert_same_weights(model, reference):
    for ours, theirs in zip(model.weights, reference.weights, strict=True):
        np.testing.assert_array_equal(ours.numpy(), np.asarray(theirs))


def assert_same_predictions(models, reference, shape):
    x = np.random.default_rng(1).uniform(-1, 1, (2,) + shape).astype("float32")
    expected = np.asarray(reference.predict(x, verbose=0))
    for model in models:
        got = model.predict(x, verbose=0)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


# --- the models against Keras, with Keras' weights loaded from a file ----------------------------

TOP_CASES = [
    pytest.param("VGG16", dict(input_shape=(32, 32, 3), classes=5, classifier_activation=None),
                 id="vgg16"),
    pytest.param("ResNet50", dict(input_shape=(32, 32, 3), classes=7), id="resnet50"),
    pytest.param("MobileNetV2", dict(input_shape=(32, 32, 3), alpha=0.35, classes=6),
                 id="mobilenet_v2"),
]


@pytest.mark.parametrize("function, arguments", TOP_CASES)
def test_predicts_as_keras_with_the_weights_keras_saved(oracle, tmp_path, function, arguments):
    reference = getattr(oracle.applications, function)(weights=None, **arguments)
    randomize(reference)
    legacy = tmp_path / "weights.h5"
    save_like_imagenet_file(reference, legacy)
    model = getattr(applications, function)(weights=str(legacy), **arguments)
    assert_same_model(model, reference)
    assert_same_weights(model, reference)
    models = [model]
    if function == "MobileNetV2":                 # also from Keras 3's own weights file
        keras3 = tmp_path / "mobilenet.weights.h5"
        reference.save_weights(keras3)
        models.append(getattr(applications, function)(weights=keras3, **arguments))
        assert_same_weights(models[-1], reference)
    assert_same_predictions(models, reference, arguments["input_shape"])


# --- weights="imagenet": Keras' files, served from a local origin --------------------------------

def serve_imagenet_file(monkeypatch, module, folder, fname, file_hash):
    """Make `module` download its ImageNet weights from `folder` and expect `file_hash`."""
    monkeypatch.setattr(module, "BASE_WEIGHTS_PATH", folder.as_uri() + "/")
    if module is vgg16:
        monkeypatch.setitem(vgg16.WEIGHTS_FILES, False, (fname, file_hash))
    elif module is resnet:
        top_hash = resnet.WEIGHTS_HASHES["resnet50"][0]
        monkeypatch.setitem(resnet.WEIGHTS_HASHES, "resnet50", (top_hash, file_hash))


IMAGENET_CASES = [
    pytest.param(vgg16, "VGG16", dict(input_shape=(32, 32, 3), pooling="avg"),
                 "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", id="vgg16"),
    pytest.param(resnet, "ResNet50", dict(input_shape=(32, 32, 3), pooling="max"),
                 "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", id="resnet50"),
    # odd, non-square images: Keras' weights for 224x224 (with a warning), asymmetric padding
    pytest.param(mobilenet_v2, "MobileNetV2", dict(input_shape=(33, 35, 3), alpha=1.4),
                 "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224_no_top.h5",
                 id="mobilenet_v2"),
]


@pytest.mark.parametrize("module, function, arguments, fname", IMAGENET_CASES)
def test_imagenet_weights_are_downloaded_cached_and_loaded(oracle, home, tmp_path, monkeypatch,
                                                           module, function, arguments, fname):
    reference = getattr(oracle.applications, function)(weights=None, include_top=False,
                                                       **arguments)
    randomize(reference, seed=2)
    served = tmp_path / "server"
    served.mkdir()
    save_like_imagenet_file(reference, served / fname)
    with h5py.File(served / fname, "r") as h5file:     # the layout of Keras' ImageNet files
        assert "layer_names" in h5file.attrs and "model_weights" not in h5file
    serve_imagenet_file(monkeypatch, module, served, fname, md5(served / fname))
    build = getattr(applications, function)
    if module is mobilenet_v2:
        with pytest.warns(UserWarning, match=r"Weights for input shape \(224, 224\)"):
            model = build(weights="imagenet", include_top=False, **arguments)
    else:
        model = build(weights="imagenet", include_top=False, **arguments)
    assert (home / "models" / fname).read_bytes() == (served / fname).read_bytes()
    # with ImageNet weights for 224x224 images MobileNetV2 is named after them, as in Keras
    assert_same_model(model, reference,
                      name="mobilenetv2_1.40_224" if module is mobilenet_v2 else None)
    assert_same_weights(model, reference)     # the predictions with them are checked above


def test_imagenet_file_with_another_hash_is_refused(home, tmp_path, monkeypatch):
    served = tmp_path / "server"
    served.mkdir()
    fname = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    (served / fname).write_bytes(b"not the weights")
    serve_imagenet_file(monkeypatch, resnet, served, fname, "0" * 32)
    with pytest.raises(ValueError, match="corrupted"):
        applications.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert not (home / "models" / fname).exists()


class Downloaded(Exception):
    """Raised by the recording get_file to stop before any download."""


def record_get_file(monkeypatch, target):
    """Replace `target.get_file` by a recorder of its arguments that raises Downloaded."""
    calls = []

    def get_file(fname=None, origin=None, cache_subdir="datasets", file_hash=None, **kwargs):
        calls.append(dict(fname=fname, origin=origin, cache_subdir=cache_subdir,
                          file_hash=file_hash))
        raise Downloaded
    monkeypatch.setattr(target, "get_file", get_file)
    return calls


@pytest.mark.parametrize("function, arguments", [
    ("VGG16", dict(include_top=False, input_shape=(32, 32, 3))),
    ("ResNet50", dict()),
    ("MobileNetV2", dict(include_top=False, input_shape=(96, 96, 3), alpha=0.5)),
])
def test_imagenet_files_origins_hashes_and_cache_are_keras(oracle, monkeypatch, function,
                                                          arguments):
    from keras.src.utils import file_utils as keras_file_utils
    ours = record_get_file(monkeypatch, imagenet_utils)
    theirs = record_get_file(monkeypatch, keras_file_utils)
    with pytest.raises(Downloaded):
        getattr(oracle.applications, function)(**arguments)
    with pytest.raises(Downloaded):
        getattr(applications, function)(**arguments)
    assert ours == theirs and len(ours) == 1


def test_vgg16_top_file_and_class_index_are_keras(real_keras):
    from keras.src.applications import imagenet_utils as keras_imagenet_utils
    from keras.src.applications import vgg16 as keras_vgg16
    fname, file_hash = vgg16.WEIGHTS_FILES[True]
    assert keras_vgg16.WEIGHTS_PATH == vgg16.BASE_WEIGHTS_PATH + fname
    source = inspect.getsource(keras_vgg16.VGG16)
    assert f'"{fname}"' in source and f'file_hash="{file_hash}"' in source
    assert keras_imagenet_utils.CLASS_INDEX_PATH == imagenet_utils.CLASS_INDEX_PATH
    assert (f'file_hash="{imagenet_utils.CLASS_INDEX_HASH}"'
            in inspect.getsource(keras_imagenet_utils.decode_predictions))


# --- building: names, inputs, transfer learning --------------------------------------------------

def test_keras_style_access_and_default_names():
    assert keras.applications.MobileNetV2 is mobilenet_v2.MobileNetV2
    assert keras.applications.vgg16.preprocess_input is vgg16.preprocess_input
    assert keras.applications.resnet50.decode_predictions is imagenet_utils.decode_predictions
    model = keras.applications.MobileNetV2(weights=None, alpha=0.35)
    assert model.name == "mobilenetv2_0.35_224"
    assert model.input_shape == (None, 224, 224, 3) and model.output_shape == (None, 1000)
    model = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                           input_shape=(128, 128, 3), name="base")
    assert model.name == "base" and model.output_shape == (None, 4, 4, 1280)
    features = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35)
    assert features.name == "mobilenetv2_0.35_None"     # Keras' name: no known input size
    assert features.input_shape == (None, None, None, 3)
    assert features.output_shape == (None, None, None, 1280)


def test_input_tensor_keeps_the_layers_before_it():
    inputs = keras.Input((32, 32, 3))
    scaled = layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    model = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                     input_tensor=scaled, pooling="avg")
    assert model.inputs[0] is inputs
    assert type(model.layers[1]).__name__ == "Rescaling" and model.layers[2].name == "Conv1"
    assert model.name == "mobilenetv2_0.35_None"        # Keras' name: no known input size
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    plain = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                     input_shape=(32, 32, 3), pooling="avg")
    plain.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               plain.predict(x / 127.5 - 1, verbose=0), rtol=1e-5, atol=1e-6)


def test_frozen_base_with_a_new_head_trains_only_the_head():
    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False,
                                          weights=None, alpha=0.35)
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in base.get_weights()]
    rng = np.random.default_rng(0)
    history = model.fit(rng.uniform(0, 255, (8, 32, 32, 3)).astype("float32"),
                        rng.normal(size=(8, 1)).astype("float32"), epochs=2, verbose=0)
    assert len(model.trainable_weights) == 2
    for old, new in zip(before, base.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert history.history["loss"][1] < history.history["loss"][0]


# --- argument errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("function", ["VGG16", "ResNet50", "MobileNetV2"])
@pytest.mark.parametrize("arguments, message", [
    (dict(weights="imagenet21k"), "`weights` argument should be either"),
    (dict(weights="/no/such/file.h5"), "`weights` argument should be either"),
    (dict(classes=10), "`classes` should be 1000"),
    (dict(input_shape=(200, 200, 3)), r"`input_shape` should be \(224, 224, 3\)"),
    (dict(include_top=False, input_shape=(31, 64, 3)), "at least 32x32"),
    (dict(include_top=False, input_shape=(64, 64)), "tuple of three integers"),
    (dict(include_top=False, input_shape=(64, 64, 1)), "must have 3 channels"),
    (dict(include_top=False, pooling="mean"), "pooling"),
    (dict(weights=None, input_shape=(None, None, 3)), "static `input_shape`"),
    (dict(input_tensor=np.zeros((1, 32, 32, 3))), "`input_tensor` must be a symbolic tensor"),
])
def test_argument_errors_are_raised_before_any_download(monkeypatch, function, arguments,
                                                        message):
    record_get_file(monkeypatch, imagenet_utils)
    with pytest.raises(ValueError, match=message) as error:
        getattr(applications, function)(**arguments)
    assert function in str(error.value)


def test_pretrained_classifier_activation_and_alpha_errors(tmp_path, monkeypatch):
    record_get_file(monkeypatch, imagenet_utils)
    path = tmp_path / "weights.h5"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="classifier_activation='relu'"):
        applications.MobileNetV2(weights=str(path), input_shape=(32, 32, 3), alpha=0.35,
                                 classes=3, classifier_activation="relu")
    with pytest.raises(ValueError, match="alpha must be one of"):
        applications.MobileNetV2(weights="imagenet", alpha=0.6)
    with pytest.raises(ValueError, match="width of `input_tensor` and of `input_shape`"):
        applications.MobileNetV2(weights=None, include_top=False,
                                 input_tensor=keras.Input((64, 64, 3)), input_shape=(64, 48, 3))


def test_other_channel_counts_warn_without_imagenet_weights():
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        model = applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 4))
    assert model.input_shape == (None, 32, 32, 4)


# --- preprocess_input ----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format, shape", [("channels_last", (2, 5, 4, 3)),
                                                ("channels_first", (2, 3, 5, 4)),
                                                ("channels_last", (5, 4, 3)),
                                                ("channels_first", (3, 5, 4))])
def test_preprocess_input_matches_keras(real_keras, mode, data_format, shape):
    from keras.src.applications import imagenet_utils as keras_imagenet_utils
    images = np.random.default_rng(0).uniform(0, 255, shape).astype("float32")
    ours, theirs = images.copy(), images.copy()
    result = imagenet_utils.preprocess_input(ours, data_format=data_format, mode=mode)
    expected = keras_imagenet_utils.preprocess_input(theirs, data_format=data_format, mode=mode)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(ours, theirs)     # the input is changed in place as in Keras
    tensor = imagenet_utils.preprocess_input(keras.Tensor(images), data_format, mode)
    assert tensor.dtype == "float32"
    np.testing.assert_allclose(tensor.numpy(), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("module", ["vgg16", "resnet50", "mobilenet_v2"])
def test_model_preprocess_input_matches_keras_on_uint8_images(real_keras, module):
    images = np.random.default_rng(0).integers(0, 256, (2, 6, 6, 3)).astype("uint8")
    keras_module = getattr(real_keras.applications, module)
    expected = keras_module.preprocess_input(images.copy())
    result = getattr(applications, module).preprocess_input(images)
    assert images.dtype == np.uint8 and result.dtype == np.float32
    np.testing.assert_array_equal(result, expected)


def test_preprocess_input_in_a_functional_model_is_a_graph_step():
    images = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    for module in (vgg16, mobilenet_v2):
        inputs = keras.Input((4, 4, 3))
        model = keras.Model(inputs, module.preprocess_input(inputs))
        np.testing.assert_allclose(model.predict(images, verbose=0),
                                   module.preprocess_input(images.copy()), rtol=1e-6, atol=1e-5)


def test_preprocess_input_errors():
    with pytest.raises(ValueError, match="mode='caffee'"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="caffee")
    with pytest.raises(ValueError, match="data_format"):
        vgg16.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="channels_middle")


# --- decode_predictions --------------------------------------------------------------------------

@pytest.fixture
def class_index(home, tmp_path, monkeypatch):
    """A fake imagenet_class_index.json served from a local origin, with its hash."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    served = tmp_path / "server"
    served.mkdir()
    path = served / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", path.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", md5(path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    return index


def test_decode_predictions_matches_keras(real_keras, class_index, home, monkeypatch):
    from keras.src.applications import imagenet_utils as keras_imagenet_utils
    monkeypatch.setattr(keras_imagenet_utils, "CLASS_INDEX", class_index)
    preds = np.random.default_rng(0).dirichlet(np.ones(1000), size=3).astype("float32")
    for top in (1, 5):
        ours = resnet50.decode_predictions(preds, top=top)
        assert ours == keras_imagenet_utils.decode_predictions(preds, top=top)
        assert [len(row) for row in ours] == [top] * 3
    assert (home / "models" / "imagenet_class_index.json").exists()
    best = int(np.argmax(preds[1]))
    assert ours[1][0] == (f"n{best:08d}", f"class_{best}", preds[1, best])
    assert mobilenet_v2.decode_predictions(keras.Tensor(preds), top=2)[2] == ours[2][:2]


def test_decode_predictions_errors(class_index):
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\).*\(2, 10\)"):
        vgg16.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="top=0"):
        vgg16.decode_predictions(np.zeros((2, 1000)), top=0)


def test_channels_first_gives_the_channels_last_results():
    """Same weights, transposed images: the same features (BatchNormalization on axis 1,
    the asymmetric padding of strided depthwise convolutions on the right axes)."""
    last = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                    input_shape=(33, 35, 3), pooling="max")
    randomize(last, seed=4)
    x = np.random.default_rng(5).uniform(-1, 1, (2, 33, 35, 3)).astype("float32")
    expected = last.predict(x, verbose=0)
    backend.set_image_data_format("channels_first")
    try:
        first = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                         input_shape=(3, 33, 35), pooling="max")
        assert [w.shape for w in first.weights] == [w.shape for w in last.weights]
        first.set_weights(last.get_weights())
        got = first.predict(x.transpose(0, 3, 1, 2), verbose=0)
    finally:
        backend.set_image_data_format("channels_last")
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    assert np.abs(expected).max() > 0.1
