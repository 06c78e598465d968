"""keras.applications: VGG19, the ResNet and ResNetV2 families, DenseNet, MobileNet,
Xception, InceptionV3, MobileNetV3 and EfficientNet against Keras 3: layer names, classes and
order, weight shapes, parameter counts and output shapes; Keras' ImageNet file names, origins
and hashes, with Keras' weights loaded from a file in the layout of its ImageNet files;
predictions; preprocess_input.

Timing: Keras builds each of these models in 0.2-2 s and its first `predict` compiles the
whole network (1-15 s), so predictions are compared on the smaller members of each family and
on reduced builds of the DenseNet and EfficientNet builders, structures only on the others;
the deepest members (ResNet152, ResNet152V2, DenseNet201) dominate the structure tests.
"""
import inspect
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import applications, backend
from neuronet.applications import (densenet, efficientnet, imagenet_utils, inception_v3,
                                   mobilenet, mobilenet_v3, resnet, resnet_v2, vgg19, xception)
from test_applications import (assert_same_model, assert_same_predictions, assert_same_weights,
                               oracle, randomize, save_like_imagenet_file)

pytestmark = [
    # Keras' HDF5 writer hands JAX arrays to NumPy 2, which warns: not this project's code
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
    # the MobileNets warn when the images are not of the size of a weight file, as in Keras
    pytest.mark.filterwarnings("ignore:.*Weights for input shape:UserWarning"),
]


@pytest.fixture
def fresh(request):
    """Keras (test_applications' `oracle`: zero initializers) and neuronet both naming layers
    from scratch: the generated names (conv2d_5, add_2, ...) then agree."""
    real_keras = request.getfixturevalue(oracle.__name__)
    real_keras.backend.clear_session(free_memory=False)
    backend.clear_session()
    return real_keras


def randomize_all(model, seed=0):
    """`randomize` a Keras model, with a positive variance and an integer count for
    Normalization (which Keras then reads, as after loading a file)."""
    randomize(model, seed)
    for layer in model.layers:
        if type(layer).__name__ == "Normalization":
            mean, variance, count = layer.get_weights()
            layer.set_weights([mean, variance + 1.0, np.asarray(5, count.dtype)])
            layer.finalize_state()


# --- every architecture with the classifier, at Keras' defaults ----------------------------------

TOP_CASES = [
    # the default 224x224 images give fc1 102M weights, slow to initialise: 32x32 here
    ("VGG19", dict(input_shape=(32, 32, 3))),
    ("ResNet101", {}), ("ResNet152", {}),
    ("ResNet50V2", {}), ("ResNet101V2", {}), ("ResNet152V2", {}),
    ("DenseNet121", {}), ("DenseNet169", {}), ("DenseNet201", {}),
    ("MobileNet", {}), ("Xception", {}), ("InceptionV3", {}),
    ("MobileNetV3Small", {}), ("MobileNetV3Large", {}),
    ("EfficientNetB0", {}),
]


@pytest.mark.parametrize("function, arguments", TOP_CASES, ids=[c[0] for c in TOP_CASES])
def test_classifier_models_are_keras_layer_for_layer(fresh, function, arguments):
    reference = getattr(fresh.applications, function)(weights=None, **arguments)
    model = getattr(applications, function)(weights=None, **arguments)
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]
    assert_same_model(model, reference)
    assert model.input_shape == reference.input_shape


# --- without the classifier: Keras' ImageNet files, loaded, and the predictions with them --------

# (function, arguments, whether to compare predictions: those of the deeper models cost Keras
# a long compilation; their blocks are compared in smaller models below). The deepest members
# share their builders, heads and file naming with these; their files are checked further down.
FEATURE_CASES = [
    ("VGG19", dict(input_shape=(32, 32, 3)), True),
    ("ResNet50V2", dict(input_shape=(32, 32, 3)), True),
    ("DenseNet121", dict(input_shape=(32, 32, 3)), False),
    ("MobileNet", dict(input_shape=(40, 36, 3), alpha=0.25), True),
    ("MobileNet", dict(input_shape=(160, 160, 3), alpha=0.75), False),
    ("Xception", dict(input_shape=(71, 71, 3)), True),
    ("InceptionV3", dict(input_shape=(75, 75, 3)), True),
    ("MobileNetV3Small", dict(input_shape=(32, 32, 3)), True),
    ("MobileNetV3Large", dict(minimalistic=True), False),
    ("EfficientNetB0", dict(input_shape=(32, 32, 3)), False),
]


