"""Global settings under Keras 3's names (`keras.config`): the float type, the fuzz factor,
the image data format and the backend's name. They live in `neuronet.backend`."""
from .backend import (backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                      set_image_data_format)

__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format"]
