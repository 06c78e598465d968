"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR
2017), layer for layer as `keras.applications.Xception`, so that Keras' ImageNet weights
load into it."""
from ..layers import Activation, Add, Conv2D, MaxPooling2D, SeparableConv2D
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_tf as preprocess_input

__all__ = ["Xception", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHTS_HASHES = {   # md5 of the file with the top, of the file without it
    "xception": ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")}


def _sepconv_bn(x, filters, name, relu_before=True, relu_after=False):
    """A 3x3 separable convolution ("{name}") and batch normalization ("{name}_bn"), with
    ReLU before it ("{name}_act") or after it."""
    if relu_before:
        x = Activation("relu", name=f"{name}_act")(x)
    x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    x = imagenet_utils.batch_norm(x, f"{name}_bn")
    if relu_after:
        x = Activation("relu", name=f"{name}_act")(x)
    return x


def _reduction_block(x, block, filters, out_filters, first_relu=True):
    """Two separable convolutions (to `filters`, then `out_filters`) and 3x3 max pooling of
    stride 2, added to the strided 1x1 convolution of the input (the residual)."""
    residual = Conv2D(out_filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = imagenet_utils.batch_norm(residual)
    x = _sepconv_bn(x, filters, f"block{block}_sepconv1", relu_before=first_relu)
    x = _sepconv_bn(x, out_filters, f"block{block}_sepconv2")
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return Add()([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """The Xception network: two 3x3 convolutions, three reduction blocks (entry flow),
    eight residual blocks of three separable convolutions on 728 channels (middle flow), a
    reduction block and two separable convolutions to 2048 channels (exit flow), then (with
    include_top) global average pooling and the classifier.

    Args:
        include_top: whether to add the classifier ("avg_pool" and "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        input_shape: (height, width, 3) without the batch axis, sides of at least 71;
            with include_top and ImageNet weights it must be (299, 299, 3), the default.
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name.

    Inputs need `keras.applications.xception.preprocess_input` (scaling to [-1, 1]).
    Returns a functional `Model`.
    """
    caller = "Xception"
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape, default_size=299,
                                             min_size=71)

    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(x)
    x = imagenet_utils.batch_norm(x, "block1_conv1_bn")
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = imagenet_utils.batch_norm(x, "block1_conv2_bn")
    x = Activation("relu", name="block1_conv2_act")(x)

    x = _reduction_block(x, 2, 128, 128, first_relu=False)
    x = _reduction_block(x, 3, 256, 256)
    x = _reduction_block(x, 4, 728, 728)
    for block in range(5, 13):
        residual = x
        for conv in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{conv}")
        x = Add()([x, residual])
    x = _reduction_block(x, 13, 728, 1024)
    x = _sepconv_bn(x, 1536, "block14_sepconv1", relu_before=False, relu_after=True)
    x = _sepconv_bn(x, 2048, "block14_sepconv2", relu_before=False, relu_after=True)
    x = imagenet_utils.classification_head(caller, x, include_top, pooling, classes,
                                           classifier_activation, weights,
                                           top_pool_name="avg_pool")

    model = Model(inputs, x, name=name)
    return imagenet_utils.load_named_weights(model, weights, BASE_WEIGHTS_PATH, "xception",
                                             include_top, WEIGHTS_HASHES)
