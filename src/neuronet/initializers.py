"""Weight initializers with Keras 3's names, defaults and formulas.

    init = initializers.get("he_normal")     # or HeNormal(seed=1), or a config dict
    kernel = init((3, 3, 16, 32))            # float32 ndarray, fans counted as Keras does

An initializer is called with a shape (and optionally a dtype) and returns a NumPy
array of that dtype (`backend.floatx()` by default). As in Keras 3, a random initializer
returns the same values at every call: given `seed=` an int, from that seed; unseeded, from
a seed it takes from `backend.rng()` when made (so `backend.set_random_seed` makes it
reproducible, and each layer's own initializer draws its own values). Given a
`keras.random.SeedGenerator`, it takes the generator's next seed at every call.
"""
import math

import numpy as np

from . import backend
from .random import SeedGenerator
from .saving.serialization import (deserialize_keras_object, deserialize_object, get_object,
                                   name_table, serialize_keras_object, serialize_object)

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "Identity", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform",
    "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal", "IdentityInitializer",
    "OrthogonalInitializer", "STFT", "STFTInitializer", "window_values", "compute_fans",
    "fresh_copy", "with_fans",
    "get", "serialize", "deserialize",
]

# Standard deviation of a standard normal truncated to [-2, 2]: dividing by it gives the
# truncated draws of VarianceScaling the variance the formula asks for.
_TRUNCATED_STDDEV = 0.87962566103423978


def _resolve_dtype(dtype):
    return np.dtype(backend.floatx() if dtype is None else dtype)


def _resolve_shape(shape, who):
    """`shape` as a tuple of non-negative ints (an int n means (n,))."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0
               for d in dims):
        raise ValueError(f"{who}: expected a shape of non-negative ints, received shape={shape!r}")
    return tuple(int(d) for d in dims)


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight shape, counted as Keras does.

    With both `input_axes` and `output_axes` given, the products of the sizes of those
    axes. Else: Dense kernels (in, out) give (in, out); convolution kernels
    (*kernel_size, in, out) multiply both by the receptive field size prod(kernel_size); a
    1-D shape (n,) gives (n, n) and a scalar shape gives (1, 1).
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class Initializer:
    """Base class: `initializer(shape, dtype=None)` returns an ndarray of that shape.

    Subclasses implement `__call__` and, when they take arguments, `get_config`.
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement __call__(shape, dtype=None)")

    def get_config(self):
        """The constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """A new initializer from the output of `get_config()`."""
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())


# --- constant initializers ----------------------------------------------------------------

class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(_resolve_shape(shape, "Zeros"), _resolve_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(_resolve_shape(shape, "Ones"), _resolve_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value`: a scalar, or an array broadcast to the shape (e.g. a
    pretrained embedding matrix; in a config, Keras' '__numpy__' dict)."""

    def __init__(self, value=0.0):
        if isinstance(value, dict):
            value = deserialize_keras_object(value)
        if np.ndim(value) == 0:
            self.value = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        else:
            self.value = np.array(value)

    def __call__(self, shape, dtype=None):
        shape = _resolve_shape(shape, "Constant")
        try:
            return np.broadcast_to(self.value, shape).astype(_resolve_dtype(dtype))
        except ValueError:
            raise ValueError(f"Constant: the value of shape {np.shape(self.value)} cannot fill "
                             f"a weight of shape {shape}") from None

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}


