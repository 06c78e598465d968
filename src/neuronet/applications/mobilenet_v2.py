"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
CVPR 2018), layer for layer as `keras.applications.MobileNetV2`, so that Keras' ImageNet
weights load into it."""
from ..layers import Add, Conv2D, DepthwiseConv2D, ReLU, ZeroPadding2D
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


def mobile_batch_norm(x, name=None):
    """The BatchNormalization of MobileNetV2 and MobileNetV3 (epsilon 1e-3, momentum 0.999)."""
    return imagenet_utils.batch_norm(x, name, epsilon=1e-3, momentum=0.999)


def inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand the channels `expansion` times (1x1 convolution, except in block 0), filter
    each channel (3x3 depthwise convolution, stride `stride`), project to `filters` * alpha
    channels (1x1 convolution, no activation); add the input when the shapes agree."""
    in_channels = inputs.shape[imagenet_utils.channel_axis()]
    pointwise_filters = imagenet_utils.make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=f"{prefix}expand")(x)
        x = mobile_batch_norm(x, f"{prefix}expand_BN")
        x = ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid",
                        name=f"{prefix}depthwise")(x)
    x = mobile_batch_norm(x, f"{prefix}depthwise_BN")
    x = ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
               activation=None, name=f"{prefix}project")(x)
    x = mobile_batch_norm(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=f"{prefix}add")([inputs, x])
    return x


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
    inputs, x, rows = imagenet_utils.input_of_pretrained_sizes(
        caller, weights, include_top, classes, pooling, input_tensor, input_shape, alpha,
        PRETRAINED_ALPHAS, PRETRAINED_SIZES)

    x = Conv2D(imagenet_utils.make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
               padding="same", use_bias=False, name="Conv1")(x)
    x = mobile_batch_norm(x, "bn_Conv1")
    x = ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, expansion, stride) in enumerate(BLOCKS):
        x = inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                               expansion=expansion, block_id=block_id)
    last_block_filters = imagenet_utils.make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = mobile_batch_norm(x, "Conv_1_bn")
    x = ReLU(6.0, name="out_relu")(x)

    x = imagenet_utils.classification_head(caller, x, include_top, pooling, classes,
                                           classifier_activation, weights)

    model = Model(inputs, x, name=name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    top = "" if include_top else "_no_top"
    fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname)
