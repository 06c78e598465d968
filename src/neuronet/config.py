"""Global settings under Keras 3's names (`keras.config`): the float type, the fuzz factor,
the image data format and the backend's name. They live in `neuronet.backend`; the switch
that turns safe mode off for loading lives in `neuronet.saving`."""
from .backend import (backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                      set_image_data_format)
from .saving.serialization import enable_unsafe_deserialization

__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "enable_unsafe_deserialization"]
