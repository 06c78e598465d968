"""Global settings under Keras 3's names (`keras.config`): the float type, the fuzz factor,
the image data format, the backend's name and the debugging caps on epochs and steps. They
live in `neuronet.backend`; where messages go lives in `neuronet.io_utils`; the switch
that turns safe mode off for loading lives in `neuronet.saving`."""
from .backend import (backend, epsilon, floatx, image_data_format, max_epochs,
                      max_steps_per_epoch, set_epsilon, set_floatx, set_image_data_format,
                      set_max_epochs, set_max_steps_per_epoch)
from .io_utils import (disable_interactive_logging, enable_interactive_logging,
                       is_interactive_logging_enabled)
from .saving.serialization import enable_unsafe_deserialization

__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "enable_unsafe_deserialization", "max_epochs",
           "set_max_epochs", "max_steps_per_epoch", "set_max_steps_per_epoch",
           "enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled"]
