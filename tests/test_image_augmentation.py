import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.autograd import Tensor
from neuronet.layers import (Dense, Flatten, Input, RandomFlip, RandomRotation, RandomTranslation,
                             RandomZoom, Rescaling, Resizing)
from neuronet.ops.image import affine_matrix, warp
from neuronet.preprocessing.image import (apply_affine_transform, apply_brightness_shift,
                                          apply_channel_shift)
from neuronet.preprocessing.image.generator import ImageDataGenerator
from neuronet.testing import gradcheck, run_layer_test

LAST = dict(row_axis=0, col_axis=1, channel_axis=2)     # one channels-last image
FILL_MODES = ["constant", "nearest", "reflect", "wrap"]
NUMPY_PAD = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "wrap": "wrap"}


def ramp(height, width, channels=1):
    """value = column + 10 * row (+ 100 * channel): asymmetric, linear in x and y."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    return (x + 10.0 * y + 100.0 * c).astype(np.float64)


# --- the affine warp ---------------------------------------------------------------------------

@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_rotation_by_90_degrees_is_rot90(fill_mode):
    img = ramp(5, 5, 2)
    out = apply_affine_transform(img, theta=90, fill_mode=fill_mode, cval=-7.0, **LAST)
    np.testing.assert_allclose(out, np.rot90(img), atol=1e-12)
    out = apply_affine_transform(img, theta=-90, fill_mode=fill_mode, cval=-7.0, order=0, **LAST)
    np.testing.assert_allclose(out, np.rot90(img, k=-1), atol=1e-12)


def test_rotation_of_a_non_square_image_turns_about_its_centre():
    img = ramp(3, 5)                          # centre: row 1, column 2
    out = apply_affine_transform(img, theta=90, **LAST)
    np.testing.assert_allclose(out[:, 1:4], np.rot90(img[:, 1:4]), atol=1e-12)


@pytest.mark.parametrize("fill_mode, left_columns, top_row", [
    ("constant", "cval", "cval"),
    ("nearest", [4, 4], 0),
    ("reflect", [4, 3], 0),
    ("wrap", [0, 1], 3),
])
def test_integer_shift_is_a_roll_with_the_fill(fill_mode, left_columns, top_row):
    img = ramp(4, 5)
    # tx=2 samples 2 columns to the right: the content moves 2 columns left
    out = apply_affine_transform(img, tx=2, fill_mode=fill_mode, cval=-1.0, **LAST)
    np.testing.assert_allclose(out[:, :3], img[:, 2:])
    expected = -1.0 if left_columns == "cval" else img[:, [c + 0 for c in left_columns]]
    np.testing.assert_allclose(out[:, 3:], np.broadcast_to(expected, out[:, 3:].shape))
    # ty=-1 samples 1 row above: the content moves 1 row down
    out = apply_affine_transform(img, ty=-1, fill_mode=fill_mode, cval=-1.0, **LAST)
    np.testing.assert_allclose(out[1:], img[:-1])
    expected = -1.0 if top_row == "cval" else img[top_row]
    np.testing.assert_allclose(out[0], np.broadcast_to(expected, out[0].shape))


def test_wrap_shift_equals_np_roll_everywhere():
    img = ramp(4, 6, 3)
    out = apply_affine_transform(img, tx=-2, ty=1, fill_mode="wrap", **LAST)
    np.testing.assert_allclose(out, np.roll(img, shift=(-1, 2), axis=(0, 1)))


def test_zoom_of_a_constant_image():
    img = np.full((6, 6, 1), 3.0)
    zoom_in = apply_affine_transform(img, zx=0.5, zy=0.5, fill_mode="constant", cval=-1, **LAST)
    np.testing.assert_allclose(zoom_in, img)
    zoom_out = apply_affine_transform(img, zx=2, zy=2, fill_mode="constant", cval=-1, **LAST)
    # output pixel p samples 2 * (p - 2.5) + 2.5: inside the image for p in 2..3 only
    np.testing.assert_allclose(zoom_out[2:4, 2:4], 3.0)
    np.testing.assert_allclose(zoom_out[[0, 5]], -1.0)
    np.testing.assert_allclose(apply_affine_transform(img, zx=2, zy=2, **LAST), img)  # nearest


def test_zoom_and_shear_of_a_linear_ramp_follow_the_formulas():
    img = ramp(7, 9)                          # value(x, y) = x + 10 y, centre (4, 3)
    y, x = np.mgrid[0:7, 0:9].astype(np.float64)
    out = apply_affine_transform(img, zx=0.5, zy=0.8, **LAST)[..., 0]
    np.testing.assert_allclose(out, (0.5 * (x - 4) + 4) + 10 * (0.8 * (y - 3) + 3), atol=1e-9)
    # shear s: x_in = (x - cx) - sin(s) (y - cy) + cx, y_in = cos(s) (y - cy) + cy
    s = np.deg2rad(10.0)
    x_in = (x - 4) - np.sin(s) * (y - 3) + 4
    y_in = np.cos(s) * (y - 3) + 3
    out = apply_affine_transform(img, shear=10, **LAST)[..., 0]
    inside = (x_in >= 0) & (x_in <= 8)
    np.testing.assert_allclose(out[inside], (x_in + 10 * y_in)[inside], atol=1e-9)


def _padded_oracle(img, matrix, fill_mode, cval):
    """Bilinear sampling of the image padded by `fill_mode` (scipy on the padded array)."""
    ndimage = pytest.importorskip("scipy.ndimage")
    pad = 20
    kwargs = {"constant_values": cval} if fill_mode == "constant" else {}
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode=NUMPY_PAD[fill_mode], **kwargs)
    y, x = np.mgrid[0:img.shape[0], 0:img.shape[1]].astype(np.float64)
    x_in = matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2] + pad
    y_in = matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2] + pad
    return np.stack([ndimage.map_coordinates(padded[..., c], [y_in, x_in], order=1)
                     for c in range(img.shape[2])], axis=-1)


def _keras_matrix(height, width, theta, tx, ty, shear, zx, zy):
    """tf.keras 2's composition R T S Z (in x, y) about the centre, written out by hand."""
    t, s = np.deg2rad(theta), np.deg2rad(shear)
    rotation = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    shearing = np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
    zoom = np.diag([zx, zy, 1.0])
    cx, cy = (width - 1) / 2, (height - 1) / 2
    to_centre = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    from_centre = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
    return (to_centre @ rotation @ shift @ shearing @ zoom @ from_centre)[:2]


