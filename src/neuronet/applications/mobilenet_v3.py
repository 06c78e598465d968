"""MobileNetV3Small and MobileNetV3Large (Howard et al., "Searching for MobileNetV3", ICCV
2019), layer for layer as `keras.applications.MobileNetV3Small` and `MobileNetV3Large`, so
that Keras' ImageNet weights load into them. The models rescale their inputs (values 0..255)
themselves: `preprocess_input` returns them unchanged."""
from .. import backend
from ..layers import (Activation, Add, Conv2D, DepthwiseConv2D, Dropout, Flatten,
                      GlobalAveragePooling2D, Multiply, ReLU, Rescaling, ZeroPadding2D)
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_passthrough as preprocess_input
from .mobilenet_v2 import mobile_batch_norm

__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "mobilenet_v3/")
WEIGHTS_HASHES = {   # md5 of the file with the top, of the file without it
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}

# The inverted residual blocks: (expansion, output filters before alpha, kernel size, stride,
# squeeze and excite, ReLU). Kernel size None: the model's (5, or 3 when minimalistic);
# squeeze and excite: unless minimalistic; ReLU False: the model's activation (hard swish, or
# ReLU when minimalistic).
SMALL_BLOCKS = (
    (1, 16, 3, 2, True, True),
    (72 / 16, 24, 3, 2, False, True),
    (88 / 24, 24, 3, 1, False, True),
    (4, 40, None, 2, True, False),
    (6, 40, None, 1, True, False),
    (6, 40, None, 1, True, False),
    (3, 48, None, 1, True, False),
    (3, 48, None, 1, True, False),
    (6, 96, None, 2, True, False),
    (6, 96, None, 1, True, False),
    (6, 96, None, 1, True, False),
)
LARGE_BLOCKS = (
    (1, 16, 3, 1, False, True),
    (4, 24, 3, 2, False, True),
    (3, 24, 3, 1, False, True),
    (3, 40, None, 2, True, True),
    (3, 40, None, 1, True, True),
    (3, 40, None, 1, True, True),
    (6, 80, 3, 2, False, False),
    (2.5, 80, 3, 1, False, False),
    (2.3, 80, 3, 1, False, False),
    (2.3, 80, 3, 1, False, False),
    (6, 112, 3, 1, True, False),
    (6, 112, 3, 1, True, False),
    (6, 160, None, 2, True, False),
    (6, 160, None, 1, True, False),
    (6, 160, None, 1, True, False),
)
SE_RATIO = 0.25


def relu(x):
    return ReLU()(x)


def hard_sigmoid(x):
    """ReLU6(x + 3) / 6, as layers (the additions and products are graph operations)."""
    return ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return Activation("hard_swish")(x)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze and excite: the channels' means, a 1x1 convolution to `filters` * se_ratio
    (ReLU) and back to `filters` (hard sigmoid), which scale the input's channels."""
    x = GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = Conv2D(imagenet_utils.make_divisible(filters * se_ratio), kernel_size=1,
               padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    """Expand the channels `expansion` times (1x1 convolution, except in block 0), filter
    each channel (depthwise `kernel_size` convolution, stride `stride`), squeeze and excite
    (with se_ratio), project to `filters` (1x1 convolution, no activation); add the input
    when the shapes agree."""
    shortcut = x
    infilters = x.shape[imagenet_utils.channel_axis()]
    expanded = imagenet_utils.make_divisible(infilters * expansion)
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = Conv2D(expanded, kernel_size=1, padding="same", use_bias=False,
                   name=f"{prefix}expand")(x)
        x = mobile_batch_norm(x, f"{prefix}expand_bn")
        x = activation(x)
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=f"{prefix}depthwise_pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                        use_bias=False, name=f"{prefix}depthwise")(x)
    x = mobile_batch_norm(x, f"{prefix}depthwise_bn")
    x = activation(x)
    if se_ratio:
        x = _se_block(x, expanded, se_ratio, prefix)
    x = Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
               name=f"{prefix}project")(x)
    x = mobile_batch_norm(x, f"{prefix}project_bn")
    if stride == 1 and infilters == filters:
        x = Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(caller, input_shape, input_tensor):
    """`input_shape`, else the shape of `input_tensor`'s images, else (None, None, 3)."""
    data_format = backend.image_data_format()
    imagenet_utils.check_input_width(caller, input_shape, input_tensor, data_format)
    if input_shape is not None:
        return tuple(input_shape)
    if input_tensor is None:
        rows = cols = None
    else:
        rows, cols = imagenet_utils.spatial(input_tensor.shape, data_format, batch_axis=True)
    return (3, rows, cols) if data_format == "channels_first" else (rows, cols, 3)


