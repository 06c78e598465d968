"""VGG16 (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015), layer for layer as `keras.applications.VGG16`, so that Keras'
ImageNet weights load into it; `VGG` builds it and VGG19 (`vgg19`) from their blocks."""
from ..layers import Conv2D, Dense, Flatten, MaxPooling2D
from ..models import Model
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_caffe as preprocess_input

__all__ = ["VGG16", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
WEIGHTS_FILES = {   # include_top: (file name, md5 hash)
    True: ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
    False: ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "6d6bbae143d832006294945121d1f1fc")}

BLOCKS = ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512))   # (3x3 convolutions, filters)


def VGG(caller, blocks, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name, base_path, weights_files):
    """A VGG network: `blocks` of ((3x3 convolutions, filters), ...), each ending in 2x2
    max pooling, then (with include_top) two dense layers of 4096 and the classifier.
    base_path and weights_files ({include_top: (file name, md5)}) locate the ImageNet
    weights; caller names the model function in errors; the other arguments are VGG16's."""
    inputs, x = imagenet_utils.checked_input(caller, weights, include_top, classes, pooling,
                                             input_tensor, input_shape)

    for block, (convolutions, filters) in enumerate(blocks, start=1):
        for conv in range(1, convolutions + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{conv}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(caller, classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)

    model = Model(inputs, x, name=name)
    fname, file_hash = weights_files[bool(include_top)]
    return imagenet_utils.load_model_weights(model, weights, base_path, fname, file_hash)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """The VGG16 network: five blocks of 3x3 convolutions (ReLU), each ending in 2x2 max
    pooling, then (with include_top) two dense layers of 4096 and the classifier.

    Args:
        include_top: whether to add the 3 fully-connected layers at the top.
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

    Inputs need `keras.applications.vgg16.preprocess_input` (RGB to BGR, mean pixel
    subtracted). Returns a functional `Model`.
    """
    return VGG("VGG16", BLOCKS, include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name, BASE_WEIGHTS_PATH, WEIGHTS_FILES)
