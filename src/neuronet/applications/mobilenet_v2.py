"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
CVPR 2018), layer for layer as `keras.applications.MobileNetV2`, so that Keras' ImageNet
weights load into it."""
import warnings

from .. import backend
from ..layers import Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, ReLU, ZeroPadding2D
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_tf as preprocess_input

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "mobilenet_v2/")
PRETRAINED_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
PRETRAINED_SIZES = (96, 128, 160, 192, 224)

# the inverted residual blocks: (output filters before alpha, expansion, stride)
BLOCKS = ((16, 1, 1),
          (24, 6, 2), (24, 6, 1),
          (32, 6, 2), (32, 6, 1), (32, 6, 1),
          (64, 6, 2), (64, 6, 1), (64, 6, 1), (64, 6, 1),
          (96, 6, 1), (96, 6, 1), (96, 6, 1),
          (160, 6, 2), (160, 6, 1), (160, 6, 1),
          (320, 6, 1))


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _batch_norm(x, name):
    return BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _make_divisible(value, divisor=8):
    """`value` rounded to the nearest multiple of `divisor` (at least `divisor`), never more
    than 10% below `value`."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand the channels `expansion` times (1x1 convolution, except in block 0), filter
    each channel (3x3 depthwise convolution, stride `stride`), project to `filters` * alpha
    channels (1x1 convolution, no activation); add the input when the shapes agree."""
    in_channels = inputs.shape[_channel_axis()]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=f"{prefix}expand")(x)
        x = _batch_norm(x, f"{prefix}expand_BN")
        x = ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid",
                        name=f"{prefix}depthwise")(x)
    x = _batch_norm(x, f"{prefix}depthwise_BN")
    x = ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
               activation=None, name=f"{prefix}project")(x)
    x = _batch_norm(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=f"{prefix}add")([inputs, x])
    return x


def _spatial(shape, data_format, batch_axis):
    """(rows, cols) of an image shape, with or without its batch axis."""
    first = (1 if data_format == "channels_first" else 0) + (1 if batch_axis else 0)
    return shape[first], shape[first + 1]


def _default_size(caller, input_shape, input_tensor, data_format):
    """The pretrained size the input matches (96, 128, 160, 192 or 224), else 224; checks
    that `input_shape` and `input_tensor`, when both are given, agree."""
    imagenet_utils.check_input_tensor(caller, input_tensor)
    if input_shape is not None and input_tensor is not None:
        tensor_cols = _spatial(input_tensor.shape, data_format, batch_axis=True)[1]
        if tensor_cols != _spatial(input_shape, data_format, batch_axis=False)[1]:
            raise ValueError(f"{caller}: the width of `input_tensor` and of `input_shape` must "
                             f"agree; Received `input_tensor.shape={input_tensor.shape}`, "
                             f"`input_shape={input_shape}`")
    if input_shape is not None:
        rows, cols = _spatial(input_shape, data_format, batch_axis=False)
    elif input_tensor is not None:
        rows, cols = _spatial(input_tensor.shape, data_format, batch_axis=True)
    else:
        return 224
    return rows if rows == cols and rows in PRETRAINED_SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=None):
    """The MobileNetV2 network: a strided 3x3 convolution, 17 inverted residual blocks, a
    1x1 convolution to 1280 channels, then (with include_top) global average pooling and
    the classifier. Activations are ReLU6.

    Args:
        input_shape: (height, width, 3) without the batch axis, sides of at least 32; with
            include_top and ImageNet weights it must be (224, 224, 3), the default. Ignored
            when `input_tensor` is given (their widths must then agree).
        alpha: the width multiplier: the number of filters of every layer is scaled by it
            (the last convolution only grows, for alpha > 1). Pretrained weights exist for
            0.35, 0.5, 0.75, 1.0, 1.3 and 1.4.
        include_top: whether to add the classifier ("predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files: those for the input's size when it is square and one of
            96, 128, 160, 192, 224, else those for 224 with a warning) or the path of a
            weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name; by default "mobilenetv2_{alpha:.2f}_{rows}".

    Inputs need `keras.applications.mobilenet_v2.preprocess_input` (scaling to [-1, 1]).
    Returns a functional `Model`.
    """
    caller = "MobileNetV2"
    imagenet_utils.check_weights(caller, weights, include_top, classes)
    imagenet_utils.check_pooling(caller, pooling)
    data_format = backend.image_data_format()
    input_shape = imagenet_utils.obtain_input_shape(
        caller, input_shape, default_size=_default_size(caller, input_shape, input_tensor,
                                                        data_format),
        min_size=32, data_format=data_format, require_flatten=include_top, weights=weights)
    rows, cols = _spatial(input_shape, data_format, batch_axis=False)
    if imagenet_utils.is_imagenet(weights):
        if alpha not in PRETRAINED_ALPHAS:
            raise ValueError(f"{caller}: If imagenet weights are being loaded, alpha must be "
                             "one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; "
                             f"Received `alpha={alpha}`")
        if rows != cols or rows not in PRETRAINED_SIZES:
            rows = 224
            warnings.warn(f"{caller}: `input_shape` is undefined or non-square, or `rows` is "
                          "not in [96, 128, 160, 192, 224]. Weights for input shape "
                          "(224, 224) will be loaded as the default.", stacklevel=2)
    inputs, x = imagenet_utils.image_input(caller, input_tensor, input_shape)

    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(x)
    x = _batch_norm(x, "bn_Conv1")
    x = ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, expansion, stride) in enumerate(BLOCKS):
        x = inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                               expansion=expansion, block_id=block_id)
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm(x, "Conv_1_bn")
    x = ReLU(6.0, name="out_relu")(x)

    if include_top:
        x = imagenet_utils.global_pooling(x, "avg")
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)

    model = Model(inputs, x, name=name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    top = "" if include_top else "_no_top"
    fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname)
