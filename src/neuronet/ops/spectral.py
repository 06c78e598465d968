"""Fourier transforms and short-time spectra, like the FFT family of `keras.ops`.

As in Keras, a complex value travels as a pair (real, imag) of float tensors of one shape.
The transforms are linear maps, so each backward pass applies the adjoint map to the
output gradient G = G_real + i G_imag: for Y = F(Z), the gradient of Z = Z_real + i Z_imag
is F^H(G) (the conjugate transpose). The short-time transforms are compositions of
framing, windowing and these transforms.
"""

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from .array import moveaxis, segment_sum
from .linalg import split_outputs
from .math import getitem, multiply, reshape, take, tensor

__all__ = ["fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft", "extract_sequences",
           "view_as_complex", "view_as_real"]

WINDOWS = ("hann", "hamming")


# --- complex values as (real, imag) pairs ----------------------------------------------------

def _complex_pair(x, caller):
    """The (real, imag) Tensors of the pair `x`, of one shape and float dtype."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{caller}: expected x to be a tuple (real, imag) of two float "
                         f"tensors, received {type(x).__name__}")
    real = tensor(x[0])
    imag = tensor(x[1], like=real)
    if real.shape != imag.shape:
        raise ValueError(f"{caller}: expected the real and imaginary parts to have one shape, "
                         f"received {real.shape} and {imag.shape}")
    if real.dtype.kind != "f" or imag.dtype.kind != "f":
        raise ValueError(f"{caller}: expected float real and imaginary parts, received "
                         f"{real.dtype} and {imag.dtype}")
    return real, imag


def _as_pair(z, dtype, parents, backward):
    """The complex array `z` as (real, imag) Tensors of `dtype`, outputs of one op whose
    backward(G) takes the complex gradient G = G_real + i G_imag."""
    return split_outputs([z.real.astype(dtype), z.imag.astype(dtype)], parents,
                         lambda grads: backward(grads[0] + 1j * grads[1]))


def _complex_transform(x, caller, forward, adjoint, min_rank=1):
    """forward(Z) of the complex pair `x`, as a pair; the backward applies adjoint(G)."""
    real, imag = _complex_pair(x, caller)
    if real.ndim < min_rank:
        raise ValueError(f"{caller}: expected inputs of rank >= {min_rank}, received shape "
                         f"{real.shape}")
    dtype = np.result_type(real.dtype, imag.dtype)

    def backward(g):                       # Y = F(Z): dZ = F^H(G)
        gz = adjoint(g)
        return gz.real.astype(dtype), gz.imag.astype(dtype)
    return _as_pair(forward(real.data + 1j * imag.data), dtype, (real, imag), backward)


def _fit_length(a, length):
    """`a` cut or zero-padded along its last axis to `length`."""
    if a.shape[-1] >= length:
        return a[..., :length]
    return np.concatenate([a, np.zeros(a.shape[:-1] + (length - a.shape[-1],), a.dtype)], -1)


def fft(x):
    """The discrete Fourier transform along the last axis of the complex pair x = (real,
    imag); returns a pair."""
    def adjoint(g):                        # F^H = n ifft
        return g.shape[-1] * np.fft.ifft(g)
    return _complex_transform(x, "fft", np.fft.fft, adjoint)


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of the pair (real, imag)."""
    def adjoint(g):                        # F^H = n1 n2 ifft2
        return g.shape[-2] * g.shape[-1] * np.fft.ifft2(g)
    return _complex_transform(x, "fft2", np.fft.fft2, adjoint, min_rank=2)