PARAMS = dict(theta=23.0, tx=1.3, ty=-0.6, shear=12.0, zx=0.85, zy=1.2)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_warp_matches_bilinear_sampling_of_the_padded_image(fill_mode):
    img = np.random.default_rng(0).random((6, 8, 2))
    matrix = _keras_matrix(6, 8, **PARAMS)
    np.testing.assert_allclose(affine_matrix(6, 8, **PARAMS), matrix, atol=1e-12)
    out = apply_affine_transform(img, fill_mode=fill_mode, cval=0.4, **PARAMS, **LAST)
    np.testing.assert_allclose(out, _padded_oracle(img, matrix, fill_mode, 0.4), atol=1e-10)


@pytest.mark.parametrize("fill_mode", ["nearest", "reflect"])
def test_warp_equals_scipy_affine_transform_as_tf_keras_calls_it(fill_mode):
    ndimage = pytest.importorskip("scipy.ndimage")
    img = np.random.default_rng(1).random((7, 7, 2))
    matrix = _keras_matrix(7, 7, **PARAMS)
    swap = [1, 0]                             # scipy indexes (row, column) = (y, x)
    expected = np.stack([ndimage.affine_transform(img[..., c], matrix[swap][:, swap],
                                                  matrix[swap, 2], order=1, mode=fill_mode)
                         for c in range(2)], axis=-1)
    out = apply_affine_transform(img, fill_mode=fill_mode, **PARAMS, **LAST)
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_nearest_interpolation_rounds_the_source_point():
    img = ramp(4, 5)
    np.testing.assert_allclose(apply_affine_transform(img, tx=0.4, order=0, **LAST), img)
    shifted = apply_affine_transform(img, tx=0.6, order=0, **LAST)
    np.testing.assert_allclose(shifted[:, :4], img[:, 1:])


