"""audio_dataset_from_directory on WAV folders the tests write: decoding, padding, labels,
splits, resampling and errors."""
import wave

import numpy as np
import pytest

from neuronet.utils import audio_dataset_from_directory


def _write_wav(path, samples, rate=8000, width=2):
    """samples: integers (length, channels) in the range of `width` bytes."""
    samples = np.asarray(samples)
    if width == 1:
        raw = samples.astype(np.uint8).tobytes()
    elif width == 3:
        raw = samples.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        raw = samples.astype({2: "<i2", 4: "<i4"}[width]).tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(samples.shape[1])
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(raw)


@pytest.fixture
def folder(tmp_path):
    """yes/ holds 3 files, no/ 2, of lengths 5..9 samples, and a text file to skip."""
    rng = np.random.default_rng(0)
    waves = {}
    for i, (label, name) in enumerate([("no", "a"), ("no", "b"), ("yes", "c"), ("yes", "d"),
                                       ("yes", "e")]):
        (tmp_path / label).mkdir(exist_ok=True)
        samples = rng.integers(-32768, 32768, (5 + i, 1))
        _write_wav(tmp_path / label / f"{name}.wav", samples)
        waves[f"{label}/{name}"] = samples
    (tmp_path / "yes" / "notes.txt").write_text("not audio")
    return tmp_path, waves


def test_batches_hold_scaled_zero_padded_waveforms_and_labels(folder):
    directory, waves = folder
    data = audio_dataset_from_directory(directory, batch_size=5, shuffle=False, verbose=False)
    assert data.class_names == ["no", "yes"]
    audio, labels = next(iter(data))
    assert audio.shape == (5, 9, 1) and audio.dtype == np.float32
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 1])
    for row, key in zip(audio, sorted(waves)):
        expected = waves[key][:, 0] / 32768.0
        np.testing.assert_array_equal(row[:len(expected), 0], expected.astype(np.float32))
        assert not row[len(expected):].any()


def test_output_length_cuts_and_pads_and_ragged_keeps_lengths(folder):
    directory, waves = folder
    fixed = audio_dataset_from_directory(directory, batch_size=2, shuffle=False, verbose=False,
                                         output_sequence_length=7, label_mode="categorical")
    shapes = [audio.shape for audio, _ in fixed]
    assert shapes == [(2, 7, 1), (2, 7, 1), (1, 7, 1)]
    labels = np.concatenate([y for _, y in fixed])
    np.testing.assert_array_equal(labels, np.eye(2)[[0, 0, 1, 1, 1]])
    ragged = audio_dataset_from_directory(directory, batch_size=5, shuffle=False, ragged=True,
                                          verbose=False, labels=None)
    batch = next(iter(ragged))
    assert [len(w) for w in batch] == [5, 6, 7, 8, 9]


def test_bit_depths_are_scaled_to_minus_one_one(tmp_path):
    (tmp_path / "c").mkdir()
    ints = np.array([[-8388608, 0], [4194304, 8388607]])         # 24-bit, 2 channels
    _write_wav(tmp_path / "c" / "a24.wav", ints, width=3)
    audio = next(iter(audio_dataset_from_directory(tmp_path, batch_size=None, labels=None,
                                                   verbose=False)))
    np.testing.assert_allclose(audio, [[-1.0, 0.0], [0.5, 8388607 / 8388608]], rtol=1e-7)
    _write_wav(tmp_path / "c" / "a24.wav", np.array([[0], [128], [255]]), width=1)
    audio = next(iter(audio_dataset_from_directory(tmp_path, batch_size=None, labels=None,
                                                   verbose=False)))
    np.testing.assert_allclose(audio[:, 0], [-1.0, 0.0, 127 / 128])


def test_resampling_keeps_a_tone_at_its_frequency(tmp_path):
    (tmp_path / "c").mkdir()
    t = np.arange(8000) / 8000.0
    tone = np.round(16000 * np.sin(2 * np.pi * 440 * t))[:, None]
    _write_wav(tmp_path / "c" / "tone.wav", tone, rate=8000)
    audio = next(iter(audio_dataset_from_directory(tmp_path, batch_size=None, labels=None,
                                                   sampling_rate=16000, verbose=False)))
    assert audio.shape == (16000, 1)
    spectrum = np.abs(np.fft.rfft(audio[:, 0]))
    assert np.argmax(spectrum) == 440                  # 1 s of signal: bin k is k Hz
    np.testing.assert_allclose(np.abs(audio).max(), 16000 / 32768, rtol=0.01)


def test_validation_split_and_errors(folder, tmp_path):
    directory, _ = folder
    train, val = audio_dataset_from_directory(directory, validation_split=0.4, subset="both",
                                              seed=3, batch_size=8, verbose=False)
    assert len(train.file_paths) == 3 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
    with pytest.raises(ValueError, match="cannot set both `ragged` and `output_sequence_length`"):
        audio_dataset_from_directory(directory, ragged=True, output_sequence_length=4)
    (directory / "yes" / "bad.wav").write_bytes(b"RIFF....not a wave")
    with pytest.raises(ValueError, match="cannot decode '.*bad.wav' as a PCM WAV file"):
        list(audio_dataset_from_directory(directory, batch_size=8, verbose=False))
    (directory / "yes" / "bad.wav").unlink()
    _write_wav(directory / "yes" / "stereo.wav", np.zeros((4, 2)))
    with pytest.raises(ValueError, match="different channel counts \\[1, 2\\]"):
        list(audio_dataset_from_directory(directory, batch_size=8, verbose=False))


def test_the_same_batches_as_keras_on_tensorflow(folder):
    pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    directory, _ = folder
    for kwargs in ({}, {"output_sequence_length": 6}):
        mine = list(audio_dataset_from_directory(directory, batch_size=2, shuffle=False,
                                                 verbose=False, **kwargs))
        theirs = list(keras.utils.audio_dataset_from_directory(
            str(directory), batch_size=2, shuffle=False, verbose=False, **kwargs))
        assert len(mine) == len(theirs)
        for (audio, labels), (audio_k, labels_k) in zip(mine, theirs):
            np.testing.assert_array_equal(audio, audio_k.numpy())
            np.testing.assert_array_equal(labels, labels_k.numpy())
