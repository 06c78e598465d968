"""EfficientNetB0 to EfficientNetB7 (Tan and Le, "EfficientNet: Rethinking Model Scaling for
Convolutional Neural Networks", ICML 2019), layer for layer as `keras.applications.
efficientnet`, so that Keras' ImageNet weights load into them. The models rescale and
normalise their inputs (values 0..255) themselves: `preprocess_input` returns them
unchanged."""
import math

from ..layers import (Activation, Add, Conv2D, Dense, DepthwiseConv2D, Dropout,
                      GlobalAveragePooling2D, Multiply, Normalization, Rescaling, Reshape,
                      ZeroPadding2D)
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_passthrough as preprocess_input

__all__ = ["EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
           "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
           "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {   # md5 of the file with the top, of the file without it
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}

# The seven stages of EfficientNetB0, before the width and depth coefficients scale them.
DEFAULT_BLOCKS_ARGS = [
    dict(kernel_size=3, repeats=1, filters_in=32, filters_out=16, expand_ratio=1,
         id_skip=True, strides=1, se_ratio=0.25),
    dict(kernel_size=3, repeats=2, filters_in=16, filters_out=24, expand_ratio=6,
         id_skip=True, strides=2, se_ratio=0.25),
    dict(kernel_size=5, repeats=2, filters_in=24, filters_out=40, expand_ratio=6,
         id_skip=True, strides=2, se_ratio=0.25),
    dict(kernel_size=3, repeats=3, filters_in=40, filters_out=80, expand_ratio=6,
         id_skip=True, strides=2, se_ratio=0.25),
    dict(kernel_size=5, repeats=3, filters_in=80, filters_out=112, expand_ratio=6,
         id_skip=True, strides=1, se_ratio=0.25),
    dict(kernel_size=5, repeats=4, filters_in=112, filters_out=192, expand_ratio=6,
         id_skip=True, strides=2, se_ratio=0.25),
    dict(kernel_size=3, repeats=1, filters_in=192, filters_out=320, expand_ratio=6,
         id_skip=True, strides=1, se_ratio=0.25),
]

CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)

# name: (width coefficient, depth coefficient, default image side, dropout rate)
SCALINGS = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}


