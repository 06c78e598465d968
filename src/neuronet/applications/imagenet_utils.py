"""What the ImageNet models share: the input checks, `preprocess_input`,
`decode_predictions`, and the download of Keras' pretrained weight files.

Pretrained weights come from Keras' origins, are checked against Keras' file hashes and kept
in Keras' cache (`~/.keras/models/`, or `$KERAS_HOME/models/`), so files Keras has downloaded
are reused. They are Keras 2 weight files (HDF5: the attribute `layer_names`, one group per
layer with the attribute `weight_names`), which `Model.load_weights` reads layer by layer in
order, so a model must have Keras' layers, in Keras' order, with Keras' weight shapes.
"""
import json
import os
import warnings

import numpy as np

from .. import activations, backend, ops
from ..autograd import Tensor
from ..layers import (BatchNormalization, Dense, GlobalAveragePooling2D, GlobalMaxPooling2D, Input,
                      SymbolicTensor)
from ..utils.file_utils import get_file

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
CLASS_INDEX = None          # {"0": ["n01440764", "tench"], ...}, read on first use

PREPROCESS_MODES = ("caffe", "tf", "torch")
CAFFE_MEAN = (103.939, 116.779, 123.68)     # ImageNet's mean pixel, in BGR order
TORCH_MEAN = (0.485, 0.456, 0.406)          # ImageNet's mean and std on a [0, 1] scale, RGB
TORCH_STD = (0.229, 0.224, 0.225)
POOLINGS = (None, "avg", "max")


# --- preprocessing -------------------------------------------------------------------------------

def preprocess_input(x, data_format=None, mode="caffe"):
    """Prepare a batch of images (values 0..255, 3 channels; 3-D or 4-D) for an ImageNet model.

    mode: "caffe": RGB to BGR, then ImageNet's mean pixel subtracted, no scaling;
          "tf": scaled to [-1, 1]; "torch": scaled to [0, 1], then standardised per channel
          with ImageNet's mean and std.
    data_format: "channels_last" or "channels_first" (None: `image_data_format()`).

    A NumPy array is converted to `floatx()` if it is not floating, else it is changed in
    place, as in Keras (pass `np.copy(x)` to keep it); the result is returned either way.
    A tensor (also a symbolic one, in a functional model) gives a new tensor.
    """
    backend.check_choice("preprocess_input", "mode", mode, PREPROCESS_MODES)
    data_format = backend.standardize_data_format(data_format, "preprocess_input")
    if not isinstance(x, (Tensor, SymbolicTensor)):
        return _preprocess_array(np.asarray(x), data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def preprocess_caffe(x, data_format=None):
    """Images (values 0..255) converted from RGB to BGR, then each channel zero-centered
    with ImageNet's mean pixel, without scaling (the inputs of VGG16, VGG19 and ResNet50,
    101, 152). A float NumPy array is changed in place; see `preprocess_input`."""
    return preprocess_input(x, data_format=data_format, mode="caffe")


def preprocess_tf(x, data_format=None):
    """Images (values 0..255) scaled to [-1, 1] (the inputs of MobileNet, MobileNetV2,
    ResNetV2, Xception and InceptionV3). A float NumPy array is changed in place; see
    `preprocess_input`."""
    return preprocess_input(x, data_format=data_format, mode="tf")


def preprocess_torch(x, data_format=None):
    """Images (values 0..255) scaled to [0, 1], then each channel standardised with
    ImageNet's mean and std (the inputs of DenseNet). A float NumPy array is changed in
    place; see `preprocess_input`."""
    return preprocess_input(x, data_format=data_format, mode="torch")


def preprocess_passthrough(x, data_format=None):
    """`x` unchanged: the models whose first layers rescale the images themselves
    (MobileNetV3, EfficientNet) take values 0..255 as they are. `data_format` is ignored."""
    return x


def _channel_axis(ndim, data_format):
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _per_channel(values, ndim, axis, dtype):
    """`values` (one per channel) shaped to broadcast along `axis` of a rank-`ndim` array."""
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values, dtype).reshape(shape)


