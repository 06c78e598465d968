"""VGG19 (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015), layer for layer as `keras.applications.VGG19`, so that Keras'
ImageNet weights load into it; built by `vgg16.VGG`."""
from .imagenet_utils import decode_predictions
from .imagenet_utils import preprocess_caffe as preprocess_input
from .vgg16 import VGG

__all__ = ["VGG19", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
WEIGHTS_FILES = {   # include_top: (file name, md5 hash)
    True: ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    False: ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "253f8cb515780f3b799900260a226db6")}

BLOCKS = ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512))   # (3x3 convolutions, filters)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """The VGG19 network: VGG16 with four convolutions in each of its last three blocks.

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

    Inputs need `keras.applications.vgg19.preprocess_input` (RGB to BGR, mean pixel
    subtracted). Returns a functional `Model`.
    """
    return VGG("VGG19", BLOCKS, include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name, BASE_WEIGHTS_PATH, WEIGHTS_FILES)
