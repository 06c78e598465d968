"""STFTSpectrogram, MelSpectrogram and the STFT initializer, checked against Keras 3."""
import numpy as np
import pytest

from neuronet import initializers, layers
from neuronet.autograd import Tensor
from neuronet.testing import gradcheck


def waves(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# --- the STFT initializer -------------------------------------------------------------------

@pytest.mark.parametrize("args,shape", [
    (("real", "hann", "density", False), (16, 1, 9)),
    (("imag", "hann", "density", True), (16, 1, 9)),
    (("real", "hamming", "spectrum", False), (12, 1, 11)),
    (("imag", "blackman", None, True), (10, 1, 9)),
    (("real", "boxcar", "density", False), (8, 1, 5)),
    (("imag", None, "density", False), (8, 1, 5)),
    (("real", [0.1, 0.5, 1.0, 0.5, 0.2], "spectrum", False), (5, 1, 5)),
])
def test_stft_initializer_matches_keras(real_keras, args, shape):
    expected = np.asarray(real_keras.initializers.STFT(*args)(shape))
    values = initializers.STFT(*args)(shape)
    assert values.dtype == np.float32 and values.shape == shape
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=3e-6)   # Keras: float32 sin


def test_stft_initializer_formula_float64():
    n, frame, bins = 8, 6, 5
    values = initializers.STFT("imag", None)((frame, 1, bins), dtype="float64")
    t, k = np.arange(frame)[:, None], np.arange(bins)
    np.testing.assert_allclose(values[:, 0], -np.sin(2 * np.pi * t * k / n), atol=1e-15)
    assert values.dtype == np.float64


def test_stft_initializer_names_and_config():
    for name in ("STFT", "stft", "STFTInitializer"):
        assert isinstance(initializers.get(name), initializers.STFT)
    assert initializers.STFTInitializer is initializers.stft is initializers.STFT
    init = initializers.STFT("imag", [0.5, 1.0, 0.5], "spectrum", periodic=True)
    config = initializers.serialize(init)
    assert config["class_name"] == "STFT"
    clone = initializers.deserialize(config)
    assert clone.get_config() == {"side": "imag", "window": [0.5, 1.0, 0.5], "periodic": True,
                                  "scaling": "spectrum"}
    np.testing.assert_array_equal(clone((3, 1, 3)), init((3, 1, 3)))


@pytest.mark.parametrize("kwargs,message", [
    ({"side": "both"}, "side"), ({"window": "triangle"}, "window"),
    ({"scaling": "l2"}, "scaling"),
])
def test_stft_initializer_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        initializers.STFT(**kwargs)


def test_stft_initializer_shape_errors():
    with pytest.raises(ValueError, match="window of shape"):
        initializers.STFT(window=[1.0, 2.0])((3, 1, 3))
    with pytest.raises(ValueError, match="frame_length, input_channels"):
        initializers.STFT()((4, 3))


# --- STFTSpectrogram --------------------------------------------------------------------------

STFT_CASES = [
    dict(mode="log", frame_length=16, frame_step=5, window=np.hanning(16) + 0.1),
    dict(mode="magnitude", frame_length=12, fft_length=16, window="blackman", padding="same",
         frame_step=3),
    dict(mode="psd", frame_length=16, fft_length=32, padding="same", window="hamming",
         periodic=True),
    dict(mode="imag", frame_length=8, frame_step=8, scaling=None, data_format="channels_first"),
    dict(mode="stft", frame_length=10, expand_dims=True, data_format="channels_first",
         scaling="spectrum"),
    dict(mode="real", frame_length=8, expand_dims=True),
]


def _channels(x, kwargs):
    return x.transpose(0, 2, 1) if kwargs.get("data_format") == "channels_first" else x


@pytest.mark.parametrize("kwargs", STFT_CASES)
def test_stft_spectrogram_matches_keras(real_keras, kwargs):
    x = _channels(waves((2, 64, 3)), kwargs)
    reference = real_keras.layers.STFTSpectrogram(**kwargs)
    expected = np.asarray(reference(x))
    layer = layers.STFTSpectrogram(**kwargs)
    out = layer(x)
    assert out.dtype == np.float32
    assert out.shape == expected.shape == layer.compute_output_shape(x.shape)
    assert tuple(reference.compute_output_shape(x.shape)) == out.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-4, atol=2e-5)
    assert sorted(w.name for w in layer.weights) == sorted(
        w.name for w in reference.weights)