def _preprocess_array(x, data_format, mode):
    if not backend.is_float_dtype(x.dtype):
        x = x.astype(backend.floatx())
    axis = _channel_axis(x.ndim, data_format)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        x -= _per_channel(TORCH_MEAN, x.ndim, axis, x.dtype)
        x /= _per_channel(TORCH_STD, x.ndim, axis, x.dtype)
        return x
    x = np.flip(x, axis)                       # RGB -> BGR (a view: the input is changed)
    x -= _per_channel(CAFFE_MEAN, x.ndim, axis, x.dtype)
    return x


def _preprocess_tensor(x, data_format, mode):
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    axis = _channel_axis(x.ndim, data_format)
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        mean = _per_channel(TORCH_MEAN, x.ndim, axis, x.dtype)
        std = _per_channel(TORCH_STD, x.ndim, axis, x.dtype)
        return (x / 255.0 - mean) / std
    return ops.flip(x, axis=axis) - _per_channel(CAFFE_MEAN, x.ndim, axis, x.dtype)


# --- decoding ------------------------------------------------------------------------------------

def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction, best first.

    preds: an array or tensor of shape (samples, 1000), e.g. a model's softmax output.
    Returns one list per sample of `(class_name, class_description, score)` tuples, such as
    `("n02504458", "African_elephant", 0.82)`. The class names come from Keras'
    `imagenet_class_index.json`, downloaded once into `~/.keras/models/`.
    """
    global CLASS_INDEX
    preds = ops.convert_to_numpy(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("decode_predictions: expected a batch of predictions (a 2D array of "
                         f"shape (samples, 1000)). Received array with shape: {preds.shape}")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"decode_predictions: `top` must be a positive integer. "
                         f"Received: top={top!r}")
    if CLASS_INDEX is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf8") as file:
            CLASS_INDEX = json.load(file)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda entry: entry[2], reverse=True)
        results.append(result)
    return results


# --- arguments of the model functions ------------------------------------------------------------

def check_weights(caller, weights, include_top, classes):
    """Check the `weights` argument ('imagenet', None or an existing file) and that ImageNet
    weights with the classifier come with 1000 classes."""
    is_file = isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)
    if not (weights is None or is_imagenet(weights) or is_file):
        raise ValueError(f"{caller}: The `weights` argument should be either `None` (random "
                         "initialization), 'imagenet' (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded. Received: weights={weights!r}")
    if is_imagenet(weights) and include_top and classes != 1000:
        raise ValueError(f"{caller}: If using `weights='imagenet'` with `include_top=True`, "
                         f"`classes` should be 1000. Received: classes={classes!r}")


def is_imagenet(weights):
    """Whether `weights` asks for the ImageNet weights."""
    return isinstance(weights, str) and weights == "imagenet"


def check_pooling(caller, pooling):
    backend.check_choice(caller, "pooling", pooling, POOLINGS)


def obtain_input_shape(caller, input_shape, default_size, min_size, data_format,
                       require_flatten, weights=None):
    """The model's input shape (no batch axis): `input_shape` checked, or the default.

    default_size: the side of the images the model was trained on; min_size: the smallest
    side the network accepts. require_flatten: whether the classifier follows (then the
    shape must be fully known, and with ImageNet weights it must be the default one).
    """
    channels_first = data_format == "channels_first"

    def image_shape(side, channels):
        return (channels, side, side) if channels_first else (side, side, channels)

    imagenet = is_imagenet(weights)
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if not imagenet and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"{caller}: This model usually expects 1 or 3 input channels. "
                          f"However, it was passed an input_shape with {channels} input "
                          "channels.", stacklevel=3)
        default_shape = image_shape(default_size, channels)
    else:
        default_shape = image_shape(default_size, 3)
    if imagenet and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(f"{caller}: When setting `include_top=True` and loading "
                             f"`imagenet` weights, `input_shape` should be {default_shape}. "
                             f"Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(f"{caller}: `input_shape` must be a tuple of three integers. "
                             f"Received: input_shape={input_shape}")
        channels, sides = ((input_shape[0], input_shape[1:]) if channels_first
                           else (input_shape[2], input_shape[:2]))
        if channels != 3 and imagenet:
            raise ValueError(f"{caller}: The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if any(side is not None and side < min_size for side in sides):
            raise ValueError(f"{caller}: Input size must be at least {min_size}x{min_size}; "
                             f"Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = image_shape(None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"{caller}: If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def validate_activation(caller, classifier_activation, weights):
    """With pretrained weights the classifier's activation must be softmax or none."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(f"{caller}: Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: "
                         f"classifier_activation={classifier_activation!r}")


