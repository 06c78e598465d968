"""`audio_dataset_from_directory`: .wav files in one sub-folder per class -> batches of
waveforms and labels.

    main_directory/
        yes/  a.wav  b.wav ...
        no/   c.wav  d.wav ...

    train = audio_dataset_from_directory("main_directory", output_sequence_length=16000)
    for audio, labels in train:   # audio: float32 (batch, 16000, channels), labels: int32
        ...

Files are PCM WAV (8, 16, 24 or 32-bit integer samples), read with Python's `wave` module;
samples are scaled to [-1, 1) as TensorFlow's decode_wav scales 16-bit ones (x / 32768).
"""
import functools
import os
import wave

import numpy as np

from .dataset_utils import FileDataset, check_count, check_dataset_args, datasets_from_directory

_CALLER = "audio_dataset_from_directory"


def read_wav(path):
    """(samples float32 (length, channels) in [-1, 1), sampling rate) of a PCM WAV file."""
    try:
        with wave.open(os.fspath(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{_CALLER}: cannot decode '{os.fsdecode(path)}' as a PCM WAV file "
                         f"({error})") from None
    if width == 1:                                     # 8-bit WAV samples are unsigned
        values = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:                                   # 24-bit: widen each sample to 32 bits
        triples = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        padded = np.zeros((len(triples), 4), np.uint8)
        padded[:, 1:] = triples                        # little-endian: the low byte stays 0
        values = padded.view("<i4")[:, 0].astype(np.float32) / 2.0 ** 31
    else:
        dtype = {2: "<i2", 4: "<i4"}[width]
        values = np.frombuffer(raw, dtype).astype(np.float32) / 2.0 ** (8 * width - 1)
    return values.reshape(-1, channels), rate


def resample(samples, rate, new_rate):
    """samples (length, channels) at `rate` per second, band-limited resampled (through the
    Fourier transform) to `new_rate`."""
    length = len(samples)
    new_length = int(round(length * new_rate / rate))
    if new_length == length or length == 0:
        return samples
    spectrum = np.fft.rfft(samples, axis=0)
    kept = np.zeros((new_length // 2 + 1, samples.shape[1]), spectrum.dtype)
    shared = min(len(kept), len(spectrum))
    kept[:shared] = spectrum[:shared]
    return (np.fft.irfft(kept, n=new_length, axis=0) * (new_length / length)).astype(np.float32)


def load_audio(paths, sampling_rate=None, output_sequence_length=None, ragged=False):
    """The waveforms of `paths`: float32 (batch, length, channels), zero-padded at the end
    to the longest one (or cut / padded to `output_sequence_length`); with `ragged`, an
    object array of the (length, channels) waveforms as they are."""
    waves = []
    for path in paths:
        samples, rate = read_wav(path)
        if sampling_rate is not None:
            samples = resample(samples, rate, sampling_rate)
        waves.append(samples[:output_sequence_length])
    if ragged:
        batch = np.empty(len(waves), dtype=object)
        batch[:] = waves
        return batch
    channels = {w.shape[1] for w in waves}
    if len(channels) > 1:
        raise ValueError(f"{_CALLER}: the files of a batch have different channel counts "
                         f"{sorted(channels)}: {[os.fsdecode(p) for p in paths]}")
    length = output_sequence_length or max(len(w) for w in waves)
    batch = np.zeros((len(waves), length, channels.pop()), np.float32)
    for row, samples in zip(batch, waves):
        row[:len(samples)] = samples
    return batch


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """A re-iterable dataset of (audio, labels) batches read from the .wav files of
    `directory`, as Keras 3's function.

    Args:
        directory, labels, label_mode, class_names, shuffle, seed, validation_split,
            subset, follow_links, verbose: as in `text_dataset_from_directory`.
        batch_size: waveforms per batch; None yields single samples.
        sampling_rate: resample every file to this many samples per second (a
            band-limited Fourier resampling; Keras needs tensorflow-io for it).
        output_sequence_length: cut longer waveforms to this length and pad shorter ones
            with zeros; None pads each batch to its longest waveform.
        ragged: batches as object arrays of the waveforms, each its own length (Keras: a
            ragged tensor); not with output_sequence_length.

    Audio comes as float32 (batch, length, channels) in [-1, 1).
    """
    labels, label_mode, seed = check_dataset_args(labels, label_mode, class_names, batch_size,
                                                  shuffle, seed, validation_split, subset, _CALLER)
    check_count(output_sequence_length, "output_sequence_length", _CALLER)
    check_count(sampling_rate, "sampling_rate", _CALLER)
    if ragged and output_sequence_length is not None:
        raise ValueError(f"{_CALLER}: cannot set both `ragged` and `output_sequence_length` "
                         f"(received output_sequence_length={output_sequence_length})")
    load = functools.partial(load_audio, sampling_rate=sampling_rate,
                             output_sequence_length=output_sequence_length, ragged=ragged)
    make = functools.partial(FileDataset, batch_size=batch_size, seed=seed, load=load)
    return datasets_from_directory(make, directory, labels, label_mode, class_names, shuffle, seed,
                                   validation_split, subset, follow_links, verbose,
                                   formats=(".wav",), caller=_CALLER, file_kind="audio file",
                                   samples="audio files")