def block(inputs, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16,
          kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True):
    """A mobile inverted bottleneck: expand the channels `expand_ratio` times (1x1
    convolution), filter each channel (depthwise `kernel_size` convolution, stride
    `strides`), squeeze and excite (0 < se_ratio <= 1), project to `filters_out` (1x1
    convolution); when the shapes agree (and id_skip), add the input, after dropping whole
    samples of the block's output at `drop_rate` in training."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = Conv2D(filters, 1, padding="same", use_bias=False,
                   kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}expand_conv")(x)
        x = imagenet_utils.batch_norm(x, f"{name}expand_bn")
        x = Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                          name=f"{name}dwconv_pad")(x)
    x = DepthwiseConv2D(kernel_size, strides=strides,
                        padding="valid" if strides == 2 else "same", use_bias=False,
                        depthwise_initializer=CONV_KERNEL_INITIALIZER,
                        name=f"{name}dwconv")(x)
    x = imagenet_utils.batch_norm(x, f"{name}bn")
    x = Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        se = GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
        se_shape = (filters, 1, 1) if imagenet_utils.channel_axis() == 1 else (1, 1, filters)
        se = Reshape(se_shape, name=f"{name}se_reshape")(se)
        se = Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same",
                    activation=activation, kernel_initializer=CONV_KERNEL_INITIALIZER,
                    name=f"{name}se_reduce")(se)
        se = Conv2D(filters, 1, padding="same", activation="sigmoid",
                    kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
        x = Multiply(name=f"{name}se_excite")([x, se])
    x = Conv2D(filters_out, 1, padding="same", use_bias=False,
               kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}project_conv")(x)
    x = imagenet_utils.batch_norm(x, f"{name}project_bn")
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = Add(name=f"{name}add")([x, inputs])
    return x


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                 drop_connect_rate=0.2, depth_divisor=8, activation="swish",
                 blocks_args="default", name="efficientnet", include_top=True,
                 weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                 classes=1000, classifier_activation="softmax", weights_name=None):
    """An EfficientNet: rescaling and normalization of the images, a strided 3x3
    convolution, the stages of `blocks` (`blocks_args`, "default": DEFAULT_BLOCKS_ARGS)
    with their filters scaled by `width_coefficient` (rounded to multiples of
    `depth_divisor`) and their repeats by `depth_coefficient`, a 1x1 convolution, then (with
    include_top) global average pooling, dropout (`dropout_rate`) and the classifier.

    drop_connect_rate: the largest rate of the blocks' stochastic depth (it grows linearly
        from 0 over the blocks). default_size: the image side of the ImageNet weights.
    weights_name: the key of the ImageNet weight files in `WEIGHTS_HASHES` ("b0", ...).
    The other arguments are EfficientNetB0's.
    """
    caller = "EfficientNet" + (weights_name or "").upper()       # "EfficientNetB0"
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    if imagenet_utils.is_imagenet(weights) and weights_name not in WEIGHTS_HASHES:
        raise ValueError(f"{caller}: there are no ImageNet weights for "
                         f"weights_name={weights_name!r}; expected one of "
                         f"{', '.join(WEIGHTS_HASHES)}")
    for args in blocks_args:
        if args["repeats"] <= 0:
            raise ValueError(f"{caller}: The number of repeats in `EfficientNet` must be > 0. "
                             f"Received: repeats={args['repeats']}")
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape,
                                             default_size=default_size)

    def round_filters(filters):
        return int(imagenet_utils.make_divisible(filters * width_coefficient, depth_divisor))

    def round_repeats(repeats):
        return int(math.ceil(depth_coefficient * repeats))

    x = Rescaling(1.0 / 255.0)(x)
    x = Normalization(axis=imagenet_utils.channel_axis())(x)
    if imagenet_utils.is_imagenet(weights):
        # The weights were trained on (x - mean) / variance, the variance stored in the
        # files being std**2: dividing by sqrt(variance) = std once more matches that.
        x = Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
               kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = imagenet_utils.batch_norm(x, "stem_bn")
    x = Activation(activation, name="stem_activation")(x)

    total = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    done = 0
    for i, args in enumerate(blocks_args):
        args = dict(args)
        repeats = round_repeats(args.pop("repeats"))
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(repeats):
            if j > 0:                       # the stage's later blocks keep its size
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * done / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            done += 1

    x = Conv2D(round_filters(1280), 1, padding="same", use_bias=False,
               kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv")(x)
    x = imagenet_utils.batch_norm(x, "top_bn")
    x = Activation(activation, name="top_activation")(x)
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation,
                  kernel_initializer=DENSE_KERNEL_INITIALIZER, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, "avg_pool", "max_pool")

    model = Model(inputs, x, name=name)
    fname = file_hash = None
    if imagenet_utils.is_imagenet(weights):
        fname = name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return imagenet_utils.load_model_weights(model, weights, BASE_WEIGHTS_PATH, fname, file_hash)


def _efficientnet(weights_name, include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name):
    """EfficientNet with the scaling of `weights_name` ("b0" to "b7")."""
    width, depth, default_size, dropout_rate = SCALINGS[weights_name]
    return EfficientNet(width, depth, default_size, dropout_rate, name=name,
                        include_top=include_top, weights=weights, input_tensor=input_tensor,
                        input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation,
                        weights_name=weights_name)


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb0"):
    """The EfficientNetB0 network: 16 mobile inverted bottleneck blocks with squeeze and
    excite in seven stages, swish activations, for 224x224 images.

    Args:
        include_top: whether to add the classifier ("avg_pool", "top_dropout" and
            "predictions").
        weights: None (random initialization), "imagenet" (pre-trained on ImageNet, from
            Keras' weight files) or the path of a weights file to load.
        input_tensor: optional symbolic tensor (from `keras.Input()`) to use as the input.
        input_shape: (height, width, 3) without the batch axis, sides of at least 32;
            with include_top and ImageNet weights it must be the default, (224, 224, 3).
        pooling: without the top, None (the 4-D output of the last block), "avg" or "max"
            (global pooling to a 2-D output).
        classes: the number of classes, with include_top (1000 with ImageNet weights).
        classifier_activation: the activation of the "predictions" layer (None: logits);
            only None or "softmax" with pretrained weights.
        name: the model's name (it also names the ImageNet weight files).

    The model takes images with values 0..255: it rescales and normalises them itself.
    Returns a functional `Model`.
    """
    return _efficientnet("b0", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb1"):
    """EfficientNetB0 1.1 times deeper, for 240x240 images. The arguments are B0's."""
    return _efficientnet("b1", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb2"):
    """EfficientNetB0 1.1 times wider and 1.2 times deeper, for 260x260 images, with
    dropout 0.3. The arguments are B0's."""
    return _efficientnet("b2", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb3"):
    """EfficientNetB0 1.2 times wider and 1.4 times deeper, for 300x300 images, with
    dropout 0.3. The arguments are B0's."""
    return _efficientnet("b3", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb4"):
    """EfficientNetB0 1.4 times wider and 1.8 times deeper, for 380x380 images, with
    dropout 0.4. The arguments are B0's."""
    return _efficientnet("b4", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb5"):
    """EfficientNetB0 1.6 times wider and 2.2 times deeper, for 456x456 images, with
    dropout 0.4. The arguments are B0's."""
    return _efficientnet("b5", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb6"):
    """EfficientNetB0 1.8 times wider and 2.6 times deeper, for 528x528 images, with
    dropout 0.5. The arguments are B0's."""
    return _efficientnet("b6", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   name="efficientnetb7"):
    """EfficientNetB0 twice as wide and 3.1 times deeper, for 600x600 images, with dropout
    0.5. The arguments are B0's."""
    return _efficientnet("b7", include_top, weights, input_tensor, input_shape, pooling,
                         classes, classifier_activation, name)
