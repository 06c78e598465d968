"""MelSpectrogram: audio signals to mel-scale spectrograms (Keras 3 semantics).

    layer = keras.layers.MelSpectrogram(num_mel_bins=64, sampling_rate=8000,
                                        sequence_stride=256, fft_length=2048)
    layer(waves)            # (batch, samples) -> (batch, 64, frames)

The steps: the short-time Fourier transform of the centred signal (`ops.stft`), its
magnitude to the power mag_exp, the triangular mel filter bank (HTK's mel scale), and
optionally decibels relative to ref_power, floored at top_db below the largest value.
"""
import numbers

import numpy as np

from ..ops import math as m
from ..ops.array import swapaxes
from ..ops.spectral import WINDOWS, stft
from ..ops.trigonometry import log10
from .base import Layer, check_positive_int

# HTK's mel scale: mel(f) = 1127 ln(1 + f / 700).
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies):
    """Frequencies in hertz on HTK's mel scale."""
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(frequencies) / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate,
                                lower_edge_hertz, upper_edge_hertz, dtype="float32"):
    """The (num_spectrogram_bins, num_mel_bins) matrix that maps the linear bins of
    [0, sampling_rate / 2] onto triangular mel bands spread evenly on the mel scale over
    [lower_edge_hertz, upper_edge_hertz]; each triangle peaks at 1, the DC bin weighs 0."""
    bins_mel = hertz_to_mel(np.linspace(0.0, sampling_rate / 2, num_spectrogram_bins)[1:])
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz),
                        num_mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]       # one band per column
    rising = (bins_mel[:, None] - lower) / (center - lower)
    falling = (upper - bins_mel[:, None]) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, ((1, 0), (0, 0))).astype(dtype)


def _check_number(name, value, low=None, inclusive=False):
    """`value`, unless it is not a real number > low (>= low when inclusive; any number
    when low is None)."""
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not is_number or low is not None and not (value >= low if inclusive else value > low):
        bound = "" if low is None else f" >= {low}" if inclusive else f" > {low}"
        raise ValueError(f"MelSpectrogram: expected a number{bound} for argument '{name}', "
                         f"received {name}={value!r}")
    return value


class MelSpectrogram(Layer):
    """Mel spectrograms of (batch, samples) or (samples,) audio signals.

    Args:
        fft_length: the FFT size (and the frame length). Default 2048.
        sequence_stride: samples between frames. Default 512.
        sequence_length: the length of the window inside each frame; None means fft_length.
        window: 'hann', 'hamming' (periodic), an array of sequence_length values, or None.
        sampling_rate: samples per second of the signal.
        num_mel_bins: number of mel bands.
        min_freq, max_freq: the frequency range of the bands in hertz (max_freq None means
            sampling_rate / 2).
        power_to_db: whether to convert the spectrogram to decibels:
            10 log10(max(S, min_power)) - 10 log10(max(|ref_power|, min_power)), floored at
            top_db below its largest value over the whole batch.
        top_db, mag_exp (1: magnitude, 2: power), min_power, ref_power: as above.

    Output shape: (batch, num_mel_bins, frames) or (num_mel_bins, frames), with
    frames = 1 + (samples + 2 * (fft_length // 2) - fft_length) // sequence_stride (the
    signal is padded by fft_length // 2 reflected samples at both ends).
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10,
                 ref_power=1.0, **kwargs):
        super().__init__(**kwargs)
        caller = "MelSpectrogram"
        self.fft_length = check_positive_int(caller, "fft_length", fft_length)
        self.sequence_stride = check_positive_int(caller, "sequence_stride", sequence_stride)
        self.sequence_length = check_positive_int(caller, "sequence_length",
                                                  sequence_length or fft_length)
        if self.fft_length < self.sequence_length:
            raise ValueError(f"{caller}: expected fft_length >= sequence_length, received "
                             f"fft_length={fft_length} and sequence_length={sequence_length}")
        if isinstance(window, str) and window not in WINDOWS:
            raise ValueError(f"{caller}: invalid window={window!r}; expected one of "
                             f"{', '.join(map(repr, WINDOWS))}, an array or None")
        self.window = window if window is None or isinstance(window, str) else (
            np.asarray(window, dtype=np.float64).tolist())
        self.sampling_rate = _check_number("sampling_rate", sampling_rate, 0)
        self.num_mel_bins = check_positive_int(caller, "num_mel_bins", num_mel_bins)
        self.min_freq = _check_number("min_freq", min_freq, 0, inclusive=True)
        self.max_freq = _check_number("max_freq", max_freq or int(sampling_rate / 2), min_freq)
        self.power_to_db = bool(power_to_db)
        self.top_db = _check_number("top_db", top_db, 0, inclusive=True)
        self.mag_exp = _check_number("mag_exp", mag_exp, 0)
        self.min_power = _check_number("min_power", min_power, 0)
        self.ref_power = _check_number("ref_power", ref_power)

    def call(self, inputs):
        if inputs.ndim not in (1, 2):
            raise ValueError(f"MelSpectrogram layer '{self.name}': expected signals of shape "
                             f"(batch, samples) or (samples,), received shape {inputs.shape}")
        if inputs.dtype.kind != "f":
            inputs = m.cast(inputs, self.dtype)
        real, imag = stft(inputs, self.sequence_length, self.sequence_stride, self.fft_length,
                          window=self.window, center=True)      # (..., frames, bins)
        power = m.add(m.square(real), m.square(imag))         # |X|^2
        spectrogram = power if self.mag_exp == 2 else m.power(power, self.mag_exp / 2)
        mel = m.matmul(spectrogram, linear_to_mel_weight_matrix(
            self.num_mel_bins, real.shape[-1], self.sampling_rate, self.min_freq,
            self.max_freq, dtype=real.dtype))                  # (..., frames, mel bins)
        if self.power_to_db:
            mel = self._decibels(mel)
        return swapaxes(mel, -1, -2)

    def _decibels(self, spectrogram):
        dtype = spectrogram.dtype
        floor = np.asarray(self.min_power, dtype)
        reference = 10.0 * np.log10(max(abs(self.ref_power), self.min_power))
        db = m.subtract(m.multiply(log10(m.maximum(spectrogram, floor)), np.asarray(10.0, dtype)),
                        np.asarray(reference, dtype))
        return m.maximum(db, m.subtract(m.max(db), np.asarray(self.top_db, dtype)))

    def compute_output_shape(self, input_shape):
        *batch, samples = input_shape
        frames = (None if samples is None else 1 + (
            samples + 2 * (self.fft_length // 2) - self.fft_length) // self.sequence_stride)
        return (*batch, self.num_mel_bins, frames)

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length,
                "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": self.window,
                "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                "min_freq": self.min_freq, "max_freq": self.max_freq,
                "power_to_db": self.power_to_db, "top_db": self.top_db,
                "mag_exp": self.mag_exp, "min_power": self.min_power,
                "ref_power": self.ref_power}
