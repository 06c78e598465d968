"""The geometric keras.ops.image functions (map_coordinates, perspective_transform,
elastic_transform, scale_and_translate, ssim, extract_patches_3d) and the augmentation
layers RandomShear, RandomPerspective, RandomErasing, RandomElasticTransform, MixUp, CutMix,
RandAugment and AugMix; Keras 3 on JAX is the oracle."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.autograd import Tensor
from neuronet.layers import (AugMix, AutoContrast, CutMix, Equalization, MixUp, RandAugment,
                             RandomElasticTransform, RandomErasing, RandomPerspective,
                             RandomPosterization, RandomSharpness, RandomShear, Solarization)
from neuronet.ops import image as ops_image
from neuronet.testing import gradcheck


def images(shape=(2, 5, 6, 3), seed=0, scale=1.0):
    return (np.random.default_rng(seed).random(shape) * scale).astype(np.float32)


def to_first(x):
    """Channels-last images (batched or not) as channels first."""
    return np.ascontiguousarray(np.moveaxis(x, -1, -3))


def close(out, expected, scale=1.0):
    np.testing.assert_allclose(np.asarray(getattr(out, "data", out)), np.asarray(expected),
                               rtol=1e-5, atol=2e-6 * scale)


CORNERS = np.array([[0, 0], [5, 0], [0, 4], [5, 4]], np.float32)          # of a 5 x 6 image
MOVED = np.array([[[0.3, 0.2], [5.5, -0.4], [-0.2, 4.3], [4.6, 3.7]],
                  [[0.1, 0.6], [4.2, 0.3], [0.4, 3.9], [5.3, 4.4]]], np.float32)
STARTS = np.stack([CORNERS, CORNERS])


# --- the ops against Keras ------------------------------------------------------------------------

def test_map_coordinates_matches_keras_for_every_order_and_fill_mode(real_keras):
    grid = images((4, 5), seed=1)
    points = np.random.default_rng(2).uniform(-2.3, 6.4, (2, 3, 8)).astype(np.float32)
    points[:, 0] = [[-1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -2.5, 4.5],    # halves: away from 0
                    [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, -1.5, 5.5]]
    for order in (0, 1):
        for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
            expected = real_keras.ops.image.map_coordinates(grid, points, order, mode, 0.5)
            out = ops_image.map_coordinates(grid, points, order, mode, 0.5)
            assert out.shape == (3, 8) and out.dtype == np.float32
            close(out, expected)
    volume = images((3, 1, 4), seed=3)                  # 3-D, with an axis of one entry
    coords = np.random.default_rng(4).uniform(-1.5, 4.5, (3, 5)).astype(np.float32)
    close(ops_image.map_coordinates(volume, coords, 1, "mirror"),
          real_keras.ops.image.map_coordinates(volume, coords, 1, "mirror"))
    counts = (grid * 100).astype(np.int32)
    out = ops_image.map_coordinates(counts, points, 1)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.data, real_keras.ops.image.map_coordinates(counts, points, 1))


def test_perspective_transform_matches_keras(real_keras):
    x = images()
    for interpolation in ("bilinear", "nearest"):
        expected = real_keras.ops.image.perspective_transform(x, STARTS, MOVED, interpolation,
                                                              0.3)
        out = ops_image.perspective_transform(x, STARTS, MOVED, interpolation, 0.3)
        assert out.shape == x.shape and out.dtype == np.float32
        close(out, expected)
    first = ops_image.perspective_transform(to_first(x[1]), CORNERS, MOVED[1], "nearest", 0.3,
                                            data_format="channels_first")
    close(first, to_first(out.data[1]))                # one image, channels first
    same = ops_image.perspective_transform(x, CORNERS, CORNERS)            # the identity
    close(same, x)


def test_scale_and_translate_matches_keras(real_keras):
    x = images()
    args = (x, (2, 8, 4, 3), np.array([1.7, 0.6], np.float32), np.array([-0.4, 0.3],
                                                                       np.float32), (1, 2))
    for method, antialias in [("linear", True), ("cubic", False), ("lanczos3", True)]:
        out = ops_image.scale_and_translate(*args, method, antialias)
        assert out.shape == (2, 8, 4, 3) and out.dtype == np.float32
        close(out, real_keras.ops.image.scale_and_translate(*args, method, antialias))
    for alias, method in [("bilinear", "linear"), ("trilinear", "linear"),
                          ("bicubic", "cubic"), ("tricubic", "cubic")]:
        np.testing.assert_array_equal(ops_image.scale_and_translate(*args, alias).data,
                                      ops_image.scale_and_translate(*args, method).data)


def test_scale_and_translate_doubles_a_grid_linearly():
    grid = np.arange(9, dtype=np.float32).reshape(3, 3)        # Keras' docstring example
    scale = np.array([2.0, 2.0])
    out = ops_image.scale_and_translate(grid, (5, 5), scale, -(scale / 2 - 0.5), (0, 1),
                                        "linear")
    expected = np.arange(5)[:, None] * 1.5 + np.arange(5)[None, :] * 0.5
    close(out, expected)


def test_ssim_matches_keras(real_keras):
    x = images()
    y = np.clip(x + np.random.default_rng(5).normal(0, 0.1, x.shape), 0, 1).astype(np.float32)
    kwargs = {"max_val": 255.0, "filter_size": 4, "filter_sigma": 0.8, "k2": 0.05}
    out = ops_image.ssim(x * 255, y * 255, **kwargs)
    assert out.shape == (2,) and out.dtype == np.float32
    close(out, real_keras.ops.image.ssim(x * 255, y * 255, **kwargs))
    single = ops_image.ssim(to_first(x[1]) * 255, to_first(y[1]) * 255, **kwargs,
                            data_format="channels_first")
    assert single.shape == ()
    close(single, out.data[1])
    close(ops_image.ssim(x, x, filter_size=5), [1.0, 1.0])
    assert 0.5 < ops_image.ssim(x, y, filter_size=3).data.min() < 0.99


def test_extract_patches_3d_matches_keras(real_keras):
    v = images((2, 4, 5, 6, 2))
    for x, kwargs in [(v, {"size": 2, "strides": 1}),
                      (v[0], {"size": (2, 1, 3), "strides": (1, 2, 2), "padding": "same"})]:
        out = ops_image.extract_patches_3d(x, **kwargs)
        np.testing.assert_array_equal(out.data,
                                      real_keras.ops.image.extract_patches_3d(x, **kwargs))


def test_elastic_transform_samples_at_the_blurred_noise(real_keras):
    x = images((2, 5, 6, 2))
    alpha, sigma = 1.5, 0.8
    out = ops_image.elastic_transform(x, alpha, sigma, fill_mode="mirror", seed=3)
    assert out.shape == x.shape and out.dtype == np.float32
    # by hand: normal fields dx, dy (in this order) times sigma, blurred by Keras' Gaussian
    # of int(6 sigma) | 1 taps, then each channel sampled by Keras' map_coordinates
    noise = np.random.default_rng(3).standard_normal((2, 2, 5, 6)) * sigma
    taps = int(6 * sigma) | 1
    dx, dy = (np.asarray(real_keras.ops.image.gaussian_blur(
        field[..., None].astype(np.float32), (taps, taps), (sigma, sigma),
        data_format="channels_last"))[..., 0]
        for field in noise)
    rows, cols = np.meshgrid(np.arange(5), np.arange(6), indexing="ij")
    for b in range(2):
        for c in range(2):
            expected = real_keras.ops.image.map_coordinates(
                x[b, ..., c], [rows + alpha * dy[b], cols + alpha * dx[b]], 1, "mirror")
            np.testing.assert_allclose(out.data[b, ..., c], expected, rtol=1e-5, atol=1e-5)


def test_elastic_transform_seeds_layouts_and_zero_alpha():
    x = images()
    first = ops_image.elastic_transform(x, 2.0, 1.0, seed=4).data
    np.testing.assert_array_equal(ops_image.elastic_transform(x, 2.0, 1.0, seed=4).data, first)
    assert not np.allclose(ops_image.elastic_transform(x, 2.0, 1.0, seed=5).data, first)
    close(ops_image.elastic_transform(to_first(x), 2.0, 1.0, seed=4,
                                      data_format="channels_first"), to_first(first))
    close(ops_image.elastic_transform(x, 0.0, 1.0), x)
    backend.set_random_seed(6)
    unseeded = ops_image.elastic_transform(x).data
    backend.set_random_seed(6)
    np.testing.assert_array_equal(ops_image.elastic_transform(x).data, unseeded)
    assert ops_image.elastic_transform((x * 255).astype(np.uint8)).dtype == np.float32


def test_new_image_ops_keep_float64():
    x = images().astype(np.float64)
    assert ops_image.map_coordinates(x[0, ..., 0], np.ones((2, 3)), 1).dtype == np.float64
    assert ops_image.perspective_transform(x, STARTS, MOVED).dtype == np.float64
    assert ops_image.elastic_transform(x, seed=0).dtype == np.float64
    assert ops_image.scale_and_translate(x, (2, 3, 3, 3), [0.5, 0.5], [0, 0], (1, 2),
                                         "cubic").dtype == np.float64
    assert ops_image.ssim(x, x, filter_size=3).dtype == np.float64


def test_image_ops_record_graph_nodes_on_symbolic_tensors():
    inputs = keras.Input((5, 6, 3))
    outputs = ops_image.perspective_transform(inputs, CORNERS, MOVED[0])
    model = keras.Model(inputs, outputs)
    x = images()
    close(model.predict(x, verbose=0), ops_image.perspective_transform(x, CORNERS, MOVED[0]))


# --- gradients ------------------------------------------------------------------------------------

GRADIENT_CASES = {
    "map_coordinates_linear": lambda t: ops_image.map_coordinates(
        t[0, ..., 0], np.random.default_rng(7).uniform(-1.2, 5.3, (2, 6)), 1, "constant", 0.4),
    "map_coordinates_mirror_3d": lambda t: ops_image.map_coordinates(
        t[0], np.random.default_rng(8).uniform(-1.2, 5.3, (3, 2, 3)), 1, "mirror"),
    "perspective_transform": lambda t: ops_image.perspective_transform(t, STARTS * 0.7,
                                                                       MOVED * 0.7, fill_value=1),
    "elastic_transform": lambda t: ops_image.elastic_transform(t, 1.0, 1.0, seed=9),
    "scale_and_translate": lambda t: ops_image.scale_and_translate(
        t, (2, 3, 5, 3), [0.7, 1.3], [0.2, -0.1], (1, 2), "cubic"),
    "extract_patches_3d": lambda t: ops_image.extract_patches_3d(t[..., None], (1, 2, 2),
                                                                 strides=1),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients(name):
    gradcheck(lambda t: GRADIENT_CASES[name](t) ** 2, [images((2, 4, 4, 3), seed=10)])


def test_ssim_gradient_flows_to_both_images():
    x, y = images((2, 4, 4, 2), seed=11), images((2, 4, 4, 2), seed=12)
    gradcheck(lambda a, b: ops_image.ssim(a, b, filter_size=3, filter_sigma=0.9), [x, y])


# --- op errors ------------------------------------------------------------------------------------

OP_ERRORS = [
    (lambda: ops_image.map_coordinates(images((4, 5)), np.zeros((3, 2)), 1),
     r"map_coordinates: expected coordinates of shape \(2, \.\.\.\) .* received shape \(3, 2\)"),
    (lambda: ops_image.map_coordinates(images((4, 5)), np.zeros(2), 1),
     r"map_coordinates: expected coordinates .* received shape \(2,\)"),
    (lambda: ops_image.map_coordinates(images((4, 5)), np.zeros((2, 2)), 3),
     r"map_coordinates: order must be 0 \(nearest\) or 1 \(linear\), received order=3"),
    (lambda: ops_image.map_coordinates(images((4, 5)), np.zeros((2, 2)), 1, "edge"),
     r"map_coordinates: invalid fill_mode='edge'; expected one of 'constant', .* 'mirror'"),
    (lambda: ops_image.perspective_transform(images(), np.zeros((4, 3)), np.zeros((4, 3))),
     r"perspective_transform: expected start_points of shape \(4, 2\) or \(batch, 4, 2\)"),
    (lambda: ops_image.perspective_transform(images(), CORNERS, MOVED),
     r"perspective_transform: start_points and end_points must have the same shape"),
    (lambda: ops_image.perspective_transform(images(), np.zeros((3, 4, 2)), np.zeros((3, 4, 2))),
     r"perspective_transform: expected one set of points or 2 \(one per image\), received 3"),
    (lambda: ops_image.perspective_transform(images(), np.zeros((4, 2)), CORNERS),
     r"perspective_transform: the points do not define a perspective transform"),
    (lambda: ops_image.perspective_transform(images(), CORNERS, CORNERS, "cubic"),
     r"perspective_transform: invalid interpolation='cubic'"),
    (lambda: ops_image.elastic_transform(images(), sigma=0), r"elastic_transform: sigma must "
                                                             r"be a number > 0, received sigma=0"),
    (lambda: ops_image.elastic_transform(images(), alpha=-1.0), r"elastic_transform: alpha"),
    (lambda: ops_image.elastic_transform(images(), fill_mode="edge"),
     r"elastic_transform: invalid fill_mode='edge'"),
    (lambda: ops_image.scale_and_translate(images(), (2, 3, 3, 3), [1, 1], [0, 0], (1, 2),
                                           "area"),
     r"scale_and_translate: invalid method='area'; expected one of 'linear'"),
    (lambda: ops_image.scale_and_translate(images(), (2, 3, 3, 3), [1], [0, 0], (1, 2),
                                           "linear"),
     r"scale_and_translate: expected one nonzero scale and one translation per spatial dim"),
    (lambda: ops_image.scale_and_translate(images(), (2, 3, 3, 4), [1, 1], [0, 0], (1, 2),
                                           "linear"),
     r"scale_and_translate: output_shape must .* received output_shape=\(2, 3, 3, 4\)"),
    (lambda: ops_image.scale_and_translate(images(), (2, 3, 3, 3), [1, 1], [0, 0], (1, 5),
                                           "linear"),
     r"scale_and_translate: spatial_dims must be axes of the images \(rank 4\)"),
    (lambda: ops_image.ssim(images(), images((2, 5, 6, 1))),
     r"ssim: expected image1 and image2 of the same shape"),
    (lambda: ops_image.ssim(images(), images()), r"ssim: filter_size must be an int in "
                                                 r"\[1, 5\] .* received filter_size=11"),
    (lambda: ops_image.ssim(images(), images(), filter_size=3, filter_sigma=-1),
     r"ssim: filter_sigma must be a positive number"),
    (lambda: ops_image.extract_patches_3d(images((2, 4, 4, 4, 1)), (2, 2)),
     r"extract_patches_3d: size must be an int or a tuple of 3 ints"),
    (lambda: ops_image.extract_patches_3d(images((4, 4, 4)), 2),
     r"extract_patches_3d: expected images of rank 4"),
]


@pytest.mark.parametrize("call, message", OP_ERRORS)
def test_op_errors_name_the_op_and_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the layers with given parameters, against Keras ----------------------------------------------

BYTES = images(seed=13, scale=255.0)


def oracle(real_keras, layer):
    """The Keras layer of the same config."""
    config = {key: value for key, value in layer.get_config().items()
              if key not in ("name", "trainable", "dtype")}
    return getattr(real_keras.layers, type(layer).__name__).from_config(config)


def test_random_shear_with_fixed_shears_matches_keras_either_way(real_keras):
    for x_factor, y_factor in [((0.3, 0.3), (0.2, 0.2)), (0.0, (0.4, 0.4))]:
        layer = RandomShear(x_factor, y_factor, fill_mode="constant", fill_value=9.0)
        keras_layer = real_keras.layers.RandomShear((0.1, 0.1), fill_mode="constant",
                                                    fill_value=9.0)
        shears = np.array([np.ravel(x_factor)[0], np.ravel(y_factor)[0]], np.float32)
        turned = [np.asarray(keras_layer.transform_images(
            BYTES, {"shear_factor": np.stack([sign * shears] * 2)})) for sign in (1, -1)]
        signs = set()
        for seed in range(6):
            out = RandomShear.from_config({**layer.get_config(), "seed": seed})(BYTES).data
            for i in range(2):
                errors = [np.abs(expected[i] - out[i]).max() for expected in turned]
                assert min(errors) <= 1e-3
                signs.add(int(np.argmin(errors)))
        assert signs == {0, 1}                                  # both directions drawn


def test_random_perspective_with_given_corners_matches_keras(real_keras):
    layer = RandomPerspective(interpolation="nearest", fill_value=3.0)
    draw = {"apply_perspective": np.array([True, False]),
            "start_points": STARTS, "end_points": MOVED}
    expected = oracle(real_keras, layer).transform_images(BYTES, {**draw,
                                                                  "input_shape": BYTES.shape})
    out = layer._apply(Tensor(BYTES), draw)
    close(out, expected, 255)
    np.testing.assert_array_equal(out.data[1], BYTES[1])
    drawn = RandomPerspective(scale=0.4, seed=0)._draw(BYTES, np.random.default_rng(0))
    start, end = drawn["start_points"], drawn["end_points"]         # end = start (1 + u)
    moved = start != 0
    assert np.all(np.abs(end[moved] / start[moved] - 1) <= 0.2) and np.all(end[~moved] == 0)


def test_random_erasing_with_given_boxes_matches_keras(real_keras):
    layer = RandomErasing(fill_value=[10.0, 300.0, -5.0])
    masks = np.zeros((2, 5, 6, 1), bool)
    masks[0, 1:4, 2:5] = masks[1, 0:2, 0:6] = True
    draw = {"apply_erasing": np.array([True, True]), "batch_masks": masks,
            "fill_value": np.broadcast_to(np.clip([10.0, 300.0, -5.0], 0, 255), BYTES.shape)}
    keras_draw = {**draw, "batch_masks": np.repeat(masks, 3, axis=-1)}
    expected = oracle(real_keras, layer).transform_images(BYTES, keras_draw)
    close(layer._apply(Tensor(BYTES), draw), expected, 255)


def test_random_erasing_fills_one_box_per_image():
    out = RandomErasing(factor=(1, 1), scale=(0.3, 0.6), fill_value=7.0, seed=1)(BYTES).data
    for image, original in zip(out, BYTES):
        erased = np.all(image == 7.0, axis=-1)
        rows, cols = np.nonzero(erased)
        assert erased.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1) > 0       # a box
        np.testing.assert_array_equal(image[~erased], original[~erased])
    noisy = RandomErasing(factor=(1, 1), value_range=(0, 1), seed=2)(BYTES / 255).data
    assert noisy.min() >= 0 and noisy.max() <= 1


def test_random_elastic_transform_with_given_distortion_is_elastic_transform():
    layer = RandomElasticTransform(fill_mode="constant", fill_value=500.0)
    draw = {"apply_transform": np.array([True, False]), "distortion_factor": 0.6, "seed": 5}
    out = layer._apply(Tensor(BYTES), draw)
    # alpha = 0.1 d max(height, width), sigma = 0.05 d min(height, width), clipped (Keras)
    warped = ops_image.elastic_transform(BYTES, 0.1 * 0.6 * 6, 0.05 * 0.6 * 5,
                                         fill_mode="constant", fill_value=500.0, seed=5)
    close(out.data[0], np.clip(warped.data[0], 0, 255), 255)
    np.testing.assert_array_equal(out.data[1], BYTES[1])
    close(RandomElasticTransform(scale=0.0)(BYTES), BYTES)


def test_mix_up_with_given_weights_matches_keras(real_keras):
    x = images((3, 5, 6, 3), seed=14, scale=255.0)
    labels = np.eye(4, dtype=np.float32)[[0, 3, 1]]
    draw = {"mix_weight": np.array([0.9, 0.25, 0.6], np.float32),
            "permutation_order": np.array([2, 0, 1])}
    layer = MixUp()
    keras_layer = oracle(real_keras, layer)
    close(layer._apply(Tensor(x), draw), keras_layer.transform_images(x, draw), 255)
    close(layer._mix_labels(Tensor(labels), draw), keras_layer.transform_labels(labels, draw))


def test_cut_mix_with_given_boxes_matches_keras(real_keras):
    x = images((3, 5, 6, 3), seed=15, scale=255.0)
    labels = np.eye(4, dtype=np.float32)[[0, 3, 1]]
    masks = np.zeros((3, 5, 6, 1), bool)
    masks[0, 1:3, 1:5] = masks[1, 2:5, 0:2] = True
    draw = {"permutation_order": np.array([1, 2, 0]), "batch_masks": masks,
            "mix_weight": np.array([1 - 8 / 30, 1 - 6 / 30, 1.0])}
    layer = CutMix()
    keras_layer = oracle(real_keras, layer)
    keras_draw = {**draw, "batch_masks": np.repeat(masks, 3, axis=-1)}
    close(layer._apply(Tensor(x), draw), keras_layer.transform_images(x, keras_draw), 255)
    close(layer._mix_labels(Tensor(labels), draw), keras_layer.transform_labels(labels, draw))


# --- MixUp and CutMix on dicts of images and labels -----------------------------------------------

def _partners(labels):
    """(w, partner) of each mixed label row w e_i + (1 - w) e_partner (identity rows: 1, i)."""
    weights = np.diag(labels)
    others = labels - np.diag(weights)
    return weights, np.where(weights < 1, others.argmax(axis=1), np.arange(len(labels)))


def test_mix_up_mixes_images_and_labels_with_the_same_weights():
    x = images((4, 5, 6, 3), seed=16, scale=255.0)
    out = MixUp(alpha=0.8, seed=3)({"images": x, "labels": np.eye(4, dtype=np.int64)})
    assert set(out) == {"images", "labels"} and out["labels"].dtype == np.float32
    weights, partners = _partners(out["labels"].data)
    assert np.any(weights < 1)
    expected = weights[:, None, None, None] * x + (1 - weights[:, None, None, None]) * x[partners]
    close(out["images"], expected, 255)
    np.testing.assert_allclose(out["labels"].data.sum(axis=1), 1, rtol=1e-6)


def test_cut_mix_pastes_a_box_and_weighs_labels_by_its_area():
    x = images((4, 6, 8, 3), seed=17, scale=255.0)
    out = CutMix(seed=4)({"images": x, "labels": np.eye(4, dtype=np.float32)})
    weights, partners = _partners(out["labels"].data)
    mixed = 0
    for image, original, partner, weight in zip(out["images"].data, x, partners, weights):
        pasted = np.any(image != original, axis=-1)
        np.testing.assert_array_equal(image[pasted], x[partner][pasted])
        if weight < 1 and pasted.any():
            mixed += 1
            rows, cols = np.nonzero(pasted)
            height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
            assert pasted.sum() == height * width                          # a box
            # the box's real sides (x1 - x0, y1 - y0) lie within 1 pixel of those it covers
            area = (1 - weight) * 48
            assert (height - 1) * (width - 1) <= area <= (height + 1) * (width + 1)
    assert mixed > 0


def test_mixing_layers_leave_labels_in_inference_and_single_images():
    x, labels = images((3, 4, 4, 3)), np.eye(3, dtype=np.float32)
    for layer in (MixUp(seed=0), CutMix(seed=0)):
        out = layer({"images": x, "labels": labels}, training=False)
        np.testing.assert_array_equal(out["images"].data, x)
        np.testing.assert_array_equal(out["labels"].data, labels)
        one = layer({"images": x[0], "labels": labels[0]})
        np.testing.assert_array_equal(one["images"].data, x[0])
        np.testing.assert_array_equal(one["labels"].data, labels[0])
        with pytest.raises(ValueError, match=r"takes images or a dict with the keys 'images' "
                                             r"and \(optional\) 'labels', received a dict with "
                                             r"the keys \['bounding_boxes', 'images'\]"):
            layer({"images": x, "bounding_boxes": x})
        with pytest.raises(ValueError, match=r"expects labels with one row per image \(3\), "
                                             r"received labels of shape \(2, 3\)"):
            layer({"images": x, "labels": labels[:2]})


# --- RandAugment and AugMix compose the other layers ----------------------------------------------

def _candidates(x, layers):
    """x, and what each layer (of strength 0: deterministic) makes of it; those layers
    are compared with Keras in test_image_color."""
    return [x] + [layer(x, training=True).data for layer in layers]


FACTOR_ZERO = [RandomPosterization((1, 1)), Solarization(), AutoContrast(), Equalization()]


def test_rand_augment_of_strength_zero_applies_one_of_its_layers():
    x = BYTES[:1]
    candidates = _candidates(x, FACTOR_ZERO + [RandomSharpness((0.0, 0.0))])
    chosen = set()
    for seed in range(12):
        out = RandAugment(num_ops=1, factor=0.0, seed=seed)(x).data
        errors = [np.abs(out - candidate).max() for candidate in candidates]
        assert min(errors) <= 1e-3
        chosen.add(int(np.argmin(errors)))
    assert len(chosen) >= 3
    close(RandAugment(num_ops=0, seed=0)(x), x)


def test_aug_mix_blends_the_image_with_its_chains():
    x = BYTES[:1]
    candidates = _candidates(x, FACTOR_ZERO)
    chosen = set()
    for seed in range(10):
        layer = AugMix(num_chains=1, chain_depth=1, factor=0.0, all_ops=False, seed=seed)
        change = (layer(x).data - x).ravel()
        # m x + (1 - m) c: the change is a fraction 1 - m of c - x, for one candidate c
        fits = []
        for candidate in candidates[1:]:
            step = (candidate - x).ravel()
            share = change @ step / (step @ step)
            fits.append(np.abs(change - share * step).max() if 0 <= share <= 1 else np.inf)
        if np.abs(change).max() > 1e-3:
            assert min(fits) <= 1e-2
            chosen.add(int(np.argmin(fits)))
    assert len(chosen) >= 2
    close(AugMix(chain_depth=0, seed=1)(BYTES), BYTES, 255)      # no step: the images


# --- every layer: training, inference, seeds, layouts, configs, dtypes ---------------------------

LAYERS = [
    (RandomShear, {"x_factor": 0.3, "y_factor": (0.1, 0.2)}),
    (RandomPerspective, {"scale": 0.6}),
    (RandomErasing, {"factor": (0.9, 1.0), "scale": (0.3, 0.5)}),
    (RandomElasticTransform, {"scale": (0.5, 1.0), "fill_mode": "mirror"}),
    (MixUp, {"alpha": 0.5}),
    (CutMix, {"factor": 0.8}),
    (RandAugment, {"num_ops": 3, "factor": 0.7}),
    (AugMix, {"factor": 0.5, "num_chains": 2}),
]
IDS = [cls.__name__ for cls, _ in LAYERS]


@pytest.mark.parametrize("cls, kwargs", LAYERS, ids=IDS)
def test_layers_in_training_and_inference(cls, kwargs):
    x = images((4, 6, 7, 3), seed=18, scale=255.0).astype(np.uint8)
    layer = cls(**kwargs, seed=2)
    out = layer(x)                                    # no flag: training, as in Keras
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.data.min() >= 0 and out.data.max() <= 255
    assert not np.allclose(out.data, x)
    same = layer(x, training=False)
    assert same.dtype == np.float32
    np.testing.assert_array_equal(same.data, x.astype(np.float32))
    inputs = keras.Input((6, 7, 3))
    model = keras.Model(inputs, cls(**kwargs)(inputs))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.astype(np.float32))


@pytest.mark.parametrize("cls, kwargs", LAYERS, ids=IDS)
def test_seeds_layouts_and_configs(cls, kwargs):
    x = images((4, 6, 7, 3), seed=19, scale=255.0)
    first = cls(**kwargs, seed=7)
    again = cls.from_config(first.get_config())
    assert again.get_config() == first.get_config()
    out = first(x).data
    np.testing.assert_array_equal(again(x).data, out)
    flipped = cls(**kwargs, seed=7, data_format="channels_first")(to_first(x)).data
    close(flipped, to_first(out), 255)
    assert cls(**kwargs, seed=7)(x[0]).shape == x[0].shape
    backend.set_random_seed(5)
    unseeded = cls(**kwargs)(x).data
    backend.set_random_seed(5)
    np.testing.assert_array_equal(cls(**kwargs)(x).data, unseeded)


@pytest.mark.parametrize("cls, kwargs", LAYERS, ids=IDS)
def test_config_keys_match_keras(real_keras, cls, kwargs):
    assert set(cls(**kwargs).get_config()) == set(
        getattr(real_keras.layers, cls.__name__)(**kwargs).get_config())


def test_differentiable_layers_pass_gradients():
    x = images((3, 4, 5, 2), seed=20, scale=200.0) + 20
    wide = (-1e4, 1e4)
    for make in [lambda: RandomPerspective(factor=(1, 1), seed=0, dtype="float64"),
                 lambda: RandomErasing(factor=(1, 1), fill_value=3.0, seed=0, dtype="float64"),
                 lambda: RandomElasticTransform(value_range=wide, seed=0, dtype="float64"),
                 lambda: MixUp(seed=1, dtype="float64"),
                 lambda: CutMix(seed=1, dtype="float64")]:
        gradcheck(lambda t: make()(t) ** 2, [x])


BAD_ARGUMENTS = [
    (lambda: RandomShear(x_factor=-0.2), r"RandomShear: x_factor must be a number or a pair "
                                         r"of numbers in \[0.0, 1.0\], received x_factor=-0.2"),
    (lambda: RandomShear(y_factor=(0.1, 1.5)), r"RandomShear: y_factor"),
    (lambda: RandomShear(fill_mode="mirror"), r"RandomShear: invalid fill_mode='mirror'"),
    (lambda: RandomPerspective(scale=2), r"RandomPerspective: scale must be a number in "
                                         r"\[0, 1\], received scale=2"),
    (lambda: RandomPerspective(factor=(0.2, 3)), r"RandomPerspective: factor"),
    (lambda: RandomPerspective(interpolation="area"), r"RandomPerspective: invalid "
                                                      r"interpolation='area'"),
    (lambda: RandomErasing(scale=(0.1, 2)), r"RandomErasing: scale"),
    (lambda: RandomErasing(fill_value="black"), r"RandomErasing: fill_value must be None, a "
                                                r"number or one number per channel"),
    (lambda: RandomErasing(value_range=(1, 1)), r"RandomErasing: value_range"),
    (lambda: RandomElasticTransform(fill_mode="edge"), r"RandomElasticTransform: invalid "
                                                       r"fill_mode='edge'"),
    (lambda: RandomElasticTransform(scale=-1), r"RandomElasticTransform: scale"),
    (lambda: MixUp(alpha=0), r"MixUp: alpha must be a number > 0, received alpha=0"),
    (lambda: CutMix(factor=1.5), r"CutMix: factor"),
    (lambda: RandAugment(num_ops=-1), r"RandAugment: num_ops must be an int >= 0"),
    (lambda: RandAugment(factor=2), r"RandAugment: factor"),
    (lambda: RandAugment(interpolation="cubic"), r"RandAugment: invalid interpolation"),
    (lambda: AugMix(num_chains=0), r"AugMix: num_chains must be an int >= 1"),
    (lambda: AugMix(chain_depth=1.5), r"AugMix: chain_depth must be an int >= 0"),
    (lambda: AugMix(alpha=-1), r"AugMix: alpha must be a number > 0"),
    (lambda: AugMix(value_range=(5,)), r"AugMix: value_range"),
    (lambda: MixUp(data_format="nhwc"), r"MixUp: expected one of"),
]


@pytest.mark.parametrize("make, message", BAD_ARGUMENTS)
def test_bad_arguments_name_the_layer_and_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_layer_errors_at_call_time():
    with pytest.raises(ValueError, match=r"\(RandomErasing\) has 3 fill values for images of "
                                         r"2 channels"):
        RandomErasing(fill_value=[1, 2, 3])(images((2, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"\(RandomShear\) expects images of rank 3 or 4"):
        RandomShear(0.2)(images((2, 4, 4, 3, 1)))