def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes of the pair
    (real, imag)."""
    def adjoint(g):                        # ifft2 = F^H / (n1 n2), its adjoint F / (n1 n2)
        return np.fft.fft2(g) / (g.shape[-2] * g.shape[-1])
    return _complex_transform(x, "ifft2", np.fft.ifft2, adjoint, min_rank=2)


def _fft_length(value, caller, default):
    if value is None:
        return default
    if not backend.is_int(value) or value < 1:
        raise ValueError(f"{caller}: expected fft_length to be a positive int or None, "
                         f"received fft_length={value!r}")
    return int(value)


def rfft(x, fft_length=None):
    """The Fourier transform along the last axis of the real `x` (..., L), cut or zero-padded
    to fft_length (default L): its fft_length // 2 + 1 non-negative frequencies, as a pair
    (real, imag)."""
    x = tensor(x)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))
    if x.ndim == 0:
        raise ValueError("rfft: expected an input of rank >= 1, received a scalar")
    length = x.shape[-1]
    n = _fft_length(fft_length, "rfft", length)

    def backward(g):    # Y = first n//2+1 rows of F_n x: dx = Re(F_n^H G) = n Re(ifft_n(G))
        return (_fit_length(n * np.fft.ifft(g, n).real, length).astype(x.dtype),)
    return _as_pair(np.fft.rfft(x.data, n), x.dtype, (x,), backward)


def irfft(x, fft_length=None):
    """The real signal (..., fft_length) whose rfft is the pair x = (real, imag) (..., M),
    fft_length defaulting to 2 * (M - 1); the imaginary parts of the zero (and the
    Nyquist) frequency are ignored."""
    real, imag = _complex_pair(x, "irfft")
    if real.ndim == 0:
        raise ValueError("irfft: expected inputs of rank >= 1, received scalars")
    bins = real.shape[-1]
    n = _fft_length(fft_length, "irfft", 2 * (bins - 1))
    dtype = np.result_type(real.dtype, imag.dtype)
    out = np.fft.irfft(real.data + 1j * imag.data, n).astype(dtype)

    def backward(g):
        # y = Re(sum_k c_k Z_k e^(2 pi i k t / n)) / n, c_k = 2 but for k = 0 and k = n / 2
        # (c = 1), over the bins k <= n // 2: dZ_k = c_k rfft(G)_k / n, none beyond
        weights = np.full(n // 2 + 1, 2.0)
        weights[0] = 1.0
        if n % 2 == 0:
            weights[-1] = 1.0
        gz = _fit_length(np.fft.rfft(g, n) * (weights / n), bins)
        return gz.real.astype(dtype), gz.imag.astype(dtype)
    return Tensor.from_op(out, (real, imag), backward)


# --- frames and short-time transforms ---------------------------------------------------------

def _positive_int(value, name, caller):
    if not backend.is_int(value) or value < 1:
        raise ValueError(f"{caller}: expected {name} to be a positive int, received "
                         f"{name}={value!r}")
    return int(value)


def _frame_positions(count, size, stride):
    """(count, size): the signal index of every sample of every frame."""
    return np.arange(count)[:, None] * stride + np.arange(size)


def extract_sequences(x, sequence_length, sequence_stride):
    """The frames (..., num_sequences, sequence_length) of the signals `x` (..., L), taken
    every sequence_stride samples: num_sequences = 1 + (L - sequence_length) //
    sequence_stride (the samples after the last whole frame are dropped)."""
    x = tensor(x)
    size = _positive_int(sequence_length, "sequence_length", "extract_sequences")
    stride = _positive_int(sequence_stride, "sequence_stride", "extract_sequences")
    if x.ndim == 0:
        raise ValueError("extract_sequences: expected an input of rank >= 1, received a scalar")
    count = max(0, 1 + (x.shape[-1] - size) // stride)
    return take(x, _frame_positions(count, size, stride), axis=-1)


def _overlap_add(frames, stride):
    """The frames (..., F, S) added into one signal (..., (F - 1) * stride + S), frame f
    from sample f * stride on (the adjoint of extract_sequences)."""
    count, size = frames.shape[-2:]
    batch = frames.shape[:-2]
    samples = moveaxis(reshape(frames, batch + (count * size,)), -1, 0)      # (F * S, ...)
    positions = _frame_positions(count, size, stride).ravel()
    signal = segment_sum(samples, positions, num_segments=(count - 1) * stride + size)
    return moveaxis(signal, 0, -1)


def _window(window, sequence_length, fft_length, dtype, caller):
    """The window over an fft_length frame: 'hann' or 'hamming' (periodic, as SciPy's
    get_window) or a (sequence_length,) array, centred between zeros; ones when None."""
    if window is None:
        return np.ones(fft_length, dtype)
    if isinstance(window, str):
        backend.check_choice(caller, "window", window, WINDOWS)
        angle = 2 * np.pi * np.arange(sequence_length) / sequence_length
        a0 = 0.5 if window == "hann" else 0.54
        values = a0 - (1 - a0) * np.cos(angle)
    else:
        values = np.asarray(window.data if isinstance(window, Tensor) else window)
        if values.shape != (sequence_length,):
            raise ValueError(f"{caller}: expected a window of shape ({sequence_length},) "
                             f"(sequence_length), received shape {values.shape}")
    left = (fft_length - sequence_length) // 2
    return np.pad(values, (left, fft_length - sequence_length - left)).astype(dtype)


def _frame_sizes(sequence_length, sequence_stride, fft_length, caller):
    size = _positive_int(sequence_length, "sequence_length", caller)
    stride = _positive_int(sequence_stride, "sequence_stride", caller)
    n = _positive_int(fft_length, "fft_length", caller)
    if n < size:
        raise ValueError(f"{caller}: expected fft_length >= sequence_length, received "
                         f"fft_length={n} and sequence_length={size}")
    return size, stride, n


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """The short-time Fourier transform of the real signals `x` (..., L): the rfft of every
    windowed frame of fft_length samples taken every sequence_stride samples, a pair
    (real, imag) of shape (..., num_frames, fft_length // 2 + 1). With center=True the
    signals are first padded by fft_length // 2 reflected samples at both ends."""
    x = tensor(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"stft: expected a float32 or float64 input, received {x.dtype}")
    if x.ndim == 0:
        raise ValueError("stft: expected an input of rank >= 1, received a scalar")
    size, stride, n = _frame_sizes(sequence_length, sequence_stride, fft_length, "stft")
    win = _window(window, size, n, x.dtype, "stft")
    if center:                             # reflect: ... x2 x1 | x0 x1 ... | ... x(L-2)
        x = take(x, np.pad(np.arange(x.shape[-1]), n // 2, mode="reflect"), axis=-1)
    frames = extract_sequences(x, n, stride)
    return rfft(multiply(frames, win), n)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """The inverse of `stft`: the real signals whose stft is the pair x = (real, imag)
    (..., num_frames, fft_length // 2 + 1), by windowed overlap-add of the frames' irfft,
    divided by the overlap-added squared window. `length` trims or gives the output length;
    with center=True the fft_length // 2 padded samples are dropped at both ends."""
    real, _ = _complex_pair(x, "istft")
    if real.ndim < 2:
        raise ValueError(f"istft: expected inputs of rank >= 2 (..., frames, bins), received "
                         f"shape {real.shape}")
    size, stride, n = _frame_sizes(sequence_length, sequence_stride, fft_length, "istft")
    win = _window(window, size, n, real.dtype, "istft")
    count = real.shape[-2]
    signal = _overlap_add(multiply(irfft(x, n), win), stride)
    coverage = _overlap_add(Tensor(np.broadcast_to(win * win, (count, n))), stride).data
    scale = 1 if window is not None else n / stride      # Keras' scale without a window
    signal = multiply(signal, (scale / np.where(coverage > 1e-10, coverage, 1)).astype(win.dtype))
    start = n // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = -(n // 2) if center else signal.shape[-1]
    return getitem(signal, (Ellipsis, slice(start, end)))


# --- complex tensors (no gradient) --------------------------------------------------------------

def view_as_complex(x):
    """The complex tensor (...) of the real `x` (..., 2) holding (real, imag) pairs:
    complex64 for float32 (and integer) input, complex128 for float64. No gradient."""
    x = tensor(x)
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: expected a last axis of size 2 (real, imag), "
                         f"received shape {x.shape}")
    dtype = np.complex128 if x.dtype == np.float64 else np.complex64
    return Tensor((x.data[..., 0] + 1j * x.data[..., 1]).astype(dtype))


def view_as_real(x):
    """The real tensor (..., 2) of the (real, imag) pairs of the complex `x`. No gradient."""
    x = tensor(x)
    return Tensor(np.stack([x.data.real, x.data.imag], axis=-1))
