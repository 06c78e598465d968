"""Pretrained image models with Keras 3's names, layers and ImageNet weight files.

    base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                          weights="imagenet")
    base.trainable = False
    x = keras.applications.mobilenet_v2.preprocess_input(images)

Each model's module (`vgg16`, `resnet`, `densenet`, `mobilenet_v2`, ...) also has the
`preprocess_input` its inputs need and `decode_predictions` for its ImageNet predictions.
"""
from . import (densenet, efficientnet, imagenet_utils, inception_v3, mobilenet, mobilenet_v2,
               mobilenet_v3, resnet, resnet50, resnet_v2, vgg16, vgg19, xception)
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2",
           "ResNet101V2", "ResNet152V2", "DenseNet121", "DenseNet169", "DenseNet201",
           "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large", "Xception",
           "InceptionV3", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2",
           "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
           "EfficientNetB7",
           "vgg16", "vgg19", "resnet", "resnet50", "resnet_v2", "densenet", "mobilenet",
           "mobilenet_v2", "mobilenet_v3", "xception", "inception_v3", "efficientnet",
           "imagenet_utils"]
