"""CenterCrop, RandomCrop, RandomContrast and RandomBrightness (Keras 3 is the oracle)."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import (CenterCrop, Dense, Flatten, Input, RandomBrightness, RandomContrast,
                             RandomCrop, Rescaling)
from neuronet.testing import gradcheck, run_layer_test


def images(shape=(2, 6, 7, 3), seed=0, scale=1.0):
    return (np.random.default_rng(seed).random(shape) * scale).astype(np.float32)


def to_first(x):
    """A channels-last batch as channels first."""
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


# --- CenterCrop -----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [
    (4, 4),          # even margins on the height, odd on the width
    (3, 5),          # odd margins on the height, even on the width
    (6, 7),          # the whole image
    (1, 1),
    (8, 9),          # larger in both: the whole image, resized
    (4, 10),         # smaller in the width only: a centred window with ratio 4:10, resized
    (9, 2),          # smaller in the height only
])
def test_center_crop_matches_keras(real_keras, size):
    x = images()
    expected = np.asarray(real_keras.layers.CenterCrop(*size)(x))
    out = CenterCrop(*size)(x)
    assert out.shape == expected.shape and out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


def test_center_crop_slices_the_centre_and_takes_one_image_channels_first_and_bytes(real_keras):
    x = images()
    np.testing.assert_array_equal(CenterCrop(3, 4)(x).data, x[:, 1:4, 1:5])
    np.testing.assert_array_equal(CenterCrop(3, 4)(x[0]).data, x[0, 1:4, 1:5])
    for size in [(3, 4), (5, 9)]:
        first = CenterCrop(*size, data_format="channels_first")(to_first(x)).data
        expected = real_keras.layers.CenterCrop(*size, data_format="channels_first")(to_first(x))
        np.testing.assert_allclose(first, np.asarray(expected), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(first, to_first(CenterCrop(*size)(x).data), rtol=1e-6)
    as_bytes = (x * 255).astype(np.uint8)
    out = CenterCrop(3, 4)(as_bytes)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, as_bytes[:, 1:4, 1:5])


def test_center_crop_passes_gradients():
    gradcheck(lambda t: CenterCrop(2, 3)(t) ** 2, [images((2, 4, 6, 2))])        # a slice
    gradcheck(lambda t: CenterCrop(5, 3)(t) ** 2, [images((1, 3, 4, 2))])        # a resize


# --- RandomCrop -----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(4, 4), (3, 6), (8, 5), (6, 7)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_crop_in_inference_is_keras_smart_resize(real_keras, size, data_format):
    # Keras documents smart_resize at inference (Keras 3.15 itself returns the input
    # unchanged there, keras-team/keras#21868): the oracle is its smart_resize
    x = images()
    if data_format == "channels_first":
        x = to_first(x)
    expected = real_keras.preprocessing.image.smart_resize(x, size, data_format=data_format)
    out = RandomCrop(*size, data_format=data_format)(x, training=False)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_random_crop_in_training_on_small_images_is_smart_resize(real_keras):
    x = images((2, 3, 8, 1))
    expected = real_keras.preprocessing.image.smart_resize(x, (4, 4))
    np.testing.assert_allclose(RandomCrop(4, 4, seed=0)(x, training=True).data,
                               np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_random_crop_in_training_takes_one_window_per_batch_at_every_position():
    x = images((3, 6, 5, 2))
    layer = RandomCrop(4, 3, seed=0)
    corners = set()
    for _ in range(60):
        out = layer(x, training=True).data
        assert out.shape == (3, 4, 3, 2) and out.dtype == np.float32
        found = [(top, left) for top in range(3) for left in range(3)
                 if np.array_equal(out, x[:, top:top + 4, left:left + 3])]
        assert len(found) == 1                        # the same window for the whole batch
        corners.update(found)
    assert corners == {(top, left) for top in range(3) for left in range(3)}
    one = layer(x[0], training=True).data              # one image
    assert one.shape == (4, 3, 2)
    assert any(np.array_equal(one, x[0, t:t + 4, s:s + 3]) for t in range(3) for s in range(3))
    first = RandomCrop(4, 3, seed=0, data_format="channels_first")(to_first(x), training=True)
    np.testing.assert_array_equal(first.data,
                                  to_first(RandomCrop(4, 3, seed=0)(x, training=True).data))


def test_random_crop_passes_gradients():
    gradcheck(lambda t: RandomCrop(2, 3, seed=4)(t, training=True) ** 2, [images((2, 4, 5, 1))])
    gradcheck(lambda t: RandomCrop(3, 2)(t, training=False) ** 2, [images((1, 4, 5, 2))])


# --- RandomContrast -------------------------------------------------------------------------

def contrast_factors(x, out):
    """The factor c of each image of out = (x - mean) * c + mean (without clipping), from
    the spread of each channel about its mean (the same c for every channel)."""
    ratios = out.std(axis=(1, 2)) / x.std(axis=(1, 2))         # (batch, channels)
    np.testing.assert_allclose(ratios, ratios[:, :1] * np.ones_like(ratios), rtol=1e-4)
    return ratios[:, 0]


def test_random_contrast_matches_keras_given_the_drawn_factors(real_keras):
    x = images((8, 5, 4, 3), seed=1, scale=50.0) + 100.0     # 100..150: (0, 255) never clips
    x[..., 1] += 40.0                                         # channels of different means
    out = RandomContrast((0.5, 0.5), seed=3)(x, training=True).data
    c = contrast_factors(x.astype(np.float64), out.astype(np.float64))
    assert c.min() >= 0.5 - 1e-5 and c.max() <= 1.5 + 1e-5 and c.std() > 0.1
    factors = c.astype(np.float32)[:, None, None, None]
    for value_range in [(0, 255), (110, 150)]:              # (110, 150) clips
        oracle = real_keras.layers.RandomContrast(0.5, value_range=value_range)
        expected = np.asarray(oracle.transform_images(x, {"contrast_factor": factors}))
        layer = RandomContrast((0.5, 0.5), value_range=value_range, seed=3)
        np.testing.assert_allclose(layer(x, training=True).data, expected, rtol=1e-4, atol=1e-3)
    assert expected.min() == 110 and expected.max() == 150


def test_random_contrast_of_factor_zero_clips_as_keras(real_keras):
    x = images(scale=255.0)
    expected = real_keras.layers.RandomContrast(0.0, value_range=(20, 200))(x, training=True)
    out = RandomContrast(0.0, value_range=(20, 200))(x, training=True)
    np.testing.assert_allclose(out.data, np.asarray(expected), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(out.data, np.clip(x, 20, 200), rtol=1e-6)


@pytest.mark.parametrize("factor, low, high", [(0.3, 0.7, 1.3), ((0.4, 0.1), 0.9, 1.4)])
def test_random_contrast_draws_one_factor_per_image_in_its_range(factor, low, high):
    x = images((300, 3, 3, 1), seed=2) + 100.0
    out = RandomContrast(factor, seed=0)(x, training=True).data
    c = contrast_factors(x.astype(np.float64), out.astype(np.float64))
    assert low - 1e-4 <= c.min() and c.max() <= high + 1e-4
    assert c.max() - c.min() > 0.9 * (high - low)              # spread over the whole range
    mean = x.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) * c[:, None, None, None] + mean, rtol=1e-5)


def test_random_contrast_channels_first_and_gradient():
    x = images((3, 4, 5, 2), scale=255.0)
    last = RandomContrast(0.5, seed=1)(x, training=True).data
    first = RandomContrast(0.5, seed=1, data_format="channels_first")(to_first(x),
                                                                      training=True).data
    np.testing.assert_allclose(first, to_first(last), rtol=1e-5)
    gradcheck(lambda t: RandomContrast(0.5, value_range=(-5, 5), seed=2)(t, training=True) ** 2,
              [images((2, 3, 2, 2))])
    gradcheck(lambda t: RandomContrast((0.9, 0.9), value_range=(0.2, 0.8), seed=2)(
        t, training=True) ** 2, [images((2, 3, 2, 2))])           # partly clipped


# --- RandomBrightness -----------------------------------------------------------------------

@pytest.mark.parametrize("factor, value_range", [((0.3, 0.3), (0, 255)), ((-0.2, -0.2), (0, 255)),
                                                 ((0.6, 0.6), (-1, 1)), (0.0, (50, 100))])
def test_random_brightness_with_a_fixed_factor_matches_keras(real_keras, factor, value_range):
    x = images(scale=255.0) if value_range[1] > 1 else images() * 2 - 1
    expected = real_keras.layers.RandomBrightness(factor, value_range=value_range)(
        x, training=True)
    out = RandomBrightness(factor, value_range=value_range)(x, training=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, np.asarray(expected), rtol=1e-5, atol=1e-4)


def test_random_brightness_draws_one_shift_per_image_in_its_range():
    x = np.full((300, 2, 3, 3), 0.5, np.float32)
    out = RandomBrightness(0.2, value_range=(0, 1), seed=0)(x, training=True).data
    delta = out - 0.5
    np.testing.assert_allclose(delta, delta[:, :1, :1, :1] * np.ones_like(delta), atol=1e-7)
    assert -0.2 <= delta.min() and delta.max() <= 0.2 and delta.max() - delta.min() > 0.36
    wide = RandomBrightness((-1, 1), value_range=(0, 1), seed=0)(x, training=True).data
    assert wide.min() == 0 and wide.max() == 1                        # clipped to the range
    backend.set_random_seed(7)
    unseeded = RandomBrightness(0.2)(x, training=True).data
    backend.set_random_seed(7)
    np.testing.assert_array_equal(RandomBrightness(0.2)(x, training=True).data, unseeded)


def test_random_brightness_gradient_is_one_where_not_clipped():
    gradcheck(lambda t: RandomBrightness((0.1, 0.1), value_range=(0, 1))(t, training=True) ** 2,
              [images((2, 3, 3, 1))])
    x = keras.Variable(np.array([[[0.2], [0.95]]], np.float32))
    with keras.GradientTape() as tape:
        total = keras.ops.sum(RandomBrightness((0.1, 0.1), value_range=(0, 1))(x, training=True))
    np.testing.assert_array_equal(tape.gradient(total, x).data, [[[1.0], [0.0]]])


# --- all four -------------------------------------------------------------------------------

LAYERS = [
    (CenterCrop, {"height": 3, "width": 4}, (4, 3, 4, 2)),
    (RandomCrop, {"height": 3, "width": 4, "seed": 1}, (4, 3, 4, 2)),
    (RandomContrast, {"factor": 0.3, "value_range": (0, 1), "seed": 1}, (4, 5, 6, 2)),
    (RandomBrightness, {"factor": (-0.2, 0.4), "seed": 1}, (4, 5, 6, 2)),
]
IDS = [cls.__name__ for cls, _, _ in LAYERS]


@pytest.mark.parametrize("cls, kwargs, out_shape", LAYERS, ids=IDS)
def test_contract_config_keys_and_output_shapes_match_keras(real_keras, cls, kwargs, out_shape):
    run_layer_test(cls, kwargs, input_shape=(4, 5, 6, 2), expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)
    oracle = getattr(real_keras.layers, cls.__name__)(**kwargs)
    assert set(cls(**kwargs).get_config()) == set(oracle.get_config())
    for shape in [(None, 5, 6, 2), (5, 6, 2)]:
        assert cls(**kwargs).compute_output_shape(shape) == oracle.compute_output_shape(shape)
    if cls in (CenterCrop, RandomCrop):
        first = cls(**kwargs, data_format="channels_first")
        assert first.compute_output_shape((None, 2, 5, 6)) == (None, 2, 3, 4)
        assert first.compute_output_shape((2, 5, 6)) == (2, 3, 4)


def test_configs_are_plain_data_and_round_trip():
    contrast = RandomContrast((0.4, 0.1), value_range=(255, 0), seed=3)
    assert contrast.get_config()["factor"] == [0.4, 0.1]
    assert contrast.get_config()["value_range"] == [0, 255]
    clone = RandomContrast.from_config(contrast.get_config())
    assert clone.get_config() == contrast.get_config()
    crop = RandomCrop(2, 3, seed=5, data_format="channels_first", name="crop")
    assert RandomCrop.from_config(crop.get_config()).get_config() == crop.get_config()


@pytest.mark.parametrize("cls, kwargs", [(RandomContrast, {"factor": 0.5}),
                                         (RandomBrightness, {"factor": 0.5})], ids=str)
def test_color_layers_are_the_identity_in_inference_and_change_images_in_training(cls, kwargs):
    x = images((4, 5, 6, 3), scale=255.0)
    layer = cls(**kwargs, seed=1)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    as_bytes = layer(x.astype(np.uint8), training=False)
    assert as_bytes.dtype == np.float32
    np.testing.assert_array_equal(as_bytes.data, x.astype(np.uint8))
    assert not np.allclose(layer(x).data, x)          # no training flag: augment, as Keras 3
    model = keras.Sequential([keras.Input(x.shape[1:]), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.allclose(model(x).data, x)
    np.testing.assert_array_equal(cls(**kwargs, seed=4)(x).data, cls(**kwargs, seed=4)(x).data)


def test_crop_layers_in_a_model_train_and_predict_on_resized_images():
    backend.set_random_seed(0)
    x = images((16, 6, 8, 1), scale=255.0).round()
    y = np.arange(16) % 2
    model = keras.Sequential([Input((6, 8, 1)), RandomContrast(0.2), RandomBrightness(0.1),
                              RandomCrop(5, 5), CenterCrop(4, 4), Rescaling(1 / 255),
                              Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    # inference: RandomCrop resizes the centred 6x6 window to 5x5, CenterCrop cuts 4x4
    resized = RandomCrop(5, 5)(x, training=False).data
    np.testing.assert_array_equal(CenterCrop(4, 4)(resized).data, resized[:, :4, :4])
    kernel, bias = model.layers[-1].get_weights()
    logits = (resized[:, :4, :4] / 255).reshape(16, -1) @ kernel + bias
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: CenterCrop(0, 3), r"CenterCrop: height must be a positive int, received height=0"),
    (lambda: CenterCrop(3, 2.5), r"CenterCrop: width must be a positive int, .* width=2.5"),
    (lambda: RandomCrop(-1, 3), r"RandomCrop: height must be a positive int, .* height=-1"),
    (lambda: RandomCrop(3, True), r"RandomCrop: width must be a positive int"),
    (lambda: RandomCrop(3, 3, data_format="nhwc"), r"RandomCrop: expected one of .*data_format"),
    (lambda: RandomContrast(1.5), r"RandomContrast: factor must be a number or a pair of "
                                  r"numbers in \[0, 1\], received factor=1.5"),
    (lambda: RandomContrast(-0.2), r"factor=-0.2"),
    (lambda: RandomContrast((0.2, 1.2)), r"factor=\(0.2, 1.2\)"),
    (lambda: RandomContrast((0.1, 0.2, 0.3)), r"RandomContrast: factor must be"),
    (lambda: RandomContrast("high"), r"factor='high'"),
    (lambda: RandomContrast(0.2, value_range=255), r"RandomContrast: value_range must be a pair "
                                                   r"of two different numbers .* value_range=255"),
    (lambda: RandomBrightness(1.5), r"RandomBrightness: factor must be a number or a pair of "
                                    r"numbers in \[-1, 1\], received factor=1.5"),
    (lambda: RandomBrightness((-1.5, 0.0)), r"factor=\(-1.5, 0.0\)"),
    (lambda: RandomBrightness(0.1, value_range=(1, 2, 3)), r"RandomBrightness: value_range"),
    (lambda: RandomBrightness(0.1, value_range=(2, 2)), r"value_range=\(2, 2\)"),
    (lambda: RandomBrightness(0.1, value_range=("0", 1)), r"value_range=\('0', 1\)"),
])
def test_argument_errors_name_the_layer_and_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_inputs_that_are_not_images_are_rejected():
    for layer in [CenterCrop(2, 2, name="cc"), RandomCrop(2, 2), RandomContrast(0.1),
                  RandomBrightness(0.1)]:
        with pytest.raises(ValueError, match=r"expects images of rank 3 or 4, received .*"
                                             r"\(4, 5\)"):
            layer(np.zeros((4, 5), np.float32), training=True)
