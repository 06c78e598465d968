"""STFTSpectrogram: short-time Fourier spectrograms of signals, as a 1-D convolution whose
kernels are the windowed Fourier basis (Keras 3 semantics; trainable kernels allowed).

    layer = keras.layers.STFTSpectrogram(mode="log", frame_length=256, frame_step=128)
    layer(waves)            # (batch, time, channels) -> (batch, frames, channels * 129)

Each channel is convolved with the 'real' and 'imag' kernels of `initializers.STFT`
(frame_length samples every frame_step), which gives the real and imaginary parts of the
spectrum of every frame; the mode combines them.
"""
import math
import warnings

import numpy as np

from .. import initializers
from ..backend import check_choice, epsilon, standardize_data_format
from ..ops import math as m
from ..ops.array import pad
from ..ops.conv import conv1d, conv_output_length
from ..ops.trigonometry import arctan2
from .base import Layer, check_positive_int
from .input_spec import InputSpec

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Spectrogram of each channel of (batch, time, channels) signals.

    Args:
        mode: 'log' (log of the magnitude, the default), 'magnitude', 'psd' (the power, the
            bins between the first and the last doubled), 'real', 'imag', 'angle' (the
            phase) or 'stft' (the real parts, then the imaginary parts).
        frame_length: samples per frame (the kernel size). Default 256.
        frame_step: samples between frames; None means frame_length // 2.
        fft_length: the DFT size, >= frame_length; None means the smallest power of two
            >= frame_length. There are fft_length // 2 + 1 frequency bins.
        window: 'hann', 'hamming', 'blackman', 'boxcar', an array of frame_length values,
            or None.
        periodic: whether the named window is periodic rather than symmetric.
        scaling: 'density' (kernels divided by the window's L2 norm), 'spectrum' (its L1
            norm) or None.
        padding: 'valid' or 'same' (frames = ceil(time / frame_step)).
        expand_dims: whether to keep the channels on their own axis (an image output).
        data_format: 'channels_last' (batch, time, channels) or 'channels_first'.

    Output shape, with B = bins (twice as many for mode 'stft'):
        channels_last: (batch, frames, channels * B), or (batch, frames, B, channels) with
        expand_dims; channels_first: (batch, channels * B, frames), or
        (batch, channels, frames, B) with expand_dims.
    Weights: real_kernel (unless mode 'imag') and imag_kernel (unless mode 'real'), of
    shape (frame_length, 1, fft_length // 2 + 1).
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None,
                 window="hann", periodic=False, scaling="density", padding="valid",
                 expand_dims=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        caller = "STFTSpectrogram"
        self.mode = check_choice(caller, "mode", mode, MODES)
        self.frame_length = check_positive_int(caller, "frame_length", frame_length)
        if frame_step is not None:
            frame_step = check_positive_int(caller, "frame_step", frame_step)
            if frame_step > self.frame_length:
                raise ValueError(f"{caller}: expected frame_step <= frame_length, received "
                                 f"frame_step={frame_step} and frame_length={frame_length}")
        if fft_length is not None:
            fft_length = check_positive_int(caller, "fft_length", fft_length)
            if fft_length < self.frame_length:
                raise ValueError(f"{caller}: expected fft_length >= frame_length, received "
                                 f"fft_length={fft_length} and frame_length={frame_length}")
            if fft_length & (fft_length - 1):
                warnings.warn(f"{caller}: fft_length is best a power of two, received "
                              f"fft_length={fft_length}", stacklevel=2)
        self.frame_step = frame_step
        self.fft_length = fft_length
        self.scaling = scaling
        self.periodic = bool(periodic)
        self.padding = check_choice(caller, "padding", padding, ("valid", "same"))
        self.expand_dims = bool(expand_dims)
        self.data_format = standardize_data_format(data_format, caller)
        # The initializer checks window and scaling, and keeps an array window as a list.
        self.window = initializers.STFT("real", window, scaling, periodic).window
        self.input_spec = InputSpec(ndim=3)

    @property
    def _frame_step(self):
        return self.frame_step or self.frame_length // 2

    @property
    def _sides(self):
        """The kernels the mode needs: 'real', 'imag' or both."""
        return (self.mode,) if self.mode in ("real", "imag") else ("real", "imag")

    @property
    def _bins(self):
        fft_length = self.fft_length or 2 ** math.ceil(math.log2(self.frame_length))
        return fft_length // 2 + 1

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._bins)
        for side in self._sides:
            init = initializers.STFT(side, self.window, self.scaling, self.periodic)
            setattr(self, f"{side}_kernel", self.add_weight(shape, init, name=f"{side}_kernel"))

    def _spectra(self, inputs, kernels):
        """Each kernel (frame_length, 1, bins) applied to every channel: a list of
        (batch, channels, bins, frames) tensors, one per kernel."""
        if self.data_format == "channels_last":
            inputs = m.transpose(inputs, (0, 2, 1))               # (batch, channels, time)
        batch, channels, time = inputs.shape
        kernel = m.concatenate(kernels, axis=2) if len(kernels) > 1 else kernels[0]
        out = conv1d(m.reshape(inputs, (batch * channels, time, 1)), kernel,
                     strides=self._frame_step, padding=self.padding)   # (b * c, frames, k * bins)
        out = m.transpose(m.reshape(out, (batch, channels, out.shape[1], out.shape[2])),
                          (0, 1, 3, 2))                             # (b, c, k * bins, frames)
        bins = self._bins
        return [out[:, :, i * bins:(i + 1) * bins] for i in range(len(kernels))]

    def _arrange(self, spectra):
        """(batch, channels, bins, frames) in the layout of the output (see the class)."""
        batch, channels, bins, frames = spectra.shape
        if self.expand_dims:
            axes = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return m.transpose(spectra, axes)
        flat = m.reshape(spectra, (batch, channels * bins, frames))
        return m.transpose(flat, (0, 2, 1)) if self.data_format == "channels_last" else flat

    def call(self, inputs):
        if inputs.dtype.kind != "f":
            raise TypeError(f"STFTSpectrogram layer '{self.name}': expected float inputs, "
                            f"received dtype {inputs.dtype}")
        spectra = self._spectra(inputs, [getattr(self, f"{side}_kernel") for side in self._sides])
        if self.mode in ("real", "imag"):
            return self._arrange(spectra[0])
        real, imag = spectra
        if self.mode == "angle":
            return self._arrange(arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(m.concatenate([real, imag], axis=2))
        power = m.add(m.square(real), m.square(imag))
        if self.mode == "psd":                  # one-sided: the mirrored bins added back
            inner = pad(power[:, :, 1:-1], ((0, 0), (0, 0), (1, 1), (0, 0)))
            return self._arrange(m.add(power, inner))
        eps = np.asarray(epsilon(), power.dtype)
        magnitude = m.sqrt(m.maximum(power, eps))
        if self.mode == "magnitude":
            return self._arrange(magnitude)
        return self._arrange(m.log(m.maximum(magnitude, eps)))

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            batch, time, channels = input_shape
        else:
            batch, channels, time = input_shape
        frames = (None if time is None else
                  conv_output_length(time, self.frame_length, self._frame_step, self.padding))
        bins = self._bins * (2 if self.mode == "stft" else 1)
        if self.expand_dims:
            return ((batch, frames, bins, channels) if self.data_format == "channels_last"
                    else (batch, channels, frames, bins))
        features = None if channels is None else channels * bins
        return ((batch, frames, features) if self.data_format == "channels_last"
                else (batch, features, frames))

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length,
                "window": self.window, "periodic": self.periodic, "scaling": self.scaling,
                "padding": self.padding, "data_format": self.data_format,
                "expand_dims": self.expand_dims}