def test_stft_spectrogram_angle_matches_keras(real_keras):
    x = waves((2, 40, 1))
    kwargs = dict(mode="angle", frame_length=8, window=None)
    expected = np.asarray(real_keras.layers.STFTSpectrogram(**kwargs)(x))
    out = layers.STFTSpectrogram(**kwargs)(x).data
    wrapped = np.angle(np.exp(1j * (out - expected)))   # -pi and pi are one phase
    np.testing.assert_allclose(wrapped, 0, atol=1e-4)


def test_stft_spectrogram_stft_mode_is_the_rfft_of_the_windowed_frames():
    x = waves((1, 32, 1)).astype("float64")
    layer = layers.STFTSpectrogram(mode="stft", frame_length=8, frame_step=8, window=None,
                                   dtype="float64")
    out = layer(x).data[0]                               # (frames, 2 * bins)
    spectrum = np.fft.rfft(x[0, :, 0].reshape(4, 8), axis=-1)
    np.testing.assert_allclose(out[:, :5], spectrum.real, atol=1e-12)
    np.testing.assert_allclose(out[:, 5:], spectrum.imag, atol=1e-12)


@pytest.mark.parametrize("mode", ["magnitude", "psd", "stft"])
def test_stft_spectrogram_gradient(mode):
    x = np.random.default_rng(1).standard_normal((1, 20, 2))
    layer = layers.STFTSpectrogram(mode=mode, frame_length=8, frame_step=4, dtype="float64")
    layer.build((1, 20, 2))
    gradcheck(lambda t: layer(t), [x])


def test_stft_spectrogram_kernels_train():
    layer = layers.STFTSpectrogram(mode="magnitude", frame_length=8)
    layer(waves((1, 16, 1)))
    assert [w.name for w in layer.trainable_weights] == ["real_kernel", "imag_kernel"]
    frozen = layers.STFTSpectrogram(mode="real", frame_length=8, trainable=False)
    frozen(waves((1, 16, 1)))
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 1


def test_stft_spectrogram_config_round_trip():
    layer = layers.STFTSpectrogram(mode="psd", frame_length=10, frame_step=3, fft_length=16,
                                   window=[1.0] * 10, periodic=True, scaling=None,
                                   padding="same", expand_dims=True,
                                   data_format="channels_first", name="spec")
    config = layer.get_config()
    assert config["window"] == [1.0] * 10 and config["frame_step"] == 3
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.get_config() == config
    x = waves((2, 1, 30))
    np.testing.assert_allclose(clone(x).data, layer(x).data, rtol=1e-6)


def test_stft_spectrogram_defaults_match_keras(real_keras):
    ours = layers.STFTSpectrogram().get_config()
    theirs = real_keras.layers.STFTSpectrogram().get_config()
    for key in ("mode", "frame_length", "frame_step", "fft_length", "window", "periodic",
                "scaling", "padding", "data_format", "expand_dims"):
        assert ours[key] == theirs[key], key


@pytest.mark.parametrize("kwargs,message", [
    (dict(mode="power"), "mode"), (dict(frame_length=8, frame_step=9), "frame_step"),
    (dict(frame_length=8, frame_step=0), "frame_step"),
    (dict(frame_length=16, fft_length=8), "fft_length"), (dict(scaling="l1"), "scaling"),
    (dict(padding="causal"), "padding"), (dict(window="kaiser"), "window"),
    (dict(frame_length=0), "frame_length"), (dict(data_format="nhwc"), "data_format"),
])
def test_stft_spectrogram_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.STFTSpectrogram(**kwargs)


def test_stft_spectrogram_input_errors():
    with pytest.warns(UserWarning, match="power of two"):
        layers.STFTSpectrogram(frame_length=8, fft_length=12)
    with pytest.raises(ValueError, match="ndim|rank"):
        layers.STFTSpectrogram(frame_length=8)(waves((2, 16)))
    with pytest.raises(ValueError, match="window of shape"):
        layers.STFTSpectrogram(frame_length=8, window=[1.0, 1.0])(waves((1, 16, 1)))


# --- MelSpectrogram ---------------------------------------------------------------------------

