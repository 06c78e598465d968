"""Array backend: the NumPy namespace, the default float type, the image data format and the
random generator, with the argument checks every package layer shares.

Every module takes arrays, dtypes and random draws from here, so that a seed set once
makes every later draw reproducible and the float type is chosen in one place.
"""
import numbers
import os
import random
import re

import numpy as np

xp = np  # the array namespace (NumPy; an API-compatible one can replace it)

_FLOATX = "float32"
_EPSILON = 1e-7
_rng = np.random.default_rng()

_VALID_FLOATX = ("float16", "float32", "float64")
DATA_FORMATS = ("channels_last", "channels_first")
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """The default float type, as a string ('float32' unless changed)."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type: 'float16', 'float32' or 'float64'."""
    global _FLOATX
    if value not in _VALID_FLOATX:
        raise ValueError(f"set_floatx: expected one of {_VALID_FLOATX}, received {value!r}")
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor used to keep divisions and logarithms finite (Keras: 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """The default layout of images: 'channels_last' (height, width, channels) unless changed."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Set the default image layout: 'channels_last' or 'channels_first'."""
    global _IMAGE_DATA_FORMAT
    _IMAGE_DATA_FORMAT = _checked_data_format(data_format, "set_image_data_format")


def standardize_data_format(data_format, caller):
    """`data_format` in lower case and checked; `image_data_format()` when it is None."""
    return image_data_format() if data_format is None else _checked_data_format(data_format, caller)


def _checked_data_format(data_format, caller):
    value = data_format.lower() if isinstance(data_format, str) else data_format
    if value not in DATA_FORMATS:
        raise ValueError(f"{caller}: expected one of {DATA_FORMATS} for argument 'data_format', "
                         f"received data_format={data_format!r}")
    return value


def is_int(value):
    """Whether `value` is an integer (Python or NumPy), bools excepted: the test behind every
    integer argument's check."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool)


def check_choice(caller, name, value, valid):
    """Return `value` when it is one of `valid`, else raise a ValueError listing them."""
    if value not in valid:
        listed = ", ".join(repr(v) for v in valid)
        raise ValueError(f"{caller}: invalid {name}={value!r}; expected one of {listed}")
    return value


def rng():
    """The framework's random generator; `set_random_seed` resets it."""
    return _rng


def set_random_seed(seed):
    """Make every later random draw (initializers, dropout, shuffling) reproducible; seeds
    Python's `random` and NumPy's global generator too, as Keras does."""
    global _rng
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_random_seed: expected a non-negative int seed, received "
                         f"seed={seed!r} (of type {type(seed).__name__})")
    _rng = np.random.default_rng(int(seed))
    np.random.seed(int(seed) % 2**32)
    random.seed(int(seed))


def _limit_from_environment(name):
    value = os.environ.get(name)
    return int(value) if value else None


# debugging caps on fit's epochs and on the steps of every epoch (Keras' variables)
_MAX_EPOCHS = _limit_from_environment("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _limit_from_environment("KERAS_MAX_STEPS_PER_EPOCH")


def _check_limit(value, caller):
    if value is not None and (not isinstance(value, (int, np.integer)) or isinstance(value, bool)
                              or value < 1):
        raise ValueError(f"{caller}: expected None or a positive int, received {value!r}")
    return None if value is None else int(value)


def max_epochs():
    """The cap on the epochs of any `fit` (None: no cap); also set by $KERAS_MAX_EPOCHS."""
    return _MAX_EPOCHS


def set_max_epochs(max_epochs):
    """Cap the epochs of every later `fit` at `max_epochs` (None: no cap), for debugging."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = _check_limit(max_epochs, "set_max_epochs")


def max_steps_per_epoch():
    """The cap on the steps of an epoch of fit, evaluate or predict (None: no cap); also
    set by $KERAS_MAX_STEPS_PER_EPOCH."""
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of every later epoch of fit, evaluate and predict (None: no cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _check_limit(max_steps_per_epoch, "set_max_steps_per_epoch")


_name_counts = {}


def snake_case(name):
    """'GlorotUniform' -> 'glorot_uniform', 'MaxPooling2D' -> 'max_pooling2d' (Keras' rule)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """'dense', then 'dense_1', 'dense_2', ... as Keras names layers and models."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def clear_session(free_memory=True):
    """Forget generated names, so the next layers are named 'dense', 'dense_1', ... again.
    (free_memory: accepted for Keras' signature; NumPy arrays are freed when unused.)"""
    _name_counts.clear()
    _uids.clear()


def backend():
    """The name of the array backend: 'numpy' (as Keras 3 names its NumPy backend)."""
    return "numpy"


def _is_string_name(dtype):
    return isinstance(dtype, str) and dtype == "string"


# Python's types and the bare word 'int' name Keras' 32-bit defaults
_PYTHON_DTYPES = {int: "int32", float: "float32", bool: "bool", str: "string", "int": "int32"}


def standardize_dtype(dtype):
    """The name of `dtype` as Keras writes it ('float32', 'int64', ...), 'string' for text:
    the name itself, `str`, and NumPy's str, bytes and object dtypes. Python's int and
    float stand for int32 and float32, as in Keras."""
    if _is_string_name(dtype):
        return "string"
    if isinstance(dtype, type) or isinstance(dtype, str):
        if dtype in _PYTHON_DTYPES:
            return _PYTHON_DTYPES[dtype]
    try:
        dtype = np.dtype(dtype)
    except TypeError as error:
        raise ValueError(f"Invalid dtype: {dtype!r}") from error
    return "string" if dtype.kind in "USO" else dtype.name


def is_int_dtype(dtype):
    """Whether `dtype` is a signed or unsigned integer type."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


_uids = {}


def get_uid(prefix=""):
    """1 the first time `prefix` is asked for, then 2, 3, ... (reset by `clear_session`)."""
    _uids[prefix] = _uids.get(prefix, 0) + 1
    return _uids[prefix]


def is_float_dtype(dtype):
    return not _is_string_name(dtype) and np.dtype(dtype).kind == "f"