def MobileNetV3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large",
                minimalistic=False, include_top=True, weights="imagenet", input_tensor=None,
                classes=1000, pooling=None, dropout_rate=0.2,
                classifier_activation="softmax", include_preprocessing=True, name=None):
    """A MobileNetV3: rescaling to [-1, 1] (include_preprocessing), a strided 3x3
    convolution, the inverted residual `blocks` (see SMALL_BLOCKS), a 1x1 convolution, then
    (with include_top) global average pooling, a 1x1 convolution to `last_point_ch`
    channels, dropout and a 1x1 convolution classifier. The other arguments are
    MobileNetV3Small's; model_type ("small" or "large") names the ImageNet weight files."""
    caller = f"MobileNetV3{model_type.capitalize()}"
    imagenet_utils.check_weights(caller, weights, include_top, classes)
    imagenet_utils.check_pooling(caller, pooling)
    input_shape = _input_shape(caller, input_shape, input_tensor)
    rows, cols = imagenet_utils.spatial(input_shape, backend.image_data_format(),
                                        batch_axis=False)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"{caller}: Input size must be at least 32x32; Received "
                         f"`input_shape={input_shape}`")
    weights_name = (f"{model_type}{'_minimalistic' if minimalistic else ''}_224_"
                    f"{float(alpha)}_float")
    if imagenet_utils.is_imagenet(weights):
        if weights_name not in WEIGHTS_HASHES:
            raise ValueError(f"{caller}: If imagenet weights are being loaded, alpha can be "
                             "one of `0.75`, `1.0` for non minimalistic or `1.0` for "
                             f"minimalistic only; Received alpha={alpha}, "
                             f"minimalistic={minimalistic}")
        imagenet_utils.pretrained_rows(caller, rows, cols, (224,), stacklevel=4)
    inputs, x = imagenet_utils.image_input(caller, input_tensor, input_shape)

    activation, kernel_size, se_ratio = ((relu, 3, None) if minimalistic
                                         else (hard_swish, 5, SE_RATIO))
    if include_preprocessing:
        x = Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
               name="conv")(x)
    x = mobile_batch_norm(x, "conv_bn")
    x = activation(x)
    for block_id, (expansion, filters, kernel, stride, se, uses_relu) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, imagenet_utils.make_divisible(filters * alpha),
                                kernel or kernel_size, stride, se_ratio if se else None,
                                relu if uses_relu else activation, block_id)
    last_conv_ch = imagenet_utils.make_divisible(x.shape[imagenet_utils.channel_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = imagenet_utils.make_divisible(last_point_ch * alpha)
    x = Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = mobile_batch_norm(x, "conv_1_bn")
    x = activation(x)

    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                   name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate)(x)
        x = Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = Flatten()(x)
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Activation(classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, "avg_pool", "max_pool")

    model = Model(inputs, x, name=name)
    fname = file_hash = None
    if imagenet_utils.is_imagenet(weights):
        fname = f"weights_mobilenet_v3_{weights_name}{'' if include_top else '_no_top_v2'}.h5"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname, file_hash)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """The small MobileNetV3: 11 inverted residual blocks, many with squeeze and excite,
    hard-swish activations; the classifier's hidden layer has 1024 channels.

    Args:
        input_shape: (height, width, 3) without the batch axis, sides of at least 32 or
            None; by default that of `input_tensor`, else (None, None, 3) (any size, also
            with include_top). ImageNet weights are for 224x224 images (others warn).
        alpha: the width multiplier of the blocks' filters (ImageNet weights: 0.75 or 1.0;
            1.0 when minimalistic).
        minimalistic: without squeeze and excite, hard swish and 5x5 convolutions (ReLU and
            3x3 instead).
        include_top: whether to add the classifier ("logits" and "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        dropout_rate: the dropout rate before the classifier (0: no Dropout layer).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        include_preprocessing: whether the model rescales its inputs (values 0..255) to
            [-1, 1] itself, with a Rescaling layer.
        name: the model's name.

    Returns a functional `Model`.
    """
    return MobileNetV3(SMALL_BLOCKS, 1024, input_shape, alpha, "small", minimalistic,
                       include_top, weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """The large MobileNetV3: 15 inverted residual blocks, some with squeeze and excite;
    the classifier's hidden layer has 1280 channels. The arguments are MobileNetV3Small's.
    """
    return MobileNetV3(LARGE_BLOCKS, 1280, input_shape, alpha, "large", minimalistic,
                       include_top, weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing, name=name)