def test_channels_first_equals_channels_last_and_dtypes_are_kept():
    img = np.random.default_rng(2).random((5, 6, 3)).astype(np.float32)
    last = apply_affine_transform(img, theta=30, zx=1.1, **LAST)
    first = apply_affine_transform(img.transpose(2, 0, 1), theta=30, zx=1.1)   # Keras default
    np.testing.assert_allclose(first, last.transpose(2, 0, 1), rtol=1e-6)
    assert last.dtype == np.float32 and first.dtype == np.float32
    as_bytes = warp((img * 255).astype(np.uint8)[None], affine_matrix(5, 6, theta=10))
    assert as_bytes.dtype == np.float32


def test_warp_transforms_each_image_of_a_batch_with_its_own_matrix():
    images = np.random.default_rng(3).random((3, 5, 5, 2))
    matrices = affine_matrix(5, 5, theta=[90, 0, -90])
    out = warp(images, matrices)
    np.testing.assert_allclose(out[0], np.rot90(images[0]), atol=1e-12)
    np.testing.assert_allclose(out[1], images[1])
    np.testing.assert_allclose(out[2], np.rot90(images[2], k=-1), atol=1e-12)


def test_affine_errors_name_the_argument():
    img = ramp(4, 4)
    with pytest.raises(ValueError, match="fill_mode='mirror'; expected one of 'constant'"):
        apply_affine_transform(img, theta=10, fill_mode="mirror", **LAST)
    with pytest.raises(ValueError, match="rank 3"):
        apply_affine_transform(img[..., 0], theta=10)
    with pytest.raises(ValueError, match="order=3"):
        apply_affine_transform(img, theta=10, order=3, **LAST)
    with pytest.raises(ValueError, match="distinct"):
        apply_affine_transform(img, theta=10, row_axis=0, col_axis=0, channel_axis=2)


def test_brightness_and_channel_shift():
    x = np.array([[[0.0], [100.0], [200.0]]])
    np.testing.assert_allclose(apply_brightness_shift(x, 0.5, scale=False), x * 0.5)
    np.testing.assert_allclose(apply_brightness_shift(x, 2.0, scale=False), [[[0], [200], [255]]])
    # values outside 0..255: stretched to 0..255, brightened, clipped, mapped back
    signed = np.array([[[-1.0], [0.0], [1.0]]])
    np.testing.assert_allclose(apply_brightness_shift(signed, 1.5, scale=False),
                               [[[-1.0], [0.5], [1.0]]])
    # scale=True: the result stays stretched to 0..255
    np.testing.assert_allclose(apply_brightness_shift(signed, 1.0), [[[0.0], [127.5], [255.0]]])
    np.testing.assert_allclose(apply_channel_shift(x, 150.0), [[[150], [200], [200]]])
    np.testing.assert_allclose(apply_channel_shift(x, -150.0), [[[0], [0], [50]]])


# --- ImageDataGenerator: normalization ----------------------------------------------------------

def test_standardize_applies_preprocessing_function_before_rescale():
    x = np.random.default_rng(0).random((4, 5, 3)).astype(np.float32)
    gen = ImageDataGenerator(preprocessing_function=lambda v: v + 1.0, rescale=0.5)
    np.testing.assert_allclose(gen.standardize(x.copy()), (x + 1.0) * 0.5, rtol=1e-6)


def test_samplewise_center_and_std_normalization_per_sample():
    batch = np.random.default_rng(1).random((3, 4, 5, 2)).astype(np.float32) * 10
    with pytest.warns(UserWarning, match="overrides samplewise_center"):
        gen = ImageDataGenerator(samplewise_std_normalization=True, rescale=0.1)
    assert gen.samplewise_center
    for sample in batch:
        expected = sample * 0.1 - (sample * 0.1).mean()
        expected /= expected.std() + 1e-6
        np.testing.assert_allclose(gen.standardize(sample.copy()), expected, rtol=1e-4, atol=1e-5)
    out = gen.standardize(batch.copy())                     # a batch: statistics per sample
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 2, 3)), 1, atol=1e-4)
    assert out.dtype == np.float32


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_featurewise_statistics_from_fit(data_format):
    x = np.random.default_rng(2).random((6, 4, 5, 3)).astype(np.float32) * 255
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                             rescale=1 / 255, data_format=data_format)
    gen.fit(x)
    axes = (0, 2, 3) if data_format == "channels_first" else (0, 1, 2)
    scaled = x / 255
    mean = scaled.mean(axis=axes, keepdims=True)[0]
    std = scaled.std(axis=axes, keepdims=True)[0]
    np.testing.assert_allclose(gen.mean, mean, rtol=1e-5)
    np.testing.assert_allclose(gen.std, std, rtol=1e-4)
    assert gen.mean.shape == ((3, 1, 1) if data_format == "channels_first" else (1, 1, 3))
    np.testing.assert_allclose(gen.standardize(x[0].copy()), (scaled[0] - mean) / (std + 1e-6),
                               rtol=1e-4, atol=1e-5)


