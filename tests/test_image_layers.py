import numpy as np
import pytest

import neuronet as keras
from neuronet import Tensor, backend
from neuronet.layers import (Conv2D, Cropping2D, Dense, Flatten, MaxPooling2D, SpatialDropout2D,
                             UpSampling2D, ZeroPadding2D)
from neuronet.ops.pool import upsample_nearest2d
from neuronet.testing import gradcheck, run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


LAYER_CASES = [
    # (id, class, init kwargs, input shape, expected output shape)
    ("upsampling", UpSampling2D, {}, (4, 3, 2, 2), (4, 6, 4, 2)),
    ("upsampling_bilinear", UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"},
     (4, 3, 2, 2), (4, 6, 6, 2)),
    ("upsampling_channels_first", UpSampling2D, {"size": 3, "data_format": "channels_first"},
     (4, 2, 3, 2), (4, 2, 9, 6)),
    ("zero_padding", ZeroPadding2D, {}, (4, 3, 2, 2), (4, 5, 4, 2)),
    ("zero_padding_pairs", ZeroPadding2D, {"padding": ((1, 2), (0, 3))}, (4, 3, 2, 2),
     (4, 6, 5, 2)),
    ("cropping", Cropping2D, {"cropping": 1}, (4, 5, 4, 2), (4, 3, 2, 2)),
    ("cropping_channels_first", Cropping2D, {"cropping": ((0, 1), (2, 0)),
                                             "data_format": "channels_first"},
     (4, 2, 5, 4), (4, 2, 4, 2)),
    ("spatial_dropout", SpatialDropout2D, {"rate": 0.5, "seed": 1}, (4, 5, 4, 2), (4, 5, 4, 2)),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape", [c[1:] for c in LAYER_CASES],
                         ids=[c[0] for c in LAYER_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


# --- UpSampling2D -------------------------------------------------------------------------

def test_nearest_upsampling_repeats_pixels_and_sums_gradients():
    x = _normal(2, 3, 2, 3)
    out = UpSampling2D((2, 3))(x.astype(np.float32)).data
    np.testing.assert_allclose(out, x.repeat(2, axis=1).repeat(3, axis=2), rtol=1e-6)
    gradcheck(lambda x: upsample_nearest2d(x, (2, 3)), [x])
    xt = Tensor(x, requires_grad=True)
    upsample_nearest2d(xt, 2).sum().backward()
    np.testing.assert_array_equal(xt.grad, np.full(x.shape, 4.0))


def test_bilinear_upsampling_matches_torch_and_has_gradients(float64):
    torch = pytest.importorskip("torch")
    x = _normal(2, 3, 4, 2)
    layer = UpSampling2D((2, 3), interpolation="bilinear")
    expected = torch.nn.functional.interpolate(torch.tensor(x.transpose(0, 3, 1, 2)),
                                               scale_factor=(2, 3), mode="bilinear",
                                               align_corners=False)
    np.testing.assert_allclose(layer(x).data, expected.numpy().transpose(0, 2, 3, 1),
                               rtol=1e-10, atol=1e-12)
    gradcheck(lambda x: layer(x), [x[:1]])


def test_upsampling_errors():
    with pytest.raises(ValueError, match=r"UpSampling2D: invalid interpolation='cubic'; "
                                         r"expected one of 'bilinear', 'nearest'"):
        UpSampling2D(interpolation="cubic")
    with pytest.raises(ValueError, match=r"layer 'up' is incompatible.*expected ndim=4"):
        UpSampling2D(name="up")(np.zeros((2, 3, 3)))


# --- ZeroPadding2D and Cropping2D ---------------------------------------------------------

def test_zero_padding_and_cropping_values_and_argument_forms():
    x = _normal(2, 3, 4, 2).astype(np.float32)
    padded = ZeroPadding2D(((1, 2), (3, 0)))(x).data
    assert padded.shape == (2, 6, 7, 2)
    np.testing.assert_array_equal(padded[:, 1:4, 3:], x)
    assert np.count_nonzero(padded) == np.count_nonzero(x)
    assert ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    assert ZeroPadding2D((1, 3)).padding == ((1, 1), (3, 3))
    np.testing.assert_array_equal(Cropping2D(((1, 0), (1, 2)))(x).data, x[:, 1:, 1:2])
    np.testing.assert_array_equal(Cropping2D((1, 1))(x).data, x[:, 1:2, 1:3])
    first = Cropping2D(((1, 0), (1, 2)), data_format="channels_first")
    np.testing.assert_array_equal(first(x.transpose(0, 3, 1, 2)).data,
                                  x[:, 1:, 1:2].transpose(0, 3, 1, 2))


def test_padding_and_cropping_errors():
    with pytest.raises(ValueError, match=r"ZeroPadding2D: expected an int, a tuple of 2 ints or "
                                         r"a tuple of 2 tuples"):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"received cropping=-1"):
        Cropping2D(-1)
    with pytest.raises(ValueError, match=r"Cropping2D layer 'crop': cropping "
                                         r"\(\(2, 1\), \(0, 0\)\) must leave something"):
        Cropping2D(((2, 1), (0, 0)), name="crop")(np.zeros((1, 3, 3, 1)))


# --- SpatialDropout2D ---------------------------------------------------------------------

@pytest.mark.parametrize("data_format, channel_axis", [("channels_last", 3),
                                                        ("channels_first", 1)])
def test_spatial_dropout_drops_whole_channels(data_format, channel_axis):
    x = np.ones((8, 5, 4, 6) if channel_axis == 3 else (8, 6, 5, 4), np.float32)
    layer = SpatialDropout2D(0.5, data_format=data_format, seed=3)
    out = layer(x, training=True).data
    maps = np.moveaxis(out, channel_axis, 1).reshape(8, 6, -1)        # (sample, channel, pixels)
    assert set(np.unique(out)) == {0.0, 2.0}                          # kept ones scaled by 2
    assert (maps.min(axis=2) == maps.max(axis=2)).all()               # a map is kept or dropped
    np.testing.assert_array_equal(layer(x).data, x)                   # inference: unchanged
    xt = Tensor(x, requires_grad=True)
    backend.set_random_seed(0)
    SpatialDropout2D(0.25)(xt, training=True).sum().backward()
    assert set(np.unique(xt.grad)) <= {0.0, np.float32(1 / 0.75)}


def test_spatial_dropout_config_and_errors():
    config = SpatialDropout2D(0.3, data_format="channels_first", seed=1).get_config()
    assert config["rate"] == 0.3 and config["data_format"] == "channels_first"
    assert "noise_shape" not in config
    with pytest.raises(ValueError, match=r"rate"):
        SpatialDropout2D(1.5)
    with pytest.raises(ValueError, match=r"expected ndim=4"):
        SpatialDropout2D(0.5)(np.zeros((2, 3, 3)), training=True)


# --- a small CNN learns the digits better than a dense network of its size -----------------

def _digits():
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    scale = np.float32(16)
    return ((x_train.reshape(-1, 8, 8, 1) / scale, y_train),
            (x_test.reshape(-1, 8, 8, 1) / scale, y_test))


def _test_accuracy(layers, data, seed):
    (x_train, y_train), (x_test, y_test) = data
    backend.set_random_seed(seed)
    model = keras.Sequential([keras.Input((8, 8, 1))] + layers())
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    return model.count_params(), model.evaluate(x_test, y_test, verbose=0)[1]


def test_small_cnn_beats_a_dense_network_of_similar_size_on_digits():
    data = _digits()
    assert data[0][0].dtype == np.float32

    def cnn():
        return [Conv2D(8, 3, padding="same", activation="relu"), MaxPooling2D(), Flatten(),
                Dense(10, activation="softmax")]

    def dense():
        return [Flatten(), Dense(20, activation="relu"), Dense(10, activation="softmax")]
    cnn_runs = [_test_accuracy(cnn, data, seed) for seed in range(3)]      # mean over 3 seeds
    dense_runs = [_test_accuracy(dense, data, seed) for seed in range(3)]
    cnn_params, dense_params = cnn_runs[0][0], dense_runs[0][0]
    assert cnn_params == 8 * 9 + 8 + 4 * 4 * 8 * 10 + 10 and 1.0 <= dense_params / cnn_params < 1.2
    cnn_accuracy = np.mean([accuracy for _, accuracy in cnn_runs])
    dense_accuracy = np.mean([accuracy for _, accuracy in dense_runs])
    assert cnn_accuracy > 0.96
    assert cnn_accuracy > dense_accuracy, (cnn_accuracy, dense_accuracy)
