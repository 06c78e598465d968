"""ResNet50 (He et al., "Deep Residual Learning for Image Recognition", CVPR 2015), layer for
layer as `keras.applications.ResNet50`, so that Keras' ImageNet weights load into it."""
from .. import backend
from ..layers import (Activation, Add, BatchNormalization, Conv2D, Dense, MaxPooling2D,
                      ZeroPadding2D)
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_caffe as preprocess_input

__all__ = ["ResNet50", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
WEIGHTS_HASHES = {   # (with the top, without it), md5
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626")}

BN_EPSILON = 1.001e-5


def _batch_norm(x, name):
    axis = 3 if backend.image_data_format() == "channels_last" else 1
    return BatchNormalization(axis=axis, epsilon=BN_EPSILON, name=name)(x)


def residual_block(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 (`filters`), `kernel_size` (`filters`) and 1x1 (4 * `filters`)
    convolutions, each batch-normalised, added to the shortcut, then ReLU. The shortcut is
    the input, or (conv_shortcut) its 1x1 convolution to 4 * `filters` channels."""
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    x = Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(x, f"{name}_1_bn")
    x = Activation("relu", name=f"{name}_1_relu")(x)
    x = Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(x, f"{name}_2_bn")
    x = Activation("relu", name=f"{name}_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(x, f"{name}_3_bn")
    x = Add(name=f"{name}_add")([shortcut, x])
    return Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks(x, filters, blocks, stride1=2, name=None):
    """`blocks` residual blocks; the first has a convolution shortcut and stride `stride1`."""
    x = residual_block(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    """The ResNet50 network: a 7x7 convolution and max pooling, then 3, 4, 6 and 3
    bottleneck residual blocks (64, 128, 256 and 512 filters), then (with include_top)
    global average pooling and the classifier.

    Args:
        include_top: whether to add the classifier ("avg_pool" and "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        input_shape: (height, width, 3) without the batch axis, sides of at least 32;
            with include_top and ImageNet weights it must be (224, 224, 3), the default.
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name.

    Inputs need `keras.applications.resnet50.preprocess_input` (RGB to BGR, mean pixel
    subtracted). Returns a functional `Model`.
    """
    caller = "ResNet50"
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape)

    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = _batch_norm(x, "conv1_bn")
    x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)

    x = stack_residual_blocks(x, 64, 3, stride1=1, name="conv2")
    x = stack_residual_blocks(x, 128, 4, name="conv3")
    x = stack_residual_blocks(x, 256, 6, name="conv4")
    x = stack_residual_blocks(x, 512, 3, name="conv5")

    if include_top:
        x = imagenet_utils.global_pooling(x, "avg", avg_name="avg_pool")
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, avg_name="avg_pool", max_name="max_pool")

    model = Model(inputs, x, name=name)
    top_hash, no_top_hash = WEIGHTS_HASHES["resnet50"]
    if include_top:
        fname, file_hash = "resnet50_weights_tf_dim_ordering_tf_kernels.h5", top_hash
    else:
        fname, file_hash = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", no_top_hash
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname, file_hash)

