"""keras.ops.image (neuronet.ops.image) and the colour augmentation layers; Keras 3 on JAX
is the oracle."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.layers import (AutoContrast, Equalization, RandomColorDegeneration,
                             RandomColorJitter, RandomGaussianBlur, RandomGrayscale, RandomHue,
                             RandomInvert, RandomPosterization, RandomSaturation,
                             RandomSharpness, Solarization)
from neuronet.ops import image as ops_image
from neuronet.testing import gradcheck


def images(shape=(2, 4, 5, 3), seed=0, scale=1.0):
    return (np.random.default_rng(seed).random(shape) * scale).astype(np.float32)


def to_first(x):
    """Channels-last images (batched or not) as channels first."""
    return np.ascontiguousarray(np.moveaxis(x, -1, -3))


def values(out):
    return np.asarray(getattr(out, "data", out))


# --- the ops against Keras ------------------------------------------------------------------------

def _transforms(count, seed=1):
    """Affine transforms near the identity, with no coordinates on a rounding tie."""
    near = np.eye(3)[:2].ravel() + np.random.default_rng(seed).normal(0, 0.3, (count, 6))
    return np.concatenate([near, np.zeros((count, 2))], axis=1).astype(np.float32)


OPS = {
    "rgb_to_grayscale": lambda ops, x, df: ops.rgb_to_grayscale(x, data_format=df),
    "rgb_to_hsv": lambda ops, x, df: ops.rgb_to_hsv(x, data_format=df),
    "hsv_to_rgb": lambda ops, x, df: ops.hsv_to_rgb(x, data_format=df),
    "pad_images": lambda ops, x, df: ops.pad_images(x, 1, 2, target_height=7, target_width=8,
                                                    data_format=df),
    "pad_images_bottom_right": lambda ops, x, df: ops.pad_images(
        x, bottom_padding=2, right_padding=0, target_height=6, target_width=6, data_format=df),
    "crop_images": lambda ops, x, df: ops.crop_images(x, 1, 2, target_height=2,
                                                      target_width=3, data_format=df),
    "crop_images_sides": lambda ops, x, df: ops.crop_images(x, 1, 0, 1, 2, data_format=df),
    "extract_patches": lambda ops, x, df: ops.extract_patches(x, 2, data_format=df),
    "extract_patches_strided_same": lambda ops, x, df: ops.extract_patches(
        x, (3, 2), strides=(2, 1), padding="same", data_format=df),
    "extract_patches_dilated": lambda ops, x, df: ops.extract_patches(
        x, 2, strides=1, dilation_rate=2, data_format=df),
    "gaussian_blur": lambda ops, x, df: ops.gaussian_blur(x, (3, 5), (0.7, 1.6),
                                                          data_format=df),
}
AFFINE = [(mode, interpolation) for mode in ("constant", "nearest", "reflect", "wrap")
          for interpolation in ("bilinear", "nearest")]


# the ops compared with Keras on one channels-first image too (each new shape costs Keras a
# compilation); all ops are compared with themselves in every layout
ONE_IMAGE_FIRST = {"rgb_to_grayscale", "pad_images", "crop_images", "extract_patches_strided_same"}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_match_keras_in_both_layouts_batched_or_not(real_keras, name):
    x = images()
    first = to_first(x)
    cases = [(x, "channels_last")] + [(first[0], "channels_first")] * (name in ONE_IMAGE_FIRST)
    for value, data_format in cases:
        expected = np.asarray(OPS[name](real_keras.ops.image, value, data_format))
        out = OPS[name](ops_image, value, data_format)
        assert out.shape == expected.shape and out.dtype == np.float32
        np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)
    batch = OPS[name](ops_image, x, "channels_last").data          # the other two layouts
    np.testing.assert_allclose(OPS[name](ops_image, x[1], "channels_last").data, batch[1],
                               rtol=1e-6)
    np.testing.assert_allclose(OPS[name](ops_image, first, "channels_first").data,
                               to_first(batch), rtol=1e-6)


@pytest.mark.parametrize("fill_mode, interpolation", AFFINE)
def test_affine_transform_matches_keras(real_keras, fill_mode, interpolation):
    x = images()
    transforms = _transforms(2)
    expected = real_keras.ops.image.affine_transform(x, transforms, interpolation, fill_mode,
                                                     0.25)
    out = ops_image.affine_transform(x, transforms, interpolation, fill_mode, 0.25)
    assert out.shape == x.shape and out.dtype == np.float32
    np.testing.assert_allclose(out.data, np.asarray(expected), rtol=1e-5, atol=1e-6)
    first = ops_image.affine_transform(to_first(x), transforms, interpolation, fill_mode, 0.25,
                                       data_format="channels_first")
    np.testing.assert_array_equal(first.data, to_first(out.data))
    single = ops_image.affine_transform(x[1], transforms[1], interpolation, fill_mode, 0.25)
    np.testing.assert_array_equal(single.data, out.data[1])


def test_sobel_edges_matches_keras(real_keras):
    x = images()
    expected = np.asarray(real_keras.ops.image.sobel_edges(x))
    out = ops_image.sobel_edges(x)
    assert out.shape == x.shape + (2,) and out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)
    first = ops_image.sobel_edges(to_first(x), data_format="channels_first")
    assert first.shape == (2, 3, 4, 5, 2)
    np.testing.assert_array_equal(first.data, np.moveaxis(out.data, 3, 1))


def test_extract_patches_of_volumes_matches_keras(real_keras):
    v = images((2, 4, 5, 6, 2))
    for x, kwargs in [(v, {"size": (2, 2, 3)}), (v[0], {"size": (2, 1, 3), "strides": 1,
                                                         "padding": "same"})]:
        expected = np.asarray(real_keras.ops.image.extract_patches(x, **kwargs))
        np.testing.assert_array_equal(ops_image.extract_patches(x, **kwargs).data, expected)


def test_grayscale_of_bytes_and_of_one_channel(real_keras):
    x = (images(scale=255.0)).astype(np.uint8)
    out = ops_image.rgb_to_grayscale(x)
    expected = np.asarray(real_keras.ops.image.rgb_to_grayscale(x))
    assert out.dtype == np.uint8 and out.shape == (2, 4, 5, 1)
    assert np.abs(out.data.astype(int) - expected.astype(int)).max() <= 1   # truncation
    one = images((2, 4, 5, 1))
    np.testing.assert_array_equal(ops_image.rgb_to_grayscale(one).data, one)


def test_hsv_of_known_colours_and_round_trip():
    colours = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0.5, 0.5, 0.5],
                        [0, 0, 0], [1, 0, 1]], np.float32)[None]        # one image, 1 x 7
    expected = [[0, 1, 1], [1 / 3, 1, 1], [2 / 3, 1, 1], [1 / 6, 1, 1], [0, 0, 0.5],
                [0, 0, 0], [5 / 6, 1, 1]]
    hsv = ops_image.rgb_to_hsv(colours)
    np.testing.assert_allclose(hsv.data[0], expected, atol=1e-6)
    x = images((3, 4, 5, 3), seed=4)
    back = ops_image.hsv_to_rgb(ops_image.rgb_to_hsv(x))
    assert back.dtype == np.float32
    np.testing.assert_allclose(back.data, x, atol=1e-6)


def test_padding_and_cropping_put_the_image_where_asked():
    x = images((1, 3, 4, 2))
    padded = ops_image.pad_images(x, top_padding=2, left_padding=1, bottom_padding=0,
                                  right_padding=3).data
    assert padded.shape == (1, 5, 8, 2)
    np.testing.assert_array_equal(padded[:, 2:, 1:5], x)
    assert np.count_nonzero(padded) == x.size
    back = ops_image.crop_images(padded, 2, 1, target_height=3, target_width=4)
    np.testing.assert_array_equal(back.data, x)
    as_int = ops_image.pad_images((x * 9).astype(np.int32), 1, 1, 1, 1)
    assert as_int.dtype == np.int32


def test_extract_patches_lists_each_window_row_column_channel():
    x = np.arange(2 * 4 * 6 * 2, dtype=np.float32).reshape(2, 4, 6, 2)
    out = ops_image.extract_patches(x, (2, 3)).data
    assert out.shape == (2, 2, 2, 12)
    np.testing.assert_array_equal(out[1, 1, 0], x[1, 2:4, 0:3].ravel())


def test_gaussian_blur_spreads_an_impulse_as_the_outer_product_of_two_gaussians():
    x = np.zeros((1, 9, 9, 1), np.float32)
    x[0, 4, 4, 0] = 1
    out = ops_image.gaussian_blur(x, kernel_size=(3, 5), sigma=(1.0, 2.0)).data[0, :, :, 0]
    across = np.exp(-0.5 * np.arange(-1, 2) ** 2)                 # 3 taps along x, sigma 1
    down = np.exp(-0.5 * (np.arange(-2, 3) / 2.0) ** 2)           # 5 taps along y, sigma 2
    kernel = np.outer(down / down.sum(), across / across.sum())
    np.testing.assert_allclose(out[2:7, 3:6], kernel, rtol=1e-6)
    assert out.sum() == pytest.approx(1.0, abs=1e-6)
    assert ops_image.gaussian_blur((x * 255).astype(np.uint8)).dtype == np.float32


def test_affine_transform_shifts_and_broadcasts_one_transform():
    x = images((3, 4, 5, 2))
    shift = np.array([1, 0, 1, 0, 1, 0, 0, 0], np.float32)        # x_in = x_out + 1
    out = ops_image.affine_transform(x, shift).data
    np.testing.assert_array_equal(out[:, :, :-1], x[:, :, 1:])
    np.testing.assert_array_equal(out[:, :, -1], 0)
    filled = ops_image.affine_transform(x, shift, fill_value=2.5, fill_mode="constant").data
    np.testing.assert_array_equal(filled[:, :, -1], 2.5)


def test_image_ops_keep_float64():
    x = images().astype(np.float64)
    for name, op in OPS.items():
        assert op(ops_image, x, "channels_last").dtype == np.float64, name
    assert ops_image.sobel_edges(x).dtype == np.float64
    assert ops_image.affine_transform(x, _transforms(2)).dtype == np.float64


# --- gradients ------------------------------------------------------------------------------------

GRADIENT_CASES = {
    "rgb_to_grayscale": lambda t: ops_image.rgb_to_grayscale(t),
    "rgb_to_grayscale_first": lambda t: ops_image.rgb_to_grayscale(
        keras.ops.transpose(t, (0, 3, 1, 2)), data_format="channels_first"),
    "pad_images": lambda t: ops_image.pad_images(t, 1, 0, 2, 1),
    "crop_images": lambda t: ops_image.crop_images(t, 1, 1, target_height=2, target_width=2),
    "extract_patches": lambda t: ops_image.extract_patches(t, 2, strides=1),
    "extract_patches_same_dilated": lambda t: ops_image.extract_patches(
        t, (2, 3), strides=(2, 1), dilation_rate=(1, 2), padding="same"),
    "gaussian_blur": lambda t: ops_image.gaussian_blur(t, (3, 4), (0.8, 1.3)),
    "sobel_edges": lambda t: ops_image.sobel_edges(t),
    "affine_constant": lambda t: ops_image.affine_transform(t, _transforms(2), fill_value=0.5),
    "affine_reflect": lambda t: ops_image.affine_transform(t, _transforms(2, seed=3),
                                                           fill_mode="reflect"),
    "affine_wrap_one_image": lambda t: ops_image.affine_transform(
        t[0], _transforms(1, seed=5)[0], fill_mode="wrap"),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients(name):
    op = GRADIENT_CASES[name]
    gradcheck(lambda t: op(t) ** 2, [images((2, 4, 4, 3), seed=2)])


# --- errors ---------------------------------------------------------------------------------------

ERRORS = [
    (lambda: ops_image.rgb_to_grayscale(images((2, 4, 4, 2))),
     r"rgb_to_grayscale: expected images with 1 or 3 channels"),
    (lambda: ops_image.rgb_to_hsv(images((4, 3))), r"rgb_to_hsv: expected images of rank 3"),
    (lambda: ops_image.rgb_to_hsv(np.ones((2, 2, 3), np.uint8)),
     r"rgb_to_hsv: expected images of a float dtype, received dtype uint8"),
    (lambda: ops_image.hsv_to_rgb(images(), data_format="nchw"),
     r"hsv_to_rgb: expected one of .* for argument 'data_format'"),
    (lambda: ops_image.pad_images(images(), 1, 1, 1, 1, target_height=9),
     r"pad_images: give exactly two of top_padding, bottom_padding, target_height"),
    (lambda: ops_image.pad_images(images(), 1, 1, target_height=4, target_width=9),
     r"pad_images: for images of height 4, .* bottom_padding=-1"),
    (lambda: ops_image.pad_images(images(), -1, 0, 0, 0), r"top_padding must be an int >= 0"),
    (lambda: ops_image.crop_images(images(), 3, 0, target_height=2, right_cropping=0),
     r"crop_images: for images of height 4, .* bottom_cropping=-1"),
    (lambda: ops_image.extract_patches(images(), (2, 2, 2, 2)),
     r"extract_patches: size must be an int or a tuple of 2 or 3 ints"),
    (lambda: ops_image.extract_patches(images(), 2, padding="full"),
     r"extract_patches: expected one of .* for argument 'padding'"),
    (lambda: ops_image.extract_patches(images(), 6), r"extract_patches: the window"),
    (lambda: ops_image.gaussian_blur(images(), sigma=(1.0, 0.0)),
     r"gaussian_blur: sigma must be a positive number"),
    (lambda: ops_image.gaussian_blur(images(), kernel_size=0),
     r"gaussian_blur: expected a positive int .* 'kernel_size'"),
    (lambda: ops_image.sobel_edges(images()[0]), r"sobel_edges: expected images of rank 4"),
    (lambda: ops_image.affine_transform(images(), np.zeros(6)),
     r"affine_transform: expected a transform of shape \(8,\) or \(2, 8\)"),
    (lambda: ops_image.affine_transform(images(), np.zeros((3, 8))),
     r"affine_transform: expected a transform .* received shape \(3, 8\)"),
    (lambda: ops_image.affine_transform(images(), np.zeros(8), fill_mode="mirror"),
     r"affine_transform: invalid fill_mode='mirror'; expected one of 'constant', 'nearest'"),
    (lambda: ops_image.affine_transform(images(), np.zeros(8), interpolation="cubic"),
     r"invalid interpolation='cubic'; expected one of 'nearest', 'bilinear'"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_op_errors_name_the_op_and_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_image_ops_record_graph_nodes_on_symbolic_tensors():
    inputs = keras.Input((4, 5, 3))
    outputs = ops_image.gaussian_blur(ops_image.rgb_to_grayscale(inputs))
    model = keras.Model(inputs, outputs)
    x = images()
    expected = ops_image.gaussian_blur(ops_image.rgb_to_grayscale(x)).data
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


# --- the layers: deterministic cases against Keras ------------------------------------------------

def keras_layer(real_keras, layer, x, transformation=None):
    """The Keras layer of the same config applied to x (training), or its transform_images
    given `transformation`."""
    config = {key: value for key, value in layer.get_config().items()
              if key not in ("name", "trainable", "dtype")}
    oracle = getattr(real_keras.layers, type(layer).__name__).from_config(config)
    if transformation is None:
        return np.asarray(oracle(x, training=True))
    return np.asarray(oracle.transform_images(x, transformation))


BYTES = images(seed=7, scale=255.0)          # the shape of the op tests: Keras compiles once
UNIT = images(seed=8)
DETERMINISTIC = [
    (lambda: RandomGrayscale(1.0), BYTES),
    (lambda: RandomGrayscale(0.0), BYTES),
    (lambda: RandomSaturation((0.0, 0.0)), BYTES),
    (lambda: RandomSaturation((0.3, 0.3)), BYTES),
    (lambda: RandomSaturation((0.5, 0.5)), BYTES),
    (lambda: RandomSaturation((0.9, 0.9), value_range=(0, 1)), UNIT),
    (lambda: RandomColorDegeneration((0.4, 0.4)), BYTES),
    (lambda: RandomColorDegeneration((1.0, 1.0), value_range=(0, 1)), UNIT),
    (lambda: RandomInvert((1.0, 1.0)), BYTES),
    (lambda: RandomInvert((1.0, 1.0), value_range=(0, 1)), UNIT),
    (lambda: RandomInvert((0.0, 0.0)), BYTES),
    (lambda: RandomPosterization((1, 1)), BYTES),
    (lambda: RandomPosterization((3, 3)), BYTES),
    (lambda: RandomPosterization((5, 5), value_range=(0, 1)), UNIT),
    (lambda: Solarization(), BYTES),
    (lambda: Solarization(value_range=(0, 1)), UNIT),
    (lambda: AutoContrast(), BYTES * 0.5 + 20),
    (lambda: AutoContrast(value_range=(0, 1)), UNIT * 0.5 + 0.2),
    (lambda: Equalization(bins=16), BYTES[:1]),
    (lambda: RandomSharpness((0.0, 0.0)), BYTES),
    (lambda: RandomSharpness((0.8, 0.8)), BYTES),
    (lambda: RandomSharpness((1.0, 1.0), value_range=(0, 1)), UNIT),
    (lambda: RandomColorJitter(brightness_factor=(0.1, 0.1), contrast_factor=0.0,
                               saturation_factor=(0.3, 0.3)), BYTES),
]


@pytest.mark.parametrize("make, x", DETERMINISTIC,
                         ids=[f"{type(make()).__name__}-{i}" for i, (make, _) in
                              enumerate(DETERMINISTIC)])
def test_deterministic_layers_match_keras(real_keras, make, x):
    layer = make()
    out = layer(x, training=True)
    expected = keras_layer(real_keras, layer, x)
    assert out.shape == x.shape and out.dtype == np.float32
    scale = 255.0 if x.max() > 1 else 1.0
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6 * scale)


LAYOUT_CASES = [lambda df: RandomGrayscale(1.0, data_format=df),
                lambda df: RandomSharpness((0.9, 0.9), data_format=df),
                lambda df: RandomSaturation((0.2, 0.2), data_format=df),
                lambda df: RandomColorDegeneration((0.6, 0.6), data_format=df),
                lambda df: Equalization(bins=16, data_format=df)]


@pytest.mark.parametrize("make", LAYOUT_CASES[:1])
def test_channels_first_and_single_images_match_keras(real_keras, make):
    first = to_first(BYTES[:1])
    layer = make("channels_first")
    np.testing.assert_allclose(layer(first, training=True).data,
                               keras_layer(real_keras, layer, first), rtol=1e-5, atol=1e-4)
    single = make("channels_last")(BYTES[0], training=True)
    assert single.shape == BYTES[0].shape
    np.testing.assert_allclose(single.data, keras_layer(real_keras, make("channels_last"),
                                                        BYTES[0]), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("make", LAYOUT_CASES)
def test_channels_first_and_single_images_agree_with_channels_last(make):
    batch = make("channels_last")(BYTES, training=True).data
    first = make("channels_first")(to_first(BYTES), training=True).data
    np.testing.assert_allclose(first, to_first(batch), rtol=1e-6)
    np.testing.assert_allclose(make("channels_last")(BYTES[1], training=True).data, batch[1],
                               rtol=1e-6)


def test_equalization_scales_with_the_value_range():
    unit = Equalization(value_range=(0, 1), bins=16)(UNIT, training=True).data
    np.testing.assert_allclose(unit * 255, Equalization(bins=16)(UNIT * 255).data, atol=1e-4)
    # a uniform ramp of 16 levels in 16 bins is already equalized
    ramp = np.linspace(0, 255, 16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_allclose(Equalization(bins=16)(ramp).data, ramp, atol=1e-4)


@pytest.mark.parametrize("value_range, x", [((0, 255), BYTES), ((0, 1), UNIT)])
def test_random_hue_turns_each_image_by_half_its_factor_either_way(real_keras, value_range, x):
    out = RandomHue((0.4, 0.4), value_range=value_range, seed=3)(np.concatenate([x] * 3),
                                                                   training=True).data
    oracle = real_keras.layers.RandomHue((0.4, 0.4), value_range=value_range)
    turned = [np.asarray(oracle.transform_images(x, {"factor": np.full(2, sign * 0.2,
                                                                        np.float32)}))
              for sign in (1, -1)]                               # each image turned both ways
    signs = []
    for i, result in enumerate(out):
        errors = [np.abs(expected[i % 2] - result).max() for expected in turned]
        assert min(errors) <= 1e-4 * value_range[1]
        signs.append(int(np.argmin(errors)))
    assert set(signs) == {0, 1}                                    # both directions drawn


def test_random_gaussian_blur_with_given_sigma_matches_keras(real_keras):
    x = BYTES
    layer = RandomGaussianBlur((1.0, 1.0), kernel_size=(3, 5), sigma=(0.8, 0.8))
    expected = keras_layer(real_keras, layer, x, {
        "should_apply_blur": np.ones(2, bool),
        "blur_factor": np.full(2, 0.8 + 1e-6, np.float32)})
    np.testing.assert_allclose(layer(x, training=True).data, expected, rtol=1e-5, atol=1e-4)


def test_solarization_with_addition_and_threshold_matches_keras(real_keras):
    layer = Solarization(addition_factor=(0.1, 0.1), threshold_factor=(0.6, 0.6),
                         value_range=(0, 1))
    expected = keras_layer(real_keras, layer, UNIT, {
        "additions": np.full((2, 1, 1, 1), 0.1 * 255, np.float32),
        "thresholds": np.full((2, 1, 1, 1), 0.6 * 255, np.float32)})
    np.testing.assert_allclose(layer(UNIT).data, expected, rtol=1e-5, atol=1e-6)


def test_equalization_and_auto_contrast_keep_constant_channels_and_work_per_image():
    x = BYTES.copy()
    x[0, ..., 1] = 7.0
    for layer in (AutoContrast(), Equalization()):
        out = layer(x, training=True).data
        np.testing.assert_array_equal(out[0, ..., 1], 7.0)
        for i in range(2):                      # each image on its own, whatever the batch
            np.testing.assert_allclose(out[i], layer(x[i], training=True).data, rtol=1e-6)
    stretched = AutoContrast()(x).data
    np.testing.assert_allclose(stretched[1].min(axis=(0, 1)), 0, atol=1e-4)
    np.testing.assert_allclose(stretched[1].max(axis=(0, 1)), 255, rtol=1e-6)


# --- the layers: random draws, training, dtype, seeds, configs ------------------------------------

RANDOM_LAYERS = [
    (RandomGrayscale, {"factor": 0.9}),
    (RandomHue, {"factor": 0.5}),
    (RandomSaturation, {"factor": (0.2, 0.9)}),
    (RandomColorJitter, {"brightness_factor": 0.2, "contrast_factor": 0.3,
                         "saturation_factor": (0.3, 0.7), "hue_factor": 0.2}),
    (RandomColorDegeneration, {"factor": 0.8}),
    (RandomInvert, {"factor": (0.9, 1.0)}),
    (RandomPosterization, {"factor": 4}),
    (Solarization, {"addition_factor": 0.2, "threshold_factor": (0.3, 0.8)}),
    (Equalization, {"bins": 32}),
    (RandomGaussianBlur, {"factor": (0.9, 1.0), "sigma": (0.5, 2.0)}),
    (RandomSharpness, {"factor": 0.9}),
]
IDS = [cls.__name__ for cls, _ in RANDOM_LAYERS]


@pytest.mark.parametrize("cls, kwargs", RANDOM_LAYERS, ids=IDS)
def test_layers_in_training_and_inference(cls, kwargs):
    x = (images((4, 5, 6, 3), seed=9, scale=255.0)).astype(np.uint8)
    layer = cls(**kwargs)
    out = layer(x, training=True)
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.data.min() >= 0 and out.data.max() <= 255
    assert not np.allclose(out.data, x)
    same = layer(x, training=False)
    assert same.dtype == np.float32
    np.testing.assert_array_equal(same.data, x.astype(np.float32))
    inputs = keras.Input((5, 6, 3))
    model = keras.Model(inputs, cls(**kwargs)(inputs))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.astype(np.float32))


def test_auto_contrast_is_active_in_inference_as_keras():
    x = BYTES * 0.5 + 20
    np.testing.assert_array_equal(AutoContrast()(x, training=False).data,
                                  AutoContrast()(x, training=True).data)
    assert AutoContrast()(x, training=False).data.max() == pytest.approx(255.0)


@pytest.mark.parametrize("cls, kwargs", [c for c in RANDOM_LAYERS if c[0] is not Equalization],
                         ids=[i for i in IDS if i != "Equalization"])
def test_seeded_layers_are_reproducible_and_configs_round_trip(cls, kwargs):
    x = images((6, 4, 5, 3), seed=10, scale=255.0)
    first = cls(**kwargs, seed=11)
    again = cls.from_config(first.get_config())
    assert again.get_config() == first.get_config()
    np.testing.assert_array_equal(first(x, training=True).data, again(x, training=True).data)
    backend.set_random_seed(5)
    unseeded = cls(**kwargs)(x, training=True).data
    backend.set_random_seed(5)
    np.testing.assert_array_equal(cls(**kwargs)(x, training=True).data, unseeded)


@pytest.mark.parametrize("cls, kwargs", RANDOM_LAYERS + [(AutoContrast, {})],
                         ids=IDS + ["AutoContrast"])
def test_config_keys_match_keras(real_keras, cls, kwargs):
    ours = set(cls(**kwargs).get_config())
    theirs = set(getattr(real_keras.layers, cls.__name__)(**kwargs).get_config())
    assert theirs <= ours and ours - theirs <= {"seed"}       # Keras forgets one seed


def test_probabilities_and_ranges_of_the_draws():
    x = images((400, 1, 1, 3), seed=12, scale=255.0)
    grey = RandomGrayscale(0.25, seed=0)(x).data
    converted = np.all(grey == grey[..., :1], axis=(1, 2, 3))
    assert 0.18 < converted.mean() < 0.32
    inverted = RandomInvert(seed=0)(x).data                    # p ~ U(0, 1): half on average
    assert 0.4 < np.all(inverted == 255 - x, axis=(1, 2, 3)).mean() < 0.6
    levels = RandomPosterization(3, seed=0)(images((300, 4, 4, 1), scale=255.0)).data
    # an image keeping b bits has at most 2**b levels: b in 1..3, the bound 3 included
    bits = {int(np.ceil(np.log2(len(np.unique(image))))) for image in levels}
    assert bits == {1, 2, 3}


def test_saturation_extremes_and_hue_of_zero():
    x = BYTES
    grey = RandomSaturation((0.0, 0.0))(x).data
    np.testing.assert_allclose(grey, np.repeat(x.max(axis=-1, keepdims=True), 3, axis=-1),
                               rtol=1e-6)
    full = RandomSaturation((1.0, 1.0))(x).data
    np.testing.assert_allclose(full.min(axis=-1), 0, atol=1e-3)       # saturation 1
    np.testing.assert_allclose(RandomHue(0.0)(x).data, x, rtol=1e-5, atol=1e-3)


def test_color_jitter_with_one_step_is_that_layer(real_keras):
    x = BYTES
    jitter = RandomColorJitter(saturation_factor=(0.2, 0.2))
    np.testing.assert_allclose(jitter(x).data, RandomSaturation((0.2, 0.2))(x).data,
                               rtol=1e-6)
    with pytest.raises(ValueError, match=r"RandomColorJitter: invalid hue_factor=2"):
        RandomColorJitter(hue_factor=2)
    with pytest.raises(ValueError, match=r"RandomHue\) expects RGB images \(3 channels\)"):
        RandomColorJitter(hue_factor=0.1)(images((2, 3, 3, 1)))


def test_differentiable_layers_pass_gradients():
    x = images((2, 4, 4, 3), seed=13, scale=200.0) + 20
    for layer in [RandomColorDegeneration((0.3, 0.3), dtype="float64"),
                  RandomGaussianBlur((1, 1), sigma=(1, 1), dtype="float64"),
                  RandomSharpness((0.7, 0.7), dtype="float64"), AutoContrast(dtype="float64"),
                  RandomGrayscale(1.0, dtype="float64"), RandomInvert((1, 1), dtype="float64"),
                  Solarization(threshold_factor=(0.5, 0.5), dtype="float64")]:
        gradcheck(lambda t: layer(t, training=True) ** 2, [x])


BAD_ARGUMENTS = [
    (lambda: RandomGrayscale(1.5), r"RandomGrayscale: factor must be a number in \[0, 1\]"),
    (lambda: RandomGrayscale((0.1, 0.2)), r"RandomGrayscale: factor"),
    (lambda: RandomHue(-0.2), r"RandomHue: factor must be a number or a pair of numbers in "
                              r"\[0.0, 1.0\], received factor=-0.2"),
    (lambda: RandomSaturation((0.2, 1.2)), r"RandomSaturation: factor"),
    (lambda: RandomSaturation(0.2, value_range=(1, 1)), r"RandomSaturation: value_range"),
    (lambda: RandomColorDegeneration("high"), r"RandomColorDegeneration: factor"),
    (lambda: RandomInvert(value_range=5), r"RandomInvert: value_range"),
    (lambda: RandomPosterization(9), r"RandomPosterization: factor must be an int or a pair of "
                                     r"ints in \[1, 8\], received factor=9"),
    (lambda: RandomPosterization(2.5), r"RandomPosterization: factor"),
    (lambda: Solarization(addition_factor=1.5), r"Solarization: addition_factor"),
    (lambda: Solarization(threshold_factor=(0.1, 0.2, 0.3)), r"Solarization: threshold_factor"),
    (lambda: AutoContrast(value_range=(0,)), r"AutoContrast: value_range"),
    (lambda: Equalization(bins=0), r"Equalization: bins must be an int >= 1, received bins=0"),
    (lambda: RandomGaussianBlur(kernel_size=4), r"RandomGaussianBlur: kernel_size must be an "
                                                r"odd int"),
    (lambda: RandomGaussianBlur(sigma=-1.0), r"RandomGaussianBlur: sigma"),
    (lambda: RandomGaussianBlur(factor=2), r"RandomGaussianBlur: factor"),
    (lambda: RandomSharpness(None), r"RandomSharpness: factor"),
    (lambda: RandomColorJitter(value_range=(3, 3)), r"RandomColorJitter: value_range"),
    (lambda: RandomColorJitter(brightness_factor=3), r"RandomColorJitter: invalid "
                                                     r"brightness_factor=3"),
    (lambda: RandomHue(0.1, data_format="nhwc"), r"RandomHue: expected one of"),
]


@pytest.mark.parametrize("make, message", BAD_ARGUMENTS)
def test_bad_arguments_name_the_layer_and_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_hsv_layers_need_rgb_images():
    for layer in (RandomHue(0.1), RandomSaturation(0.1), RandomColorDegeneration(0.1)):
        with pytest.raises(ValueError, match=r"expects RGB images \(3 channels\), received "
                                             r"images with 2 channels"):
            layer(images((1, 3, 3, 2)), training=True)