class WeightFiles:
    """Stands in for `get_file` (recording its arguments) and answers with the weight file
    that `serve` names, or a path that does not exist."""

    def __init__(self, monkeypatch, target):
        self.calls, self.path = [], "/nowhere/weights.h5"
        monkeypatch.setattr(target, "get_file", self)

    def __call__(self, fname=None, origin=None, cache_subdir="datasets", file_hash=None,
                 **kwargs):
        self.calls.append(dict(fname=fname, origin=origin, cache_subdir=cache_subdir,
                               file_hash=file_hash))
        return self.path


@pytest.mark.parametrize("function, arguments, predict", FEATURE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(FEATURE_CASES)])
def test_imagenet_feature_extractors_load_keras_files(fresh, tmp_path, monkeypatch, function,
                                                      arguments, predict):
    from keras.src.models.model import Model as KerasModel
    from keras.src.utils import file_utils as keras_file_utils
    theirs = WeightFiles(monkeypatch, keras_file_utils)
    monkeypatch.setattr(KerasModel, "load_weights", lambda self, path: None)
    reference = getattr(fresh.applications, function)(weights="imagenet", include_top=False,
                                                      pooling="avg", **arguments)
    randomize_all(reference, seed=3)
    ours = WeightFiles(monkeypatch, imagenet_utils)
    ours.path = tmp_path / theirs.calls[0]["fname"]
    save_like_imagenet_file(reference, ours.path)
    model = getattr(applications, function)(weights="imagenet", include_top=False,
                                            pooling="avg", **arguments)
    assert ours.calls == theirs.calls and len(ours.calls) == 1   # file, origin, hash, cache
    assert_same_model(model, reference)
    assert_same_weights(model, reference)
    if predict:
        assert_same_predictions([model], reference, model.input_shape[1:])


def test_weight_files_of_the_other_members_are_keras(real_keras):
    """The origins and hashes of the files not downloaded above, against Keras' constants
    and sources; their names are made as those of the models above."""
    from keras.src.applications import densenet as keras_densenet
    from keras.src.applications import efficientnet as keras_efficientnet
    from keras.src.applications import inception_v3 as keras_inception_v3
    from keras.src.applications import mobilenet_v3 as keras_mobilenet_v3
    from keras.src.applications import resnet as keras_resnet
    from keras.src.applications import vgg19 as keras_vgg19
    from keras.src.applications import xception as keras_xception
    assert resnet.BASE_WEIGHTS_PATH == keras_resnet.BASE_WEIGHTS_PATH
    for name, hashes in resnet.WEIGHTS_HASHES.items():
        assert keras_resnet.WEIGHTS_HASHES[name] == hashes
    assert mobilenet_v3.BASE_WEIGHTS_PATH == keras_mobilenet_v3.BASE_WEIGHT_PATH
    assert mobilenet_v3.WEIGHTS_HASHES == keras_mobilenet_v3.WEIGHTS_HASHES
    assert efficientnet.BASE_WEIGHTS_PATH == keras_efficientnet.BASE_WEIGHTS_PATH
    assert efficientnet.WEIGHTS_HASHES == keras_efficientnet.WEIGHTS_HASHES
    assert mobilenet.BASE_WEIGHTS_PATH == real_keras.src.applications.mobilenet.BASE_WEIGHT_PATH

    def assert_files(module, keras_function, name, hashes, top_path, no_top_path):
        source = inspect.getsource(keras_function)
        for path, fname, file_hash in zip(
                (top_path, no_top_path),
                (f"{name}_weights_tf_dim_ordering_tf_kernels.h5",
                 f"{name}_weights_tf_dim_ordering_tf_kernels_notop.h5"), hashes):
            assert path == module.BASE_WEIGHTS_PATH + fname
            assert f'file_hash="{file_hash}"' in source
    for name, hashes in densenet.WEIGHTS_HASHES.items():
        assert_files(densenet, keras_densenet.DenseNet, name, hashes,
                     getattr(keras_densenet, f"{name.upper()}_WEIGHT_PATH"),
                     getattr(keras_densenet, f"{name.upper()}_WEIGHT_PATH_NO_TOP"))
    for module, keras_module, name in ((xception, keras_xception, "xception"),
                                       (inception_v3, keras_inception_v3, "inception_v3")):
        assert_files(module, getattr(keras_module, module.__all__[0]), name,
                     module.WEIGHTS_HASHES[name], keras_module.WEIGHTS_PATH,
                     keras_module.WEIGHTS_PATH_NO_TOP)
    assert_files(vgg19, keras_vgg19.VGG19, "vgg19",
                 [vgg19.WEIGHTS_FILES[top][1] for top in (True, False)],
                 keras_vgg19.WEIGHTS_PATH, keras_vgg19.WEIGHTS_PATH_NO_TOP)
    assert [vgg19.WEIGHTS_FILES[top][0] for top in (True, False)] == [
        "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
        "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"]


# --- the blocks of the deep models, in smaller builds of Keras' own builders ---------------------