def test_featurewise_center_without_fit_warns_and_leaves_the_data():
    gen = ImageDataGenerator(featurewise_center=True)
    x = np.ones((2, 2, 1), np.float32)
    with pytest.warns(UserWarning, match="fit"):
        np.testing.assert_allclose(gen.standardize(x.copy()), x)


def test_zca_whitening_makes_the_covariance_the_identity():
    rng = np.random.default_rng(3)
    mixing = rng.normal(size=(4, 4))
    x = (rng.normal(size=(300, 4)) @ mixing).reshape(300, 2, 2, 1)
    with pytest.warns(UserWarning, match="overrides featurewise_center"):
        gen = ImageDataGenerator(zca_whitening=True, dtype="float64")
    gen.fit(x)
    white = gen.standardize(x.copy()).reshape(300, 4)
    np.testing.assert_allclose(white.T @ white / 300, np.eye(4), atol=1e-6)


# --- ImageDataGenerator: random transforms --------------------------------------------------------

def test_get_random_transform_is_reproducible_with_a_seed():
    gen = ImageDataGenerator(rotation_range=30, width_shift_range=0.2, height_shift_range=0.1,
                             shear_range=5, zoom_range=0.2, channel_shift_range=10,
                             horizontal_flip=True, vertical_flip=True, brightness_range=(0.5, 1.5))
    first = gen.get_random_transform((8, 10, 3), seed=7)
    assert first == gen.get_random_transform((8, 10, 3), seed=7)
    assert first != gen.get_random_transform((8, 10, 3), seed=8)
    backend.set_random_seed(5)
    unseeded = gen.get_random_transform((8, 10, 3))
    backend.set_random_seed(5)
    assert unseeded == gen.get_random_transform((8, 10, 3))


def test_get_random_transform_ranges():
    gen = ImageDataGenerator(rotation_range=30, width_shift_range=0.2, height_shift_range=2,
                             shear_range=5, zoom_range=(0.5, 0.9), channel_shift_range=10,
                             horizontal_flip=True, brightness_range=(0.5, 1.5))
    draws = [gen.get_random_transform((8, 10, 3), seed=s) for s in range(200)]
    values = {key: np.array([d[key] for d in draws], dtype=float)
              for key in draws[0] if key != "flip_vertical"}
    bounds = {"theta": (-30, 30), "tx": (-2, 2), "shear": (-5, 5), "zx": (0.5, 0.9),
              "zy": (0.5, 0.9), "channel_shift_intensity": (-10, 10), "brightness": (0.5, 1.5)}
    for key, (low, high) in bounds.items():
        assert low <= values[key].min() and values[key].max() <= high, key
        assert values[key].max() - values[key].min() > 0.6 * (high - low), key   # spread out
    assert set(values["ty"]) == {-1.0, 0.0, 1.0}          # an int range: whole pixels
    assert set(values["flip_horizontal"]) == {0.0, 1.0}
    assert all(d["flip_vertical"] is False for d in draws)
    empty = ImageDataGenerator().get_random_transform((8, 10, 3), seed=0)
    assert empty == {"theta": 0, "tx": 0, "ty": 0, "shear": 0, "zx": 1, "zy": 1,
                     "flip_horizontal": False, "flip_vertical": False,
                     "channel_shift_intensity": None, "brightness": None}


