"""keras.preprocessing.image's random transforms: each draws its parameters from NumPy's
global generator in Keras' order and applies the deterministic transform with them."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.preprocessing.image import (apply_affine_transform, apply_brightness_shift,
                                          apply_channel_shift, random_brightness,
                                          random_channel_shift, random_rotation, random_shear,
                                          random_shift, random_zoom)

IMAGE = np.random.default_rng(0).uniform(0, 255, (3, 12, 9)).astype("float32")  # channels first


def drawn(seed, *draws):
    """The values np.random.uniform gives for `draws` ((low, high) or (low, high, size))
    after np.random.seed(seed), in turn."""
    np.random.seed(seed)
    return [np.random.uniform(*draw) for draw in draws]


def test_each_applies_its_transform_with_the_values_drawn_in_keras_order():
    np.random.seed(1)
    out = random_rotation(IMAGE, 40)
    theta, = drawn(1, (-40, 40))
    np.testing.assert_array_equal(out, apply_affine_transform(IMAGE, theta=theta))

    np.random.seed(2)
    out = random_shift(IMAGE, 0.2, 0.3, fill_mode="constant")
    height_draw, width_draw = drawn(2, (-0.3, 0.3), (-0.2, 0.2))   # the height's first
    np.testing.assert_array_equal(out, apply_affine_transform(
        IMAGE, tx=width_draw * 9, ty=height_draw * 12, fill_mode="constant"))

    np.random.seed(3)
    out = random_shear(IMAGE, 25, interpolation_order=0)
    shear, = drawn(3, (-25, 25))
    np.testing.assert_array_equal(out, apply_affine_transform(IMAGE, shear=shear, order=0))

    np.random.seed(4)
    out = random_zoom(IMAGE, (0.7, 1.3))
    (zx, zy), = drawn(4, (0.7, 1.3, 2))
    np.testing.assert_array_equal(out, apply_affine_transform(IMAGE, zx=zx, zy=zy))

    np.random.seed(5)
    out = random_channel_shift(IMAGE, 30)
    intensity, = drawn(5, (-30, 30))
    np.testing.assert_array_equal(out, apply_channel_shift(IMAGE, intensity))

    np.random.seed(6)
    out = random_brightness(IMAGE, (0.5, 1.5), scale=False)
    brightness, = drawn(6, (0.5, 1.5))
    np.testing.assert_array_equal(out, apply_brightness_shift(IMAGE, brightness, scale=False))


def test_shift_ranges_move_along_their_own_axes():
    image = np.zeros((11, 11, 1), "float32")                        # channels last
    image[5, 5] = 1
    for wrg, hrg, moved_axis in ((0.4, 0.0, 1), (0.0, 0.4, 0)):
        np.random.seed(0)
        out = random_shift(image, wrg, hrg, row_axis=0, col_axis=1, channel_axis=2,
                           fill_mode="constant")
        rows, cols = np.nonzero(out[..., 0] > 1e-6)
        kept = rows if moved_axis == 1 else cols
        assert set(kept.tolist()) == {5}                            # the other axis stays
        assert set((cols if moved_axis == 1 else rows).tolist()) != {5}


def test_zoom_of_one_leaves_the_image_without_a_draw():
    np.random.seed(7)
    out = random_zoom(IMAGE, (1, 1))
    assert out is IMAGE or np.array_equal(out, IMAGE)
    assert np.random.uniform() == drawn(7, (0, 1))[0]               # nothing was drawn


def test_set_random_seed_makes_them_repeatable():
    keras.utils.set_random_seed(9)
    first = random_rotation(IMAGE, 90)
    keras.utils.set_random_seed(9)
    np.testing.assert_array_equal(random_rotation(IMAGE, 90), first)


@pytest.mark.parametrize("function, argument", [(random_zoom, "zoom_range"),
                                                (random_brightness, "brightness_range")])
def test_ranges_must_be_pairs(function, argument):
    with pytest.raises(ValueError, match=rf"{function.__name__}: expected `{argument}` as a "
                                         r"tuple or list of two floats, received \(0\.5,\)"):
        function(IMAGE, (0.5,))
