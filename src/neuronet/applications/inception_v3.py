"""InceptionV3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
CVPR 2016), layer for layer as `keras.applications.InceptionV3`, so that Keras' ImageNet
weights load into it."""
from ..layers import Activation, AveragePooling2D, Concatenate, Conv2D, MaxPooling2D
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_tf as preprocess_input

__all__ = ["InceptionV3", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "inception_v3/")
WEIGHTS_HASHES = {   # md5 of the file with the top, of the file without it
    "inception_v3": ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")}


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """A `num_row` x `num_col` convolution without bias, batch normalization without scale,
    and ReLU; named "{name}_conv", "{name}_bn" and `name` (generated names without it)."""
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=None if name is None else f"{name}_conv")(x)
    x = imagenet_utils.batch_norm(x, None if name is None else f"{name}_bn", scale=False)
    return Activation("relu", name=name)(x)


def _chain(x, *convolutions):
    """`conv2d_bn` applied in turn for each (filters, rows, cols) in `convolutions`; a
    fourth entry "reduce" makes that one strided (2) and unpadded."""
    for filters, rows, cols, *reduce in convolutions:
        if reduce:
            x = conv2d_bn(x, filters, rows, cols, strides=(2, 2), padding="valid")
        else:
            x = conv2d_bn(x, filters, rows, cols)
    return x


def _pool_branch(x, filters):
    """3x3 average pooling (stride 1) and a 1x1 convolution to `filters`."""
    x = AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _concat(branches, name=None):
    return Concatenate(axis=imagenet_utils.channel_axis(), name=name)(branches)


def _block_35(x, pool_filters, name):
    """Mixed 0-2 (35x35 at 299x299): 1x1, 5x5, double 3x3 and pooling branches."""
    return _concat([_chain(x, (64, 1, 1)),
                    _chain(x, (48, 1, 1), (64, 5, 5)),
                    _chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3)),
                    _pool_branch(x, pool_filters)], name)


def _reduction_35(x):
    """Mixed 3: strided 3x3, double 3x3 and max pooling branches (35x35 to 17x17)."""
    return _concat([_chain(x, (384, 3, 3, "reduce")),
                    _chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3, "reduce")),
                    MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed3")


def _block_17(x, filters, name):
    """Mixed 4-7 (17x17): 1x1, factorised 7x7, double factorised 7x7 and pooling branches,
    with `filters` inside the 7x7 branches."""
    return _concat([_chain(x, (192, 1, 1)),
                    _chain(x, (filters, 1, 1), (filters, 1, 7), (192, 7, 1)),
                    _chain(x, (filters, 1, 1), (filters, 7, 1), (filters, 1, 7),
                           (filters, 7, 1), (192, 1, 7)),
                    _pool_branch(x, 192)], name)


def _reduction_17(x):
    """Mixed 8: strided 3x3, factorised 7x7 then strided 3x3, and max pooling branches
    (17x17 to 8x8)."""
    return _concat([_chain(x, (192, 1, 1), (320, 3, 3, "reduce")),
                    _chain(x, (192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, "reduce")),
                    MaxPooling2D((3, 3), strides=(2, 2))(x)], "mixed8")


def _split_1x3_3x1(x, name=None):
    """1x3 and 3x1 convolutions (384 filters each) of `x`, concatenated."""
    return _concat([conv2d_bn(x, 384, 1, 3), conv2d_bn(x, 384, 3, 1)], name)


def _block_8(x, index):
    """Mixed 9 and 10 (8x8): 1x1, split 3x3, 3x3 then split 3x3, and pooling branches."""
    branch1x1 = _chain(x, (320, 1, 1))
    branch3x3 = _split_1x3_3x1(_chain(x, (384, 1, 1)), name=f"mixed9_{index}")
    branch3x3dbl = _split_1x3_3x1(_chain(x, (448, 1, 1), (384, 3, 3)))
    return _concat([branch1x1, branch3x3, branch3x3dbl, _pool_branch(x, 192)],
                   f"mixed{9 + index}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """The InceptionV3 network: five convolutions with two max poolings, then eleven
    inception modules ("mixed0" to "mixed10"), then (with include_top) global average
    pooling and the classifier.

    Args:
        include_top: whether to add the classifier ("avg_pool" and "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        input_shape: (height, width, 3) without the batch axis, sides of at least 75;
            with include_top and ImageNet weights it must be (299, 299, 3), the default.
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name.

    Inputs need `keras.applications.inception_v3.preprocess_input` (scaling to [-1, 1]).
    Returns a functional `Model`.
    """
    caller = "InceptionV3"
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape, default_size=299,
                                             min_size=75)

    x = conv2d_bn(x, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)

    for index, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{index}")
    x = _reduction_35(x)
    for index, filters in enumerate((128, 160, 160, 192), start=4):
        x = _block_17(x, filters, f"mixed{index}")
    x = _reduction_17(x)
    for index in (0, 1):
        x = _block_8(x, index)
    x = imagenet_utils.classification_head(caller, x, include_top, pooling, classes,
                                           classifier_activation, weights,
                                           top_pool_name="avg_pool")

    model = Model(inputs, x, name=name)
    return imagenet_utils.load_named_weights(model, weights, BASE_WEIGHTS_PATH,
                                             "inception_v3", include_top, WEIGHTS_HASHES)
