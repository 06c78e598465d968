"""MobileNet (Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile
Vision Applications", 2017), layer for layer as `keras.applications.MobileNet`, so that
Keras' ImageNet weights load into it."""
from ..layers import (Activation, Conv2D, DepthwiseConv2D, Dropout, GlobalAveragePooling2D, ReLU,
                      Reshape, ZeroPadding2D)
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_tf as preprocess_input

__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
PRETRAINED_ALPHAS = (0.25, 0.5, 0.75, 1.0)
PRETRAINED_SIZES = (128, 160, 192, 224)

# the depthwise separable blocks 1 to 13: (pointwise filters before alpha, stride)
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
          (1024, 2), (1024, 1))


def _bn_relu6(x, name):
    """Batch normalization ("{name}_bn") and ReLU6 ("{name}_relu")."""
    x = imagenet_utils.batch_norm(x, f"{name}_bn")
    return ReLU(6.0, name=f"{name}_relu")(x)


def depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                         strides=(1, 1), block_id=1):
    """A depthwise separable block: a 3x3 depthwise convolution (stride `strides`) and a
    1x1 convolution to `pointwise_conv_filters` * alpha channels, each batch-normalised and
    followed by ReLU6. A strided block pads the bottom and right by one first."""
    x = inputs
    if strides != (1, 1):
        x = ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                        depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                        name=f"conv_dw_{block_id}")(x)
    x = _bn_relu6(x, f"conv_dw_{block_id}")
    x = Conv2D(int(pointwise_conv_filters * alpha), (1, 1), padding="same", use_bias=False,
               strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    return _bn_relu6(x, f"conv_pw_{block_id}")


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax", name=None):
    """The MobileNet network: a strided 3x3 convolution, 13 depthwise separable blocks, then
    (with include_top) global average pooling, dropout and a 1x1 convolution classifier.
    Activations are ReLU6.

    Args:
        input_shape: (height, width, 3) without the batch axis, sides of at least 32; with
            include_top and ImageNet weights it must be (224, 224, 3), the default.
        alpha: the width multiplier: the number of filters of every layer is scaled by it.
            Pretrained weights exist for 0.25, 0.5, 0.75 and 1.0.
        depth_multiplier: the depthwise convolutions' channel multiplier (1 with ImageNet
            weights).
        dropout: the dropout rate before the classifier.
        include_top: whether to add the classifier ("conv_preds" and "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files: those for the input's size when it is square and one of
            128, 160, 192, 224, else those for 224 with a warning) or the path of a weights
            file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name; by default "mobilenet_{alpha:.2f}_{rows}".

    Inputs need `keras.applications.mobilenet.preprocess_input` (scaling to [-1, 1]).
    Returns a functional `Model`.
    """
    caller = "MobileNet"
    if imagenet_utils.is_imagenet(weights) and depth_multiplier != 1:
        raise ValueError(f"{caller}: If imagenet weights are being loaded, depth multiplier "
                         f"must be 1. Received depth_multiplier={depth_multiplier}")
    inputs, x, rows = imagenet_utils.input_of_pretrained_sizes(
        caller, weights, include_top, classes, pooling, input_tensor, input_shape, alpha,
        PRETRAINED_ALPHAS, PRETRAINED_SIZES, size_from_tensor=False)

    x = Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2),
               name="conv1")(x)
    x = _bn_relu6(x, "conv1")
    for block_id, (filters, stride) in enumerate(BLOCKS, start=1):
        x = depthwise_conv_block(x, filters, alpha, depth_multiplier, strides=(stride, stride),
                                 block_id=block_id)

    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Dropout(dropout, name="dropout")(x)
        x = Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Activation(classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)

    model = Model(inputs, x, name=name or f"mobilenet_{alpha:0.2f}_{rows}")
    fname = None
    if imagenet_utils.is_imagenet(weights):
        alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}[alpha]
        fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname)