def test_densenet_blocks_predict_as_keras(fresh):
    from keras.src.applications import densenet as keras_densenet
    arguments = dict(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="max")
    reference = keras_densenet.DenseNet([1, 2, 2, 1], **arguments)
    randomize(reference, seed=5)
    model = densenet.DenseNet([1, 2, 2, 1], **arguments)
    assert_same_model(model, reference)
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    assert_same_predictions([model], reference, (32, 32, 3))


def test_efficientnet_blocks_predict_as_keras(fresh):
    """Two stages (squeeze and excite, expansion, a strided padded depthwise convolution,
    the skip connection with stochastic depth), widened 1.1 times and deepened 1.5 times."""
    from keras.src.applications import efficientnet as keras_efficientnet
    stages = [dict(kernel_size=3, repeats=1, filters_in=32, filters_out=16, expand_ratio=1,
                   id_skip=True, strides=1, se_ratio=0.25),
              dict(kernel_size=5, repeats=2, filters_in=16, filters_out=24, expand_ratio=6,
                   id_skip=True, strides=2, se_ratio=0.25)]
    arguments = dict(blocks_args=stages, include_top=True, weights=None, classes=5,
                     input_shape=(33, 35, 3), name="small")
    reference = keras_efficientnet.EfficientNet(1.1, 1.5, 64, 0.2, **arguments)
    randomize_all(reference, seed=6)
    model = efficientnet.EfficientNet(1.1, 1.5, 64, 0.2, **arguments)
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]
    assert "block2c_drop" in [layer.name for layer in model.layers]
    assert_same_model(model, reference)
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    assert_same_predictions([model], reference, (33, 35, 3))


def test_mobilenet_v3_with_top_predicts_as_keras(fresh):
    arguments = dict(weights=None, input_shape=(32, 32, 3), classes=4)
    reference = fresh.applications.MobileNetV3Small(**arguments)
    randomize(reference, seed=7)
    model = applications.MobileNetV3Small(**arguments)
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    images = np.random.default_rng(8).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = np.asarray(reference.predict(images, verbose=0))
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(expected.sum(axis=1), 1.0, rtol=1e-5)


def _recorded_call(monkeypatch, module, name, build):
    """The positional and keyword arguments with which `build()` calls `module.name`."""
    calls = []
    monkeypatch.setattr(module, name, lambda *args, **kwargs: calls.append((args, kwargs)))
    build()
    return calls


@pytest.mark.parametrize("size", range(1, 8))
def test_efficientnet_b1_to_b7_scale_b0_as_keras(real_keras, monkeypatch, size):
    from keras.src.applications import efficientnet as keras_efficientnet
    function = f"EfficientNetB{size}"
    theirs = _recorded_call(monkeypatch, keras_efficientnet, "EfficientNet",
                            lambda: getattr(real_keras.applications, function)(weights=None))
    ours = _recorded_call(monkeypatch, efficientnet, "EfficientNet",
                          lambda: getattr(applications, function)(weights=None))
    assert ours == theirs and len(ours) == 1


def test_efficientnet_b3_is_keras_layer_for_layer(fresh):
    """Widths of 1.2 and depths of 1.4 times B0's: the rounding of filters and repeats."""
    arguments = dict(weights=None, include_top=False, input_shape=(32, 32, 3))
    reference = fresh.applications.EfficientNetB3(**arguments)
    model = applications.EfficientNetB3(**arguments)
    assert_same_model(model, reference)


# --- the modules: Keras' names, preprocess_input -------------------------------------------------

MODULES = {   # module: its models
    vgg19: ["VGG19"], resnet: ["ResNet50", "ResNet101", "ResNet152"],
    resnet_v2: ["ResNet50V2", "ResNet101V2", "ResNet152V2"],
    densenet: ["DenseNet121", "DenseNet169", "DenseNet201"], mobilenet: ["MobileNet"],
    xception: ["Xception"], inception_v3: ["InceptionV3"],
    mobilenet_v3: ["MobileNetV3Small", "MobileNetV3Large"],
    efficientnet: [f"EfficientNetB{i}" for i in range(8)],
}