def test_shift_ranges_move_along_the_documented_axes():
    img = ramp(6, 8)
    wide = ImageDataGenerator(width_shift_range=[0.25], fill_mode="wrap")
    out = wide.random_transform(img, seed=0)
    assert any(np.allclose(out, np.roll(img, s, axis=1)) for s in (-2, 2))
    tall = ImageDataGenerator(height_shift_range=[0.5], fill_mode="wrap")
    out = tall.random_transform(img, seed=0)
    assert np.allclose(out, np.roll(img, 3, axis=0))


def test_apply_transform_flips_and_brightness_on_the_right_axes():
    img = ramp(3, 4, 2)
    gen = ImageDataGenerator()
    np.testing.assert_allclose(gen.apply_transform(img, {"flip_horizontal": True}), img[:, ::-1])
    np.testing.assert_allclose(gen.apply_transform(img, {"flip_vertical": True}), img[::-1])
    np.testing.assert_allclose(gen.apply_transform(img, {"brightness": 0.5}), img * 0.5)
    every = {"theta": 10, "tx": 0.5, "shear": 3, "zx": 0.9, "channel_shift_intensity": 1.0,
             "flip_horizontal": True, "brightness": 0.9}
    assert gen.apply_transform(img.astype(np.float32), every).dtype == np.float32
    first = ImageDataGenerator(data_format="channels_first")
    chw = img.transpose(2, 0, 1)
    np.testing.assert_allclose(first.apply_transform(chw, {"flip_horizontal": True}),
                               chw[:, :, ::-1])
    square = ramp(3, 3, 2).transpose(2, 0, 1)
    np.testing.assert_allclose(first.apply_transform(square, {"theta": 90}),
                               np.rot90(square, axes=(1, 2)), atol=1e-10)


def test_fit_with_augment_uses_the_transformed_copies():
    x = np.stack([ramp(4, 4), ramp(4, 4)[:, ::-1]])
    gen = ImageDataGenerator(featurewise_center=True, horizontal_flip=True)
    gen.fit(x, augment=True, rounds=3, seed=0)
    np.testing.assert_allclose(gen.mean.ravel(), [x.mean()], rtol=1e-6)   # flips keep the mean


@pytest.mark.parametrize("kwargs, message", [
    ({"fill_mode": "mirror"}, "fill_mode='mirror'; expected one of 'constant', 'nearest'"),
    ({"validation_split": 1.5}, "validation_split must be strictly between 0 and 1"),
    ({"zoom_range": "big"}, "zoom_range must be a float or a"),
    ({"brightness_range": 0.5}, "brightness_range must be None or a"),
    ({"width_shift_range": "x"}, "width_shift_range must be a float, an int or a 1-D list"),
    ({"rotation_range": -5}, "rotation_range must be a number >= 0"),
    ({"interpolation_order": 3}, "interpolation_order=3; expected one of 0, 1"),
    ({"data_format": "nhwc"}, "data_format='nhwc'"),
])
def test_generator_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ImageDataGenerator(**kwargs)


def test_fit_rejects_a_wrong_rank():
    with pytest.raises(ValueError, match=r"rank 4, received shape \(3, 4, 4\)"):
        ImageDataGenerator(featurewise_center=True).fit(np.zeros((3, 4, 4)))


# --- ImageDataGenerator: flow and flow_from_directory -------------------------------------------

def constant_images(count, size=4):
    """Image i has every pixel equal to i (augmentation by flips and rotations keeps it)."""
    return np.broadcast_to(np.arange(count, dtype=np.float32)[:, None, None, None],
                           (count, size, size, 3)).copy()


def test_flow_batches_keep_y_with_x_under_shuffle():
    x = constant_images(10)
    y = np.arange(10)
    gen = ImageDataGenerator(rotation_range=40, horizontal_flip=True, rescale=0.5)
    iterator = gen.flow(x, y, batch_size=4, shuffle=True, seed=3)
    batches = [iterator[i] for i in range(len(iterator))]
    assert [len(bx) for bx, _ in batches] == [4, 4, 2]
    seen = []
    for bx, by in batches:
        assert bx.shape[1:] == (4, 4, 3) and bx.dtype == np.float32
        np.testing.assert_allclose(bx, np.broadcast_to(by[:, None, None, None] * 0.5, bx.shape),
                                   atol=1e-5)
        seen += list(by)
    assert sorted(seen) == list(range(10)) and seen != list(range(10))


