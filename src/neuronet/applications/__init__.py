"""Pretrained image models with Keras 3's names, layers and ImageNet weight files.

    base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                          weights="imagenet")
    base.trainable = False
    x = keras.applications.mobilenet_v2.preprocess_input(images)

Each model's module (`vgg16`, `resnet50`, `mobilenet_v2`) also has the `preprocess_input`
its inputs need and `decode_predictions` for its ImageNet predictions.
"""
from . import imagenet_utils, mobilenet_v2, resnet50, vgg16
from .mobilenet_v2 import MobileNetV2
from .resnet50 import ResNet50
from .vgg16 import VGG16

__all__ = ["VGG16", "ResNet50", "MobileNetV2", "vgg16", "resnet50", "mobilenet_v2",
           "imagenet_utils"]