def test_keras_style_access():
    for module, functions in MODULES.items():
        short = module.__name__.rsplit(".", 1)[1]
        assert getattr(keras.applications, short) is module
        assert module.decode_predictions is imagenet_utils.decode_predictions
        for function in functions:
            assert getattr(keras.applications, function) is getattr(module, function)
            assert function in module.__all__ and function in applications.__all__
    resnet50 = keras.applications.resnet50
    assert resnet50.ResNet50 is resnet.ResNet50 is applications.ResNet50
    assert resnet50.preprocess_input is resnet.preprocess_input


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_preprocess_input_is_keras(real_keras, module):
    short = module.__name__.rsplit(".", 1)[1]
    keras_module = getattr(real_keras.applications, short)
    images = np.random.default_rng(0).integers(0, 256, (2, 5, 4, 3)).astype("uint8")
    for data_format, floats in (("channels_last", images.astype("float32")),
                                ("channels_first", images.transpose(0, 3, 1, 2) * 1.0)):
        floats = floats.astype("float32")
        expected = keras_module.preprocess_input(floats.copy(), data_format=data_format)
        result = module.preprocess_input(floats.copy(), data_format=data_format)
        assert result.dtype == np.float32
        np.testing.assert_array_equal(result, expected)
    expected = keras_module.preprocess_input(images.copy())
    result = module.preprocess_input(images)
    assert result.dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(result, expected)
    if module in (mobilenet_v3, efficientnet):     # the models rescale their inputs
        assert module.preprocess_input(images) is images
    else:                                           # caffe, tf or torch: Keras' mode
        assert not np.array_equal(result, images)


# --- argument errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("function", [f for functions in MODULES.values() for f in functions
                                      if f != "ResNet50"])
@pytest.mark.parametrize("arguments, message", [
    (dict(weights="imagenet21k"), "`weights` argument should be either"),
    (dict(classes=10), "`classes` should be 1000"),
    (dict(include_top=False, pooling="mean"), "pooling"),
    (dict(include_top=False, input_shape=(31, 64, 3)), "at least"),
    (dict(input_tensor=np.zeros((1, 32, 32, 3))), "`input_tensor` must be a symbolic tensor"),
])
def test_argument_errors_are_raised_before_any_download(monkeypatch, function, arguments,
                                                        message):
    files = WeightFiles(monkeypatch, imagenet_utils)
    with pytest.raises(ValueError, match=message) as error:
        getattr(applications, function)(**arguments)
    assert function in str(error.value) and not files.calls


def test_model_specific_errors(monkeypatch):
    files = WeightFiles(monkeypatch, imagenet_utils)
    with pytest.raises(ValueError, match=r"Xception: Input size must be at least 71x71"):
        applications.Xception(weights=None, include_top=False, input_shape=(70, 80, 3))
    with pytest.raises(ValueError, match=r"InceptionV3: Input size must be at least 75x75"):
        applications.InceptionV3(weights=None, include_top=False, input_shape=(80, 74, 3))
    with pytest.raises(ValueError, match=r"`input_shape` should be \(299, 299, 3\)"):
        applications.Xception(input_shape=(224, 224, 3))
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        applications.MobileNet(depth_multiplier=2)
    with pytest.raises(ValueError, match=r"MobileNet: .*alpha must be one of .*alpha=0.35"):
        applications.MobileNet(alpha=0.35)
    with pytest.raises(ValueError, match=r"MobileNetV3Large: .*alpha=0.75, minimalistic=True"):
        applications.MobileNetV3Large(alpha=0.75, minimalistic=True)
    with pytest.raises(ValueError, match=r"no ImageNet weights for blocks=\[1, 2, 3, 4\]"):
        densenet.DenseNet([1, 2, 3, 4])
    with pytest.raises(ValueError, match="repeats in `EfficientNet` must be > 0"):
        efficientnet.EfficientNet(1.0, 1.0, 224, weights=None, blocks_args=[
            dict(kernel_size=3, repeats=0, filters_in=32, filters_out=16, expand_ratio=1,
                 id_skip=True, strides=1, se_ratio=0.25)])
    backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="DenseNet121: .*`channels_first`"):
            applications.DenseNet121(weights=None)
    finally:
        backend.set_image_data_format("channels_last")
    assert not files.calls


def test_mobilenet_pretrained_sizes_and_names(monkeypatch):
    """ImageNet weights for the images' side when square and of a weight file, else for
    224x224 with a warning; the default names say which."""
    files = WeightFiles(monkeypatch, imagenet_utils)
    monkeypatch.setattr(keras.Model, "load_weights", lambda self, path: None)
    model = applications.MobileNet(include_top=False, alpha=0.5, input_shape=(128, 128, 3))
    assert model.name == "mobilenet_0.50_128"
    assert files.calls[-1]["fname"] == "mobilenet_5_0_128_tf_no_top.h5"
    with pytest.warns(UserWarning, match=r"not in \[128, 160, 192, 224\]"):
        model = applications.MobileNet(include_top=False, alpha=0.5, input_shape=(96, 96, 3))
    assert model.name == "mobilenet_0.50_224"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        applications.MobileNetV3Small(weights=None, input_shape=(64, 64, 3))
    with pytest.warns(UserWarning, match=r"Weights for input shape \(224, 224\)"):
        applications.MobileNetV3Small(include_top=False, input_shape=(64, 64, 3))