def test_flow_validation_split_subsets():
    x = constant_images(10)
    y = np.arange(10) % 2
    gen = ImageDataGenerator(validation_split=0.2)
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training")
    valid = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    train_x, _ = train[0]
    valid_x, _ = valid[0]
    np.testing.assert_allclose(valid_x[:, 0, 0, 0], [0, 1])          # the first 20%
    np.testing.assert_allclose(train_x[:, 0, 0, 0], np.arange(2, 10))


def test_flow_from_directory_with_validation_split(tmp_path):
    from PIL import Image
    for label, name in enumerate(["cats", "dogs"]):
        (tmp_path / name).mkdir()
        for i in range(3):
            pixels = np.full((5, 6, 3), 40 * label + i, np.uint8)
            Image.fromarray(pixels).save(tmp_path / name / f"{i}.png")
    gen = ImageDataGenerator(rescale=1 / 10, validation_split=1 / 3, horizontal_flip=True)
    train = gen.flow_from_directory(tmp_path, target_size=(5, 6), batch_size=8, shuffle=False,
                                    subset="training")
    valid = gen.flow_from_directory(tmp_path, target_size=(5, 6), batch_size=8,
                                    subset="validation")
    x, y = train[0]
    assert x.shape == (4, 5, 6, 3) and y.shape == (4, 2)
    np.testing.assert_allclose(y, [[1, 0], [1, 0], [0, 1], [0, 1]])
    np.testing.assert_allclose(x[:, 0, 0, 0], np.array([1, 2, 41, 42]) / 10, rtol=1e-6)
    assert valid.samples == 2


# --- Keras 3 layers ----------------------------------------------------------------------------

def images(shape=(4, 5, 6, 3), seed=0):
    return np.random.default_rng(seed).random(shape).astype(np.float32)


RANDOM_LAYERS = [
    (RandomFlip, {"seed": 1}),
    (RandomRotation, {"factor": 0.2, "seed": 1}),
    (RandomZoom, {"height_factor": 0.3, "width_factor": (-0.2, 0.1), "seed": 1}),
    (RandomTranslation, {"height_factor": 0.2, "width_factor": 0.3, "seed": 1}),
]