MEL_CASES = [
    dict(fft_length=64, sequence_stride=20, sequence_length=48, window="hamming",
         num_mel_bins=8, sampling_rate=8000, min_freq=100.0, max_freq=3000.0,
         power_to_db=False, mag_exp=1.0),
    dict(fft_length=32, sequence_stride=8, num_mel_bins=6, sampling_rate=4000, top_db=20.0,
         ref_power=2.0, min_freq=0.0, mag_exp=3.0, min_power=1e-4),
]


@pytest.mark.parametrize("kwargs", MEL_CASES)
def test_mel_spectrogram_matches_keras(real_keras, kwargs):
    x = waves((2, 200))
    expected = np.asarray(real_keras.layers.MelSpectrogram(**kwargs)(x))
    layer = layers.MelSpectrogram(**kwargs)
    out = layer(x)
    assert out.dtype == np.float32 and out.shape == expected.shape
    assert layer.compute_output_shape(x.shape) == out.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-4, atol=1e-4)


def test_mel_spectrogram_unbatched_signal():
    layer = layers.MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=4,
                                  sampling_rate=1000, power_to_db=False)
    x = waves((2, 50))
    single = layer(x[1])
    assert single.shape == layer.compute_output_shape((50,)) == (4, 7)
    np.testing.assert_allclose(single.data, layer(x).data[1], rtol=1e-6)


@pytest.mark.parametrize("samples", [31, 32, 33, 47])
def test_mel_spectrogram_output_length(samples):
    layer = layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=4,
                                  sampling_rate=1000)
    out = layer(waves((1, samples)))
    assert out.shape == layer.compute_output_shape((1, samples)) == (1, 4, 1 + samples // 8)


def test_mel_filter_bank_triangles():
    from neuronet.layers.mel_spectrogram import hertz_to_mel, linear_to_mel_weight_matrix
    matrix = linear_to_mel_weight_matrix(4, 65, 8000, 100.0, 3000.0, dtype="float64")
    assert matrix.shape == (65, 4) and np.all(matrix[0] == 0) and np.all(matrix >= 0)
    assert np.all(matrix.max(axis=0) > 0.9)                # each band peaks near 1
    np.testing.assert_allclose(hertz_to_mel(700.0), 1127.0 * np.log(2.0))
    edges = np.linspace(hertz_to_mel(100.0), hertz_to_mel(3000.0), 6)
    freqs_mel = hertz_to_mel(np.linspace(0, 4000, 65))
    above = freqs_mel > edges[4]                            # band 2 ends at edge 4
    assert np.all(matrix[above, 2] == 0)


def test_mel_spectrogram_config_round_trip_and_defaults(real_keras):
    layer = layers.MelSpectrogram(fft_length=32, sequence_stride=8, window=[1.0] * 32,
                                  num_mel_bins=5, sampling_rate=4000, power_to_db=False)
    config = layer.get_config()
    clone = layers.deserialize(layers.serialize(layer))
    assert clone.get_config() == config
    x = waves((2, 64))
    np.testing.assert_allclose(clone(x).data, layer(x).data)
    ours = layers.MelSpectrogram().get_config()
    theirs = real_keras.layers.MelSpectrogram().get_config()
    for key in ("fft_length", "sequence_stride", "sequence_length", "window", "sampling_rate",
                "num_mel_bins", "min_freq", "max_freq", "power_to_db", "top_db", "mag_exp",
                "min_power", "ref_power"):
        assert ours[key] == theirs[key], key


def test_mel_spectrogram_gradient():
    layer = layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=3,
                                  sampling_rate=1000, power_to_db=False, dtype="float64")
    gradcheck(lambda t: layer(t), [np.random.default_rng(2).standard_normal((1, 24))])


@pytest.mark.parametrize("kwargs,message", [
    (dict(fft_length=16, sequence_length=32), "sequence_length"),
    (dict(window="blackman"), "window"), (dict(num_mel_bins=0), "num_mel_bins"),
    (dict(sequence_stride=0), "sequence_stride"), (dict(min_freq=-1.0), "min_freq"),
    (dict(min_freq=500.0, max_freq=100.0), "max_freq"), (dict(mag_exp=0), "mag_exp"),
    (dict(min_power=0.0), "min_power"), (dict(sampling_rate="fast"), "sampling_rate"),
])
def test_mel_spectrogram_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.MelSpectrogram(**kwargs)


def test_mel_spectrogram_rank_error():
    with pytest.raises(ValueError, match=r"\(batch, samples\)"):
        layers.MelSpectrogram(fft_length=16)(Tensor(waves((1, 32, 1))))
