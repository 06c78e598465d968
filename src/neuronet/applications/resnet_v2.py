"""ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., "Identity Mappings in Deep Residual
Networks", ECCV 2016), layer for layer as `keras.applications.resnet_v2`, so that Keras'
ImageNet weights load into them; built by `resnet.ResNet` from pre-activation blocks."""
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_tf as preprocess_input
from .resnet import ResNet, residual_stacks

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input",
           "decode_predictions"]


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax",
               name="resnet50v2"):
    """The ResNet50V2 network: a 7x7 convolution and max pooling, then 3, 4, 6 and 3
    pre-activation bottleneck blocks (64, 128, 256 and 512 filters), batch normalization
    and ReLU, then (with include_top) global average pooling and the classifier.

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

    Inputs need `keras.applications.resnet_v2.preprocess_input` (scaling to [-1, 1]).
    Returns a functional `Model`.
    """
    return ResNet(residual_stacks(50, True), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    """The ResNet101V2 network: ResNet50V2 with 23 blocks in its third stack. The arguments
    are ResNet50V2's."""
    return ResNet(residual_stacks(101, True), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    """The ResNet152V2 network: ResNet50V2 with 8 and 36 blocks in its second and third
    stacks. The arguments are ResNet50V2's."""
    return ResNet(residual_stacks(152, True), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet152v2")