@pytest.mark.parametrize("cls, kwargs", RANDOM_LAYERS, ids=lambda v: getattr(v, "__name__", ""))
def test_random_layers_are_the_identity_in_inference_and_change_images_in_training(cls, kwargs):
    x = images()
    layer = cls(**kwargs)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    assert not np.allclose(layer(x).data, x)          # no training flag: augment, as Keras 3
    model = keras.Sequential([keras.Input(x.shape[1:]), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.allclose(model(x).data, x)
    as_bytes = layer((x * 255).astype(np.uint8))
    assert as_bytes.dtype == np.float32
    out = layer(x, training=True)
    assert out.shape == x.shape and out.dtype == np.float32
    assert not np.allclose(out.data, x)
    unbatched = layer(x[0], training=True)
    assert unbatched.shape == x[0].shape


@pytest.mark.parametrize("cls, kwargs", RANDOM_LAYERS, ids=lambda v: getattr(v, "__name__", ""))
def test_random_layers_contract_and_seeds(cls, kwargs):
    run_layer_test(cls, kwargs, input_shape=(4, 5, 6, 3), expected_output_shape=(4, 5, 6, 3),
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)
    x = images()
    np.testing.assert_array_equal(cls(**kwargs)(x, training=True).data,
                                  cls(**kwargs)(x, training=True).data)
    unseeded = {**kwargs, "seed": None}
    backend.set_random_seed(11)
    first = cls(**unseeded)(x, training=True).data
    backend.set_random_seed(11)
    np.testing.assert_array_equal(cls(**unseeded)(x, training=True).data, first)


@pytest.mark.parametrize("mode, options", [
    ("horizontal", lambda s: [s, s[:, ::-1]]),
    ("vertical", lambda s: [s, s[::-1]]),
    ("horizontal_and_vertical", lambda s: [s, s[:, ::-1], s[::-1], s[::-1, ::-1]]),
])
def test_random_flip_outputs_flipped_copies(mode, options):
    x = images((32, 3, 4, 2))
    out = RandomFlip(mode, seed=0)(x, training=True).data
    chosen = [next(k for k, o in enumerate(options(s)) if np.array_equal(o, r))
              for s, r in zip(x, out)]
    assert set(chosen) == set(range(len(options(x[0]))))      # every option occurs


def test_random_flip_channels_first_and_its_gradient():
    x = images((6, 2, 3, 4))
    out = RandomFlip("horizontal", seed=5, data_format="channels_first")(x, training=True).data
    assert all(np.array_equal(r, s) or np.array_equal(r, s[:, :, ::-1]) for s, r in zip(x, out))
    gradcheck(lambda t: RandomFlip(seed=5)(t, training=True) * np.arange(24.0).reshape(2, 3, 4, 1),
              [images((2, 3, 4, 1))])


def test_random_rotation_quarter_turn_is_rot90():
    x = images((2, 5, 5, 3))
    out = RandomRotation((0.25, 0.25), fill_mode="constant")(x, training=True).data
    np.testing.assert_allclose(out, np.rot90(x, axes=(1, 2)), atol=1e-6)


def test_random_translation_fixed_shift_moves_the_content_down():
    x = images((2, 4, 5, 1))
    layer = RandomTranslation((0.25, 0.25), (0.0, 0.0), fill_mode="constant", fill_value=-1.0)
    out = layer(x, training=True).data
    np.testing.assert_allclose(out[:, 1:], x[:, :-1], atol=1e-6)
    np.testing.assert_allclose(out[:, 0], -1.0)


def test_random_zoom_in_of_a_ramp_follows_the_formula():
    x = ramp(5, 7)[None].astype(np.float32)                  # centre (3, 2)
    out = RandomZoom((-0.5, -0.5))(x, training=True).data[0, ..., 0]
    y, xs = np.mgrid[0:5, 0:7]
    np.testing.assert_allclose(out, (0.5 * (xs - 3) + 3) + 10 * (0.5 * (y - 2) + 2), atol=1e-4)


@pytest.mark.parametrize("make, message", [
    (lambda: RandomRotation(1.5), r"factor must be a number or a pair of numbers in \[-1, 1\]"),
    (lambda: RandomZoom((-1.0, 0.2)), r"height_factor must be .* in \(-1, 1\]"),
    (lambda: RandomTranslation(0.1, "a"), "width_factor"),
    (lambda: RandomRotation(0.1, fill_mode="mirror"), "fill_mode='mirror'; expected one of"),
    (lambda: RandomZoom(0.1, interpolation="bicubic"), "interpolation='bicubic'"),
    (lambda: RandomFlip("diagonal"), "mode='diagonal'"),
    (lambda: Resizing(0, 4), "height must be a positive int"),
    (lambda: Resizing(4, 4, interpolation="area"), "interpolation='area'"),
])
def test_layer_argument_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_image_layers_reject_inputs_that_are_not_images():
    with pytest.raises(ValueError, match=r"expects images of rank 3 or 4, received .* \(4, 5\)"):
        Resizing(2, 2)(np.zeros((4, 5), np.float32))


def test_rescaling_values_dtypes_and_gradient():
    x = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    out = Rescaling(1 / 127.5, offset=-1)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, x / 127.5 - 1, rtol=1e-6)
    per_channel = Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, 0.0])(x.astype(np.float32))
    np.testing.assert_allclose(per_channel.data, x * [1, 2, 3] + [0, 1, 0])
    gradcheck(lambda t: Rescaling(0.5, offset=2.0)(t) ** 2, [images((2, 3))])
    run_layer_test(Rescaling, {"scale": [0.5, 2.0], "offset": 1.0}, input_shape=(4, 2),
                   expected_output_shape=(4, 2))


def test_resizing_bilinear_by_hand():
    x = np.array([[1.0, 3.0], [5.0, 7.0]], np.float32)[None, :, :, None]
    out = Resizing(4, 4)(x).data[0, ..., 0]
    # output centres sit at 0.25 steps: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    row = np.array([1.0, 1.5, 2.5, 3.0])                  # between 1 and 3
    np.testing.assert_allclose(out, np.stack([row, row + 1, row + 3, row + 4]), rtol=1e-6)


