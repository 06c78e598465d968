"""The ResNet family, layer for layer as `keras.applications.resnet` and `resnet_v2`, so that
Keras' ImageNet weights load into it: ResNet50, ResNet101 and ResNet152 (He et al., "Deep
Residual Learning for Image Recognition", CVPR 2015) here, their pre-activation versions
ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., "Identity Mappings in Deep Residual
Networks", ECCV 2016) in `resnet_v2`, all made by `ResNet` from a stack of residual blocks."""
from ..layers import Activation, Add, Conv2D, MaxPooling2D, ZeroPadding2D
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_caffe as preprocess_input

__all__ = ["ResNet50", "ResNet101", "ResNet152", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
WEIGHTS_HASHES = {   # weights name: md5 of the file with the top, of the file without it
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}

BN_EPSILON = 1.001e-5
FILTERS = (64, 128, 256, 512)     # the bottleneck filters of the four stacks, conv2 to conv5
DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}   # their blocks


def _batch_norm(x, name):
    return imagenet_utils.batch_norm(x, name, epsilon=BN_EPSILON)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 (`filters`, stride `stride`), `kernel_size` (`filters`) and 1x1
    (4 * `filters`) convolutions, each batch-normalised, added to the shortcut, then ReLU.
    The shortcut is the input, or (conv_shortcut) its 1x1 convolution to 4 * `filters`."""
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


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """`blocks` ResNet blocks; the first has a convolution shortcut and stride `stride1`."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A pre-activation bottleneck block: batch normalization and ReLU first, then 1x1
    (`filters`), `kernel_size` (`filters`, stride `stride`) and 1x1 (4 * `filters`)
    convolutions, the first two batch-normalised with ReLU, added to the shortcut. The
    shortcut is the input (subsampled by 1x1 max pooling when strided), or (conv_shortcut)
    the 1x1 convolution of the pre-activated input to 4 * `filters` channels."""
    preact = _batch_norm(x, f"{name}_preact_bn")
    preact = Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(x, f"{name}_1_bn")
    x = Activation("relu", name=f"{name}_1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(x, f"{name}_2_bn")
    x = Activation("relu", name=f"{name}_2_relu")(x)
    x = Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """`blocks` ResNetV2 blocks; the first has a convolution shortcut, the last stride
    `stride1`."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet",
           input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax", name="resnet", weights_name=None):
    """A ResNet: a 7x7 convolution (with `use_bias`) and max pooling, `stack_fn(x)` (the
    residual blocks), then (with include_top) global average pooling and the classifier.

    preact: whether the blocks are pre-activation ones (ResNetV2): then batch normalization
        and ReLU follow the blocks instead of the first convolution.
    weights_name: the key of the ImageNet weight files in `WEIGHTS_HASHES` ("resnet50", ...);
        weights="imagenet" needs it. The other arguments are the model functions'.
    """
    caller = "ResNet" + (weights_name or "resnet")[len("resnet"):].upper()   # "ResNet50V2"
    if imagenet_utils.is_imagenet(weights) and weights_name not in WEIGHTS_HASHES:
        raise ValueError(f"{caller}: there are no ImageNet weights for "
                         f"weights_name={weights_name!r}; expected one of "
                         f"{', '.join(WEIGHTS_HASHES)}")
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape)

    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _batch_norm(x, "conv1_bn")
        x = Activation("relu", name="conv1_relu")(x)
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _batch_norm(x, "post_bn")
        x = Activation("relu", name="post_relu")(x)
    x = imagenet_utils.classification_head(caller, x, include_top, pooling, classes,
                                           classifier_activation, weights,
                                           top_pool_name="avg_pool",
                                           pool_names=("avg_pool", "max_pool"))

    model = Model(inputs, x, name=name)
    return imagenet_utils.load_named_weights(model, weights, BASE_WEIGHTS_PATH, weights_name,
                                             include_top, WEIGHTS_HASHES)


def residual_stacks(depth, preact):
    """The `stack_fn` of ResNet{depth} (preact: of ResNet{depth}V2): four stacks of residual
    blocks, each halving the image's sides but one: the first of ResNet (which follows the
    max pooling), the last of ResNetV2."""
    stack = stack_residual_blocks_v2 if preact else stack_residual_blocks_v1
    unstrided = 3 if preact else 0

    def stack_fn(x):
        for i, (filters, blocks) in enumerate(zip(FILTERS, DEPTHS[depth])):
            x = stack(x, filters, blocks, stride1=1 if i == unstrided else 2,
                      name=f"conv{i + 2}")
        return x
    return stack_fn


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

    Inputs need `keras.applications.resnet.preprocess_input` (RGB to BGR, mean pixel
    subtracted). Returns a functional `Model`.
    """
    return ResNet(residual_stacks(50, False), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    """The ResNet101 network: ResNet50 with 23 blocks in its third stack. The arguments
    are ResNet50's."""
    return ResNet(residual_stacks(101, False), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    """The ResNet152 network: ResNet50 with 8 and 36 blocks in its second and third stacks.
    The arguments are ResNet50's."""
    return ResNet(residual_stacks(152, False), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet152")
