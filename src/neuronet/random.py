"""Random tensors, like `keras.random`.

Every function takes a `seed`:
- None: draw from the framework's generator, `backend.rng()` (`backend.set_random_seed`
  makes the draws reproducible);
- an int: a fresh generator from that int, so the same int gives the same numbers;
- a SeedGenerator: the next seed of its stream, so successive calls differ but the whole
  sequence repeats for a SeedGenerator built from the same initial seed.
"""

import numpy as np

from . import backend
from .autograd.tensor import Tensor, as_array
from .ops.array import check_dtype, check_shape, normalize_axis
from .ops.dropout import dropout as _dropout
from .ops.math import take, tensor

__all__ = ["SeedGenerator", "normal", "uniform", "randint", "truncated_normal", "categorical",
           "dropout", "shuffle", "gamma", "beta", "binomial"]

_SEED_LIMIT = 2**32


class SeedGenerator:
    """A reproducible stream of seeds: each random function given it takes the next one.

    seed: the initial seed, a non-negative int; None takes one from `backend.rng()`.
    """

    def __init__(self, seed=None, name=None):
        if seed is None:
            seed = int(backend.rng().integers(_SEED_LIMIT))
        elif not backend.is_int(seed) or seed < 0:
            raise ValueError(f"SeedGenerator: expected seed to be None or a non-negative int, "
                             f"received seed={seed!r}")
        self.seed = int(seed)
        self.name = name or backend.unique_name("seed_generator")
        self._stream = np.random.default_rng(self.seed)

    def next(self):
        """The next seed of the stream, an int."""
        return int(self._stream.integers(_SEED_LIMIT))

    def get_config(self):
        return {"seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name!r}, seed={self.seed}>"


def _generator(seed, caller):
    """The NumPy Generator that `seed` (None, an int or a SeedGenerator) stands for."""
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng(seed.next())
    if backend.is_int(seed) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ValueError(f"{caller}: expected seed to be None, a non-negative int or a "
                     f"SeedGenerator, received seed={seed!r}")


def _float_draw(dtype, caller):
    """(the float dtype asked for, the dtype NumPy draws in: float32 or float64)."""
    dtype = check_dtype(dtype, caller, backend.floatx(), kinds="f")
    return dtype, dtype if dtype == np.float64 else np.dtype(np.float32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Values from a normal distribution N(mean, stddev^2), of dtype floatx() unless given."""
    dims = check_shape(shape, "normal")
    dtype, draw = _float_draw(dtype, "normal")
    values = _generator(seed, "normal").standard_normal(dims, dtype=draw)
    return Tensor((values * as_array(stddev, draw) + as_array(mean, draw)).astype(dtype, copy=False))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Values drawn uniformly from [minval, maxval), of dtype floatx() unless given."""
    dims = check_shape(shape, "uniform")
    dtype, draw = _float_draw(dtype, "uniform")
    low, high = as_array(minval, draw), as_array(maxval, draw)
    values = _generator(seed, "uniform").random(dims, dtype=draw)
    return Tensor((values * (high - low) + low).astype(dtype, copy=False))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval)."""
    dims = check_shape(shape, "randint")
    dtype = check_dtype(dtype, "randint", None, kinds="iu")
    if not minval < maxval:
        raise ValueError(f"randint: expected minval < maxval, received minval={minval!r}, "
                         f"maxval={maxval!r}")
    return Tensor(_generator(seed, "randint").integers(minval, maxval, dims, dtype=dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values N(mean, stddev^2) within two standard deviations of the mean: values
    beyond are drawn again."""
    dims = check_shape(shape, "truncated_normal")
    dtype, draw = _float_draw(dtype, "truncated_normal")
    generator = _generator(seed, "truncated_normal")
    values = generator.standard_normal(dims, dtype=draw)
    outside = np.abs(values) > 2
    while outside.any():                                # about 5% of the values per round
        values[outside] = generator.standard_normal(int(outside.sum()), dtype=draw)
        outside = np.abs(values) > 2
    return Tensor((values * as_array(stddev, draw) + as_array(mean, draw)).astype(dtype, copy=False))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from the unnormalized log-probabilities `logits`
    (batch, classes) -> (batch, num_samples)."""
    logits = as_array(logits)
    if logits.ndim != 2:
        raise ValueError(f"categorical: expected logits of shape (batch, classes), received "
                         f"shape {logits.shape}")
    if not backend.is_int(num_samples) or num_samples < 0:
        raise ValueError(f"categorical: expected a non-negative int for argument 'num_samples', "
                         f"received num_samples={num_samples!r}")
    dtype = check_dtype(dtype, "categorical", None, kinds="iu")
    uniforms = _generator(seed, "categorical").random((len(logits), num_samples, logits.shape[1]))
    gumbel = -np.log(-np.log(np.maximum(uniforms, np.finfo(np.float64).tiny)))
    # the argmax of logits + Gumbel noise is a sample of softmax(logits)
    return Tensor(np.argmax(logits[:, None, :] + gumbel, axis=-1).astype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Inverted dropout: each value zeroed with probability `rate`, the rest scaled by
    1 / (1 - rate); differentiable. noise_shape: the mask's shape, broadcast over inputs."""
    return _dropout(inputs, rate, noise_shape, rng=_generator(seed, "dropout"))


def shuffle(x, axis=0, seed=None):
    """`x` with its slices along `axis` in a random order; differentiable."""
    x = tensor(x)
    axis = normalize_axis(axis, x.ndim, "shuffle")
    return take(x, _generator(seed, "shuffle").permutation(x.shape[axis]), axis=axis)


def _parameter(value, name, caller, positive=True):
    """A distribution's parameter as a float64 array, checked > 0 (or in [0, 1])."""
    values = np.asarray(as_array(value), np.float64)
    valid = values > 0 if positive else (values >= 0) & (values <= 1)
    if not np.all(valid):
        expected = "positive values" if positive else "values in [0, 1]"
        raise ValueError(f"{caller}: expected {expected} for argument '{name}', received "
                         f"{name}={value!r}")
    return values


def gamma(shape, alpha, dtype=None, seed=None):
    """Values from the Gamma distribution of shape `alpha` (> 0) and scale 1; `alpha` may be
    an array broadcast to `shape`."""
    dims = check_shape(shape, "gamma")
    dtype, _ = _float_draw(dtype, "gamma")
    alpha = _parameter(alpha, "alpha", "gamma")
    return Tensor(_generator(seed, "gamma").standard_gamma(np.broadcast_to(alpha, dims))
                  .astype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Values in [0, 1] from the Beta(alpha, beta) distribution (both > 0, scalars or
    arrays broadcast to `shape`)."""
    dims = check_shape(shape, "beta")
    dtype, _ = _float_draw(dtype, "beta")
    a = np.broadcast_to(_parameter(alpha, "alpha", "beta"), dims)
    b = np.broadcast_to(_parameter(beta, "beta", "beta"), dims)
    return Tensor(_generator(seed, "beta").beta(a, b).astype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """The number of successes in `counts` trials of success probability `probabilities`
    (scalars or arrays broadcast to `shape`), as floats of dtype floatx() unless given."""
    dims = check_shape(shape, "binomial")
    dtype = check_dtype(dtype, "binomial", backend.floatx(), kinds="iuf")
    counts = np.asarray(as_array(counts))
    if not (np.all(counts >= 0) and np.all(counts == np.round(counts))):
        raise ValueError(f"binomial: expected non-negative whole numbers for argument "
                         f"'counts', received counts={counts!r}")
    p = _parameter(probabilities, "probabilities", "binomial", positive=False)
    draws = _generator(seed, "binomial").binomial(np.broadcast_to(counts.astype(np.int64), dims),
                                                  np.broadcast_to(p, dims))
    return Tensor(draws.astype(dtype))