@pytest.mark.parametrize("size", [(3, 4), (7, 11), (5, 6)])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_resizing_matches_torch(size, interpolation):
    torch = pytest.importorskip("torch")
    x = images((2, 5, 6, 3))
    mode = {"bilinear": "bilinear", "nearest": "nearest-exact"}[interpolation]
    kwargs = {"align_corners": False, "antialias": False} if mode == "bilinear" else {}
    expected = torch.nn.functional.interpolate(torch.from_numpy(x).permute(0, 3, 1, 2), size=size,
                                               mode=mode, **kwargs).permute(0, 2, 3, 1).numpy()
    out = Resizing(*size, interpolation=interpolation)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


def test_resizing_crop_to_aspect_ratio_matches_torch_on_the_centred_crop():
    torch = pytest.importorskip("torch")
    x = images((2, 6, 10, 3))
    # target 4x4 (ratio 1): the centred 6x6 crop, columns 2..7
    crop = torch.from_numpy(x[:, :, 2:8]).permute(0, 3, 1, 2)
    expected = torch.nn.functional.interpolate(crop, size=(4, 4), mode="bilinear",
                                               align_corners=False).permute(0, 2, 3, 1).numpy()
    out = Resizing(4, 4, crop_to_aspect_ratio=True)(x).data
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_resizing_shapes_contract_and_gradient():
    run_layer_test(Resizing, {"height": 3, "width": 4}, input_shape=(4, 5, 6, 2),
                   expected_output_shape=(4, 3, 4, 2))
    first = Resizing(3, 4, data_format="channels_first")
    x = images((2, 2, 5, 6))
    assert first(x).shape == (2, 2, 3, 4)
    assert first.compute_output_shape((None, 2, 5, 6)) == (None, 2, 3, 4)
    assert Resizing(3, 4)(x[0].transpose(1, 2, 0)).shape == (3, 4, 2)
    gradcheck(lambda t: Resizing(3, 5)(t) ** 2, [images((2, 4, 3, 2))])
    gradcheck(lambda t: Resizing(2, 3, "nearest", crop_to_aspect_ratio=True)(t) ** 2,
              [images((1, 4, 3, 1))])


def test_augmentation_layers_in_a_model_train_and_predict_deterministically():
    backend.set_random_seed(0)
    model = keras.Sequential([
        Input((8, 8, 1)), RandomFlip(), RandomRotation(0.1), RandomZoom(0.1),
        RandomTranslation(0.1, 0.1), Rescaling(1 / 255), Resizing(4, 4), Flatten(),
        Dense(2, activation="softmax")])
    x = (images((16, 8, 8, 1)) * 255).round()
    y = np.arange(16) % 2
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    reference = Resizing(4, 4)(Tensor(x / 255)).data.reshape(16, -1)
    layer = model.layers[-1]
    kernel, bias = layer.get_weights()
    logits = reference @ kernel + bias
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-6)


def test_no_warnings_from_a_plain_generator():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gen = ImageDataGenerator(rotation_range=10, zoom_range=0.1)
        gen.random_transform(ramp(4, 4), seed=0)


@pytest.mark.parametrize("params", [dict(tx=1), dict(ty=-2), dict(theta=90), dict(theta=-35),
                                    dict(zx=2), dict(zy=0.5), dict(shear=30),
                                    dict(theta=30, tx=1, ty=-1, shear=10, zx=0.8, zy=1.3)])
def test_affine_transform_of_a_square_image_matches_keras(real_keras, params):
    """Keras 3's apply_affine_transform (scipy, bilinear, 'nearest' fill): the same axes,
    signs, composition and centre (Keras takes the centre of both axes from the height, so
    only square images are compared)."""
    legacy = pytest.importorskip("keras.src.legacy.preprocessing.image")
    img = ramp(9, 9, 2).astype(np.float32)
    expected = legacy.apply_affine_transform(img, **params, order=1, **LAST)
    np.testing.assert_allclose(apply_affine_transform(img, **params, order=1, **LAST), expected,
                               atol=1e-4)
