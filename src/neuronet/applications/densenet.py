"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., "Densely Connected Convolutional
Networks", CVPR 2017), layer for layer as `keras.applications.densenet`, so that Keras'
ImageNet weights load into them."""
from .. import backend
from ..layers import (Activation, AveragePooling2D, Concatenate, Conv2D, MaxPooling2D,
                      ZeroPadding2D)
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_torch as preprocess_input

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
WEIGHTS_HASHES = {   # weights name: md5 of the file with the top, of the file without it
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
BLOCKS = {   # the number of convolution blocks of the four dense blocks
    "densenet121": (6, 12, 24, 16),
    "densenet169": (6, 12, 32, 32),
    "densenet201": (6, 12, 48, 32),
}
GROWTH_RATE = 32       # the channels each convolution block adds
BN_EPSILON = 1.001e-5


def _bn_relu(x, name):
    """Batch normalization ("{name}_bn") and ReLU ("{name}_relu")."""
    x = imagenet_utils.batch_norm(x, f"{name}_bn", epsilon=BN_EPSILON)
    return Activation("relu", name=f"{name}_relu")(x)


def conv_block(x, growth_rate, name):
    """A convolution block: batch normalization, ReLU, 1x1 convolution to 4 * `growth_rate`,
    batch normalization, ReLU, 3x3 convolution to `growth_rate` channels, whose output is
    concatenated to the block's input."""
    x1 = _bn_relu(x, f"{name}_0")
    x1 = Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _bn_relu(x1, f"{name}_1")
    x1 = Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return Concatenate(axis=imagenet_utils.channel_axis(), name=f"{name}_concat")([x, x1])


def dense_block(x, blocks, name):
    """`blocks` convolution blocks, each seeing the channels of all the blocks before it."""
    for i in range(1, blocks + 1):
        x = conv_block(x, GROWTH_RATE, name=f"{name}_block{i}")
    return x


def transition_block(x, reduction, name):
    """Batch normalization, ReLU, a 1x1 convolution to `reduction` times the channels, then
    2x2 average pooling."""
    channels = x.shape[imagenet_utils.channel_axis()]
    x = _bn_relu(x, name)
    x = Conv2D(int(channels * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
             name="densenet"):
    """A DenseNet: a 7x7 convolution and max pooling, four dense blocks of `blocks`
    convolution blocks with transition blocks between them, batch normalization and ReLU,
    then (with include_top) global average pooling and the classifier. ImageNet weights
    exist for the `blocks` of DenseNet121, 169 and 201; the other arguments are theirs.
    """
    weights_name = next((key for key, value in BLOCKS.items() if value == tuple(blocks)), None)
    caller = "DenseNet" + (weights_name or "densenet")[len("densenet"):]   # "DenseNet121"
    if backend.image_data_format() == "channels_first":
        raise ValueError(f"{caller}: DenseNet does not support the `channels_first` image "
                         "data format; set `keras.config.set_image_data_format("
                         "'channels_last')`")
    if imagenet_utils.is_imagenet(weights) and weights_name is None:
        raise ValueError(f"{caller}: there are no ImageNet weights for blocks={blocks!r}; "
                         f"expected one of {', '.join(map(str, BLOCKS.values()))}")
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape)

    x = ZeroPadding2D(padding=((3, 3), (3, 3)))(x)
    x = Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, convolutions in enumerate(blocks, start=2):
        x = dense_block(x, convolutions, name=f"conv{i}")
        if i < len(blocks) + 1:
            x = transition_block(x, 0.5, name=f"pool{i}")
    x = imagenet_utils.batch_norm(x, "bn", epsilon=BN_EPSILON)
    x = Activation("relu", name="relu")(x)
    x = imagenet_utils.classification_head(caller, x, include_top, pooling, classes,
                                           classifier_activation, weights,
                                           top_pool_name="avg_pool",
                                           pool_names=("avg_pool", "max_pool"))

    model = Model(inputs, x, name=name)
    return imagenet_utils.load_named_weights(model, weights, BASE_WEIGHTS_PATH, weights_name,
                                             include_top, WEIGHTS_HASHES)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    """The DenseNet121 network: dense blocks of 6, 12, 24 and 16 convolution blocks.

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

    Inputs need `keras.applications.densenet.preprocess_input` (scaling to [0, 1], then
    standardising each channel). Only the channels_last image format is supported.
    Returns a functional `Model`.
    """
    return DenseNet(BLOCKS["densenet121"], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    """The DenseNet169 network: dense blocks of 6, 12, 32 and 32 convolution blocks. The
    arguments are DenseNet121's."""
    return DenseNet(BLOCKS["densenet169"], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    """The DenseNet201 network: dense blocks of 6, 12, 48 and 32 convolution blocks. The
    arguments are DenseNet121's."""
    return DenseNet(BLOCKS["densenet201"], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)
