"""Weight initializers by Keras name (to be completed)."""
import numpy as np

from . import backend


class GlorotUniform:
    def __call__(self, shape, dtype=None):
        fan_in, fan_out = shape[-2] if len(shape) > 1 else shape[0], shape[-1]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return backend.rng().uniform(-limit, limit, shape).astype(dtype or backend.floatx())

    def get_config(self):
        return {}


class Zeros:
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype or backend.floatx())

    def get_config(self):
        return {}


def get(identifier):
    if callable(identifier):
        return identifier
    return {"glorot_uniform": GlorotUniform, "zeros": Zeros}[identifier]()


def serialize(initializer):
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}
