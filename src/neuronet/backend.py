"""Array backend: the NumPy namespace, the default float type and the random generator.

Every module takes arrays, dtypes and random draws from here, so that a seed set once
makes every later draw reproducible and the float type is chosen in one place.
"""
import numpy as np

xp = np  # the array namespace (NumPy; an API-compatible one can replace it)

_FLOATX = "float32"
_EPSILON = 1e-7
_rng = np.random.default_rng()

_VALID_FLOATX = ("float16", "float32", "float64")


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


def rng():
    """The framework's random generator; `set_random_seed` resets it."""
    return _rng


def set_random_seed(seed):
    """Make every later random draw (initializers, dropout, shuffling) reproducible."""
    global _rng
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"set_random_seed: expected an int seed, received {seed!r}")
    _rng = np.random.default_rng(int(seed))
    np.random.seed(int(seed) % 2**32)


_name_counts = {}


def unique_name(base):
    """'dense', then 'dense_1', 'dense_2', ... as Keras names layers and models."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def clear_session():
    """Forget generated names, so the next layers are named 'dense', 'dense_1', ... again."""
    _name_counts.clear()


def is_float_dtype(dtype):
    return np.dtype(dtype).kind == "f"