# --- building and loading ------------------------------------------------------------------------

def checked_input(caller, weights, include_top, classes, pooling, input_tensor, input_shape,
                  default_size=224, min_size=32):
    """The arguments every builder checks alike, then `image_input` for the input shape
    they allow: (the model's inputs, the tensor the network starts from)."""
    check_weights(caller, weights, include_top, classes)
    check_pooling(caller, pooling)
    input_shape = obtain_input_shape(
        caller, input_shape, default_size=default_size, min_size=min_size,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    return image_input(caller, input_tensor, input_shape)


def image_input(caller, input_tensor, input_shape):
    """(the model's inputs, the tensor the network starts from): a new `Input` of
    `input_shape`, or `input_tensor` (a symbolic tensor) with the Inputs it comes from."""
    if input_tensor is None:
        image = Input(shape=input_shape)
        return image, image
    check_input_tensor(caller, input_tensor)
    return source_inputs(input_tensor), input_tensor


def check_input_tensor(caller, input_tensor):
    """`input_tensor` must be None or a symbolic tensor."""
    if input_tensor is not None and not isinstance(input_tensor, SymbolicTensor):
        raise ValueError(f"{caller}: `input_tensor` must be a symbolic tensor (from "
                         "`keras.Input()` or a layer called on one). Received: "
                         f"input_tensor={input_tensor!r} of type {type(input_tensor).__name__}")


def source_inputs(tensor):
    """The Input tensor(s) that the symbolic `tensor` is computed from (a list if several)."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.node is None:
            found.append(current)
        else:
            stack.extend(reversed(current.node.input_tensors))
    return found[0] if len(found) == 1 else found


def classification_head(caller, x, include_top, pooling, classes, classifier_activation,
                        weights, top_pool_name=None, pool_names=(None, None)):
    """How most models end: with include_top, global average pooling (named
    `top_pool_name`) and the Dense classifier "predictions"; without it, the `pooling` asked
    for (`pool_names`: the names of the average and the max pooling layers)."""
    if not include_top:
        return global_pooling(x, pooling, *pool_names)
    x = GlobalAveragePooling2D(name=top_pool_name)(x)
    validate_activation(caller, classifier_activation, weights)
    return Dense(classes, activation=classifier_activation, name="predictions")(x)


def global_pooling(x, pooling, avg_name=None, max_name=None):
    """`x` with global average ("avg") or max ("max") pooling, or as is (None)."""
    if pooling == "avg":
        return GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name=max_name)(x)
    return x


def channel_axis():
    """The channels' axis of 4-D image tensors: -1 (channels_last) or 1 (channels_first)."""
    return 1 if backend.image_data_format() == "channels_first" else -1


def batch_norm(x, name=None, **kwargs):
    """`x` through a BatchNormalization over the channels' axis (keyword arguments as
    BatchNormalization's: epsilon, momentum, scale)."""
    return BatchNormalization(axis=channel_axis(), name=name, **kwargs)(x)


def make_divisible(value, divisor=8):
    """`value` rounded to the nearest multiple of `divisor` (at least `divisor`), never more
    than 10% below `value`: the channel counts of the MobileNets and EfficientNets."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) zero padding that makes a strided 'valid' convolution of
    `kernel_size` cover the image as TensorFlow's 'same' padding does."""
    data_format = backend.image_data_format()
    first = 2 if data_format == "channels_first" else 1
    rows, cols = inputs.shape[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def load_model_weights(model, weights, base_path, fname, file_hash=None):
    """Load `weights` into `model`: for 'imagenet', Keras' file `fname` (downloaded from
    `base_path + fname` into the cache on first use, checked against `file_hash` if given);
    for a path, that file; for None, nothing. Returns the model."""
    if is_imagenet(weights):
        weights = get_file(fname, base_path + fname, cache_subdir="models", file_hash=file_hash)
    if weights is not None:
        model.load_weights(weights)
    return model


def load_named_weights(model, weights, base_path, weights_name, include_top, hashes):
    """`load_model_weights` for the models whose ImageNet files are named
    "{weights_name}_weights_tf_dim_ordering_tf_kernels.h5" (with the top) and "..._notop.h5"
    (without), with the md5 hashes `hashes[weights_name]` (with the top, without)."""
    fname = file_hash = None
    if is_imagenet(weights):
        fname = (f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
                 f"{'' if include_top else '_notop'}.h5")
        file_hash = hashes[weights_name][0 if include_top else 1]
    return load_model_weights(model, weights, base_path, fname, file_hash)


# --- the ImageNet weights of the MobileNets: one file per width multiplier and image size ---------

def spatial(shape, data_format, batch_axis):
    """(rows, cols) of an image shape, with or without its batch axis."""
    first = (1 if data_format == "channels_first" else 0) + (1 if batch_axis else 0)
    return shape[first], shape[first + 1]


def check_input_width(caller, input_shape, input_tensor, data_format):
    """When both are given, `input_shape` and `input_tensor` must have the same width."""
    check_input_tensor(caller, input_tensor)
    if input_shape is None or input_tensor is None:
        return
    tensor_cols = spatial(input_tensor.shape, data_format, batch_axis=True)[1]
    if tensor_cols != spatial(input_shape, data_format, batch_axis=False)[1]:
        raise ValueError(f"{caller}: the width of `input_tensor` and of `input_shape` must "
                         f"agree; Received `input_tensor.shape={input_tensor.shape}`, "
                         f"`input_shape={input_shape}`")


def pretrained_default_size(input_shape, input_tensor, data_format, sizes):
    """The side of the pretrained weights the input matches: the input's side when it is
    square and one of `sizes`, else the largest of `sizes`. The input is `input_shape` (no
    batch axis), else `input_tensor`'s shape; with neither, the largest size."""
    if input_shape is not None:
        rows, cols = spatial(input_shape, data_format, batch_axis=False)
    elif input_tensor is not None:
        rows, cols = spatial(input_tensor.shape, data_format, batch_axis=True)
    else:
        rows = cols = None
    return rows if rows == cols and rows in sizes else max(sizes)


def pretrained_rows(caller, rows, cols, sizes, stacklevel=3):
    """The side of the ImageNet weight file to load: `rows` when the images are square and
    of one of `sizes`, else the largest of `sizes`, with a warning."""
    if rows == cols and rows in sizes:
        return rows
    default = max(sizes)
    warnings.warn(f"{caller}: `input_shape` is undefined or non-square, or `rows` is not in "
                  f"{list(sizes)}. Weights for input shape ({default}, {default}) will be "
                  "loaded as the default.", stacklevel=stacklevel)
    return default


def check_pretrained_alpha(caller, alpha, alphas):
    """ImageNet weights exist only for the width multipliers `alphas`."""
    if alpha not in alphas:
        listed = ", ".join(f"`{a}`" for a in alphas)
        raise ValueError(f"{caller}: If imagenet weights are being loaded, alpha must be one "
                         f"of {listed} only; Received `alpha={alpha}`")


def input_of_pretrained_sizes(caller, weights, include_top, classes, pooling, input_tensor,
                              input_shape, alpha, alphas, sizes, size_from_tensor=True):
    """`checked_input` for the models with one ImageNet weight file per width multiplier
    (`alpha`, one of `alphas`) and image side (one of `sizes`, the largest the default).

    size_from_tensor: whether the side of `input_tensor` chooses the default input size
    (MobileNetV2) or only `input_shape` does (MobileNet).
    Returns (the model's inputs, the tensor the network starts from, the images' side: that
    of the weight file to load with ImageNet weights, else the input's side or None).
    """
    check_weights(caller, weights, include_top, classes)
    check_pooling(caller, pooling)
    data_format = backend.image_data_format()
    if size_from_tensor:
        check_input_width(caller, input_shape, input_tensor, data_format)
    default_size = pretrained_default_size(
        input_shape, input_tensor if size_from_tensor else None, data_format, sizes)
    input_shape = obtain_input_shape(caller, input_shape, default_size=default_size,
                                     min_size=32, data_format=data_format,
                                     require_flatten=include_top, weights=weights)
    rows, cols = spatial(input_shape, data_format, batch_axis=False)
    if is_imagenet(weights):
        check_pretrained_alpha(caller, alpha, alphas)
        rows = pretrained_rows(caller, rows, cols, sizes, stacklevel=4)
    inputs, x = image_input(caller, input_tensor, input_shape)
    return inputs, x, rows

