"""`keras.applications.resnet50`: ResNet50 with its `preprocess_input` and
`decode_predictions`, which live in `resnet` with the rest of the ResNet family and its
weight files."""
from .resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "preprocess_input", "decode_predictions"]