class Identity(Initializer):
    """`gain` times the identity matrix (ones on the main diagonal); 2-D shapes only."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _resolve_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(f"Identity: the identity initializer can only be used for 2D "
                             f"matrices, received shape={shape} of rank {len(shape)}")
        return (self.gain * np.eye(*shape)).astype(_resolve_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


# --- random draws (float64, cast once at the end) -------------------------------------------

def _normal(rng, shape, mean, stddev):
    return mean + stddev * rng.standard_normal(shape)


def _uniform(rng, shape, minval, maxval):
    return rng.uniform(minval, maxval, shape)          # minval included, maxval excluded


def _truncated_normal(rng, shape, mean, stddev):
    """Normal draws; those more than 2 stddev from the mean are drawn again until none is."""
    z = rng.standard_normal(math.prod(shape))
    outside = np.flatnonzero(np.abs(z) > 2.0)
    while outside.size:                                # each round keeps ~4.6% of the previous
        z[outside] = rng.standard_normal(outside.size)
        outside = outside[np.abs(z[outside]) > 2.0]
    return mean + stddev * z.reshape(shape)


class RandomInitializer(Initializer):
    """Base of the random initializers: the seed, the generator and the float dtype.

    Subclasses implement `_draw(rng, shape)`, which returns float64 values of that shape;
    a call casts them to the requested float dtype.
    """

    def __init__(self, seed=None):
        if isinstance(seed, dict):                         # a SeedGenerator's Keras config
            seed = SeedGenerator.from_config(seed.get("config", {}))
        if not (seed is None or isinstance(seed, SeedGenerator)
                or (backend.is_int(seed) and seed >= 0)):
            raise ValueError(f"{type(self).__name__}: expected `seed` to be None, a non-negative "
                             f"int or a keras.random.SeedGenerator, received seed={seed!r}")
        self.seed = int(seed) if backend.is_int(seed) else seed
        self._seed = self.seed if seed is not None else int(backend.rng().integers(2**32))

    def _generator(self):
        """A fresh generator: from the initializer's seed (the same values every call), or
        from the next seed of its SeedGenerator."""
        seed = self._seed.next() if isinstance(self._seed, SeedGenerator) else self._seed
        return np.random.default_rng(seed)

    def __call__(self, shape, dtype=None):
        name = type(self).__name__
        dtype = _resolve_dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise ValueError(f"{name}: expected a float dtype, received dtype={dtype.name!r}")
        shape = _resolve_shape(shape, name)
        return self._draw(self._generator(), shape).astype(dtype)

    def _draw(self, rng, shape):
        raise NotImplementedError(f"{type(self).__name__} must implement _draw(rng, shape)")

    def get_config(self):
        if isinstance(self.seed, SeedGenerator):           # as Keras serializes the object
            return {"seed": {"module": "keras.random", "class_name": "SeedGenerator",
                             "config": self.seed.get_config(), "registered_name": None}}
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Draws from a normal distribution N(mean, stddev^2)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = mean
        self.stddev = stddev

    def _draw(self, rng, shape):
        return _normal(rng, shape, self.mean, self.stddev)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    """Like RandomNormal, but values more than 2 stddev from the mean are drawn again."""

    def _draw(self, rng, shape):
        return _truncated_normal(rng, shape, self.mean, self.stddev)


class RandomUniform(RandomInitializer):
    """Draws uniformly from [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        if minval > maxval:
            raise ValueError(f"RandomUniform: expected minval <= maxval, received "
                             f"minval={minval!r} and maxval={maxval!r}")
        self.minval = minval
        self.maxval = maxval

    def _draw(self, rng, shape):
        return _uniform(rng, shape, self.minval, self.maxval)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Random values whose variance is `scale / n`, n being the fan chosen by `mode`.

    mode: 'fan_in', 'fan_out' or 'fan_avg' (the mean of both), see `compute_fans`.
    distribution: 'truncated_normal' (stddev sqrt(scale / n) after truncation at 2 stddev;
    'normal' is accepted for it), 'untruncated_normal' (stddev sqrt(scale / n)) or
    'uniform' (within [-limit, limit], limit = sqrt(3 scale / n)).
    input_axes, output_axes: lists of the axes whose sizes multiply into fan_in and
    fan_out (both given, else the shape's rule of `compute_fans`).
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        name = type(self).__name__
        if not scale > 0:
            raise ValueError(f"{name}: expected `scale` to be a positive float, "
                             f"received scale={scale!r}")
        if mode not in self._MODES:
            raise ValueError(f"{name}: expected `mode` to be one of {self._MODES}, "
                             f"received mode={mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"{name}: expected `distribution` to be one of {self._DISTRIBUTIONS}, "
                             f"received distribution={distribution!r}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def _draw(self, rng, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            return _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV)
        if self.distribution == "untruncated_normal":
            return _normal(rng, shape, 0.0, math.sqrt(variance))
        limit = math.sqrt(3.0 * variance)
        return _uniform(rng, shape, -limit, limit)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _VarianceScalingPreset(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are fixed by the class."""

    _PRESET = None  # (scale, mode, distribution)

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._PRESET
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {**RandomInitializer.get_config(self), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class GlorotUniform(_VarianceScalingPreset):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Xavier uniform)."""
    _PRESET = (1.0, "fan_avg", "uniform")


class GlorotNormal(_VarianceScalingPreset):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) (Xavier normal)."""
    _PRESET = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_VarianceScalingPreset):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in)."""
    _PRESET = (2.0, "fan_in", "uniform")


class HeNormal(_VarianceScalingPreset):
    """Truncated normal with stddev sqrt(2 / fan_in)."""
    _PRESET = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_VarianceScalingPreset):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in)."""
    _PRESET = (1.0, "fan_in", "uniform")


class LecunNormal(_VarianceScalingPreset):
    """Truncated normal with stddev sqrt(1 / fan_in)."""
    _PRESET = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """`gain` times a random orthogonal matrix (QR of a normal matrix).

    A shape (d0, ..., dn-2, dn-1) is filled as a (d0 * ... * dn-2, dn-1) matrix: with at
    least as many rows as columns its columns are orthonormal, otherwise its rows are.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def _draw(self, rng, shape):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the tensor to initialize must be at least "
                             f"two-dimensional, received shape={shape} of rank {len(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)                         # q: orthonormal columns
        q *= np.sign(np.diag(r))                       # makes the draw uniform over rotations
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


def fresh_copy(initializer):
    """A new initializer from `initializer`'s config (a function is returned as it is): the
    sublayers of a layer given one copy each draw their own values, as in Keras."""
    return initializer.clone() if isinstance(initializer, Initializer) else initializer


def with_fans(initializer, fan_in, fan_out):
    """`initializer`, whose VarianceScaling draws (glorot, he, lecun, ...) count the given
    fans instead of those of the weight's shape: Keras' rule for the kernels of EinsumDense
    and attention, whose axes split into input and output axes. Other initializers are
    returned as they are."""
    if not isinstance(initializer, VarianceScaling):
        return initializer

    def draw(shape, dtype=None):
        return initializer((fan_in, fan_out), dtype).reshape(shape)   # i.i.d.: any layout
    return draw


# --- Fourier kernels --------------------------------------------------------------------------

# Cosine-sum windows: w(n) = a0 - a1 cos(2 pi n / M) + a2 cos(4 pi n / M), with M = N - 1
# (symmetric) or M = N (periodic, for spectral analysis), as scipy.signal.get_window.
_COSINE_WINDOWS = {"hann": (0.5, 0.5, 0.0), "hamming": (0.54, 0.46, 0.0),
                   "blackman": (0.42, 0.5, 0.08), "boxcar": (1.0, 0.0, 0.0)}
WINDOWS = tuple(_COSINE_WINDOWS)


def _check_window_name(window, caller):
    if isinstance(window, str):
        backend.check_choice(caller, "window", window, WINDOWS)


def window_values(window, length, periodic=False):
    """The float64 values (length,) of the window named `window` ('hann', 'hamming',
    'blackman' or 'boxcar'): symmetric, or periodic (the first `length` values of the
    symmetric window of length + 1) when `periodic` is True."""
    _check_window_name(window, "window_values")
    a0, a1, a2 = _COSINE_WINDOWS[window]
    if length == 1:
        return np.ones(1)
    angle = 2 * np.pi * np.arange(length) / (length if periodic else length - 1)
    return a0 - a1 * np.cos(angle) + a2 * np.cos(2 * angle)


class STFT(Initializer):
    """Convolution kernels (frame_length, 1, fft_length // 2 + 1) whose output is the real or
    imaginary part of the windowed discrete Fourier transform of each frame.

    Entry [t, 0, k] is cos(2 pi t k / N) ('real') or -sin(2 pi t k / N) ('imag') times
    window[t] / scale, where N = 2 * (bins - 1) comes from the last axis of the shape.

    Args:
        side: 'real' or 'imag'.
        window: a window name ('hann', 'hamming', 'blackman', 'boxcar'), an array of
            frame_length values, or None (no window, no scaling).
        scaling: 'density' (scale = the L2 norm of the window), 'spectrum' (its L1 norm)
            or None (scale = 1).
        periodic: whether a named window is periodic rather than symmetric.
    """

    _SIDES = ("real", "imag")
    _SCALINGS = ("density", "spectrum", None)

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        backend.check_choice("STFT", "side", side, self._SIDES)
        backend.check_choice("STFT", "scaling", scaling, self._SCALINGS)
        _check_window_name(window, "STFT")
        self.side = side
        self.window = window if window is None or isinstance(window, str) else (
            np.asarray(window, dtype=np.float64).tolist())
        self.scaling = scaling
        self.periodic = bool(periodic)

    def __call__(self, shape, dtype=None):
        shape = _resolve_shape(shape, "STFT")
        dtype = _resolve_dtype(dtype)
        if len(shape) != 3 or shape[2] < 2:
            raise ValueError(f"STFT: expected a shape (frame_length, input_channels, "
                             f"fft_length // 2 + 1) with at least 2 bins, received shape={shape}")
        frame_length, _, bins = shape
        time = np.arange(frame_length)[:, None]                  # (T, 1)
        angle = -2 * np.pi * time * np.arange(bins) / (2 * (bins - 1))   # (T, bins)
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = (window_values(self.window, frame_length, self.periodic)
                   if isinstance(self.window, str) else np.asarray(self.window))
            if win.shape != (frame_length,):
                raise ValueError(f"STFT: expected a window of shape ({frame_length},) "
                                 f"(frame_length), received shape {win.shape}")
            scale = {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win)),
                     None: 1.0}[self.scaling]
            kernel = kernel * win[:, None] / scale
        return np.broadcast_to(kernel[:, None, :], shape).astype(dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}


# Lower-case aliases, as `keras.initializers` exports them.
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal = VarianceScaling, Orthogonal
IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal     # Keras 3's long names
stft, STFTInitializer = STFT, STFT
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal, lecun_uniform, lecun_normal = HeUniform, HeNormal, LecunUniform, LecunNormal


# --- names and Keras 3 serialization ------------------------------------------------------

_MODULE = "keras.initializers"
_NAMES = name_table(
    [Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
     VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform,
     LecunNormal, Orthogonal, STFT],
    {"zero": Zeros, "one": Ones, "normal": RandomNormal, "uniform": RandomUniform,
     "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
     "STFTInitializer": STFT})


def serialize(initializer):
    """The initializer as a Keras 3 config dict (None stays None)."""
    return serialize_object(initializer, _MODULE, _NAMES)


def deserialize(config, custom_objects=None):
    """An initializer from a name or a config dict; `custom_objects` maps names to classes."""
    return deserialize_object(config, _MODULE, _NAMES, custom_objects)


def get(identifier):
    """An initializer from None, a name ('glorot_uniform', 'HeNormal', ...), a config dict,
    a class, an Initializer or any callable(shape, dtype)."""
    return get_object(identifier, _MODULE, deserialize)
