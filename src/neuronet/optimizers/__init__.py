"""Optimizers by Keras name: `get('adam')`, `SGD(learning_rate=0.1, momentum=0.9)`, ...

Every optimizer updates variables in place from their gradients, one step per
`apply(grads, variables)`; `schedules` holds the learning rate schedules.
"""
from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import Optimizer
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .multi_optimizer import MultiOptimizer, OptimizerMap
from .muon import Muon
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedule_free_adamw import ScheduleFreeAdamW
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Lion", "Ftrl", "Lamb", "Adafactor", "Muon", "ScheduleFreeAdamW",
           "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap", "schedules", "get",
           "serialize", "deserialize"]

_OPTIMIZERS = {cls.__name__.lower(): cls
               for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Lion,
                           Ftrl, Lamb, Adafactor, Muon, ScheduleFreeAdamW,
                           LossScaleOptimizer, MultiOptimizer)}


def serialize(optimizer):
    """The optimizer as a JSON-compatible dict: {'class_name': ..., 'config': {...}}."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """A new optimizer from `serialize`'s dict (class names are case-insensitive);
    `custom_objects` maps names of user-defined optimizers or schedules to classes."""
    custom_objects = custom_objects or {}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name in custom_objects:
        cls = custom_objects[name]
    elif isinstance(name, str) and name.lower() in _OPTIMIZERS:
        cls = _OPTIMIZERS[name.lower()]
    else:
        raise ValueError(f"optimizers.deserialize: unknown optimizer {name!r}; expected one "
                         f"of {sorted(_OPTIMIZERS)} (or pass `custom_objects`). "
                         f"Received: config={config!r}")
    return cls.from_config(config.get("config", {}), custom_objects=custom_objects)


def get(identifier):
    """An optimizer from a name ('adam', 'SGD', ...), a `serialize` dict, or an optimizer
    instance (returned as is); None gives None."""
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() not in _OPTIMIZERS:
            raise ValueError(f"Unknown optimizer: {identifier!r}. Expected one of "
                             f"{sorted(_OPTIMIZERS)}.")
        return _OPTIMIZERS[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}; expected "
                     "a name, a config dict or an Optimizer instance.")
