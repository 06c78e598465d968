"""keras.ops.image.resize: every interpolation, antialias, crop/pad to the aspect ratio and
both layouts against Keras 3; the gradient against finite differences."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import ops
from neuronet.testing import gradcheck

IMAGES = np.random.default_rng(0).random((2, 7, 9, 3)).astype(np.float32)
CASES = [dict(size=(4, 5)), dict(size=(12, 5), interpolation="nearest"),
         dict(size=(3, 4), interpolation="bicubic", antialias=True),
         dict(size=(5, 5), crop_to_aspect_ratio=True),
         dict(size=(5, 5), pad_to_aspect_ratio=True, fill_value=0.5),
         dict(size=(6, 8), interpolation="lanczos3"), dict(size=(14, 4), interpolation="lanczos5"),
         dict(size=(4, 4), antialias=True)]


def test_resize_matches_keras(real_keras):
    for kwargs in CASES:
        mine = ops.image.resize(IMAGES, **kwargs).numpy()
        theirs = np.asarray(real_keras.ops.image.resize(IMAGES, **kwargs))
        assert mine.shape == theirs.shape and mine.dtype == np.float32
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6, err_msg=str(kwargs))
    single = IMAGES[0].transpose(2, 0, 1)
    np.testing.assert_allclose(
        ops.image.resize(single, (4, 5), data_format="channels_first").numpy(),
        np.asarray(real_keras.ops.image.resize(single, (4, 5), data_format="channels_first")),
        rtol=1e-5, atol=1e-6)


LAYER_CASES = [dict(interpolation="bicubic"), dict(interpolation="lanczos3", antialias=True),
               dict(pad_to_aspect_ratio=True, fill_value=0.25), dict(crop_to_aspect_ratio=True),
               dict(interpolation="nearest")]


@pytest.mark.parametrize("kwargs", LAYER_CASES)
def test_resizing_layer_matches_keras(real_keras, kwargs):
    mine = keras.layers.Resizing(5, 4, **kwargs)
    theirs = real_keras.layers.Resizing(5, 4, **kwargs)
    np.testing.assert_allclose(mine(IMAGES).numpy(), np.asarray(theirs(IMAGES)), rtol=1e-5,
                               atol=1e-6)
    config = mine.get_config()
    assert {key: config[key] for key in kwargs} == kwargs
    assert keras.layers.Resizing.from_config(config).get_config() == config


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos5"])
def test_upsampling_interpolations_match_keras(real_keras, interpolation):
    mine = keras.layers.UpSampling2D((2, 3), interpolation=interpolation)
    theirs = real_keras.layers.UpSampling2D((2, 3), interpolation=interpolation)
    np.testing.assert_allclose(mine(IMAGES).numpy(), np.asarray(theirs(IMAGES)), rtol=1e-5,
                               atol=1e-6)


def test_resizing_refuses_crop_and_pad_together():
    with pytest.raises(ValueError, match="only one of `crop_to_aspect_ratio` and "
                                         "`pad_to_aspect_ratio`"):
        keras.layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)


@pytest.mark.parametrize("kwargs", [dict(size=(4, 6)), dict(size=(9, 5), interpolation="bicubic",
                                                           antialias=True),
                                    dict(size=(3, 3), pad_to_aspect_ratio=True)])
def test_resize_gradient(float64, kwargs):
    gradcheck(lambda x: ops.image.resize(x, **kwargs), [IMAGES[:1, :5, :6, :2].astype(np.float64)])


def test_resize_in_a_model_and_errors(tmp_path):
    inputs = keras.Input((7, 9, 3))
    model = keras.Model(inputs, ops.image.resize(inputs, (4, 4), interpolation="nearest"))
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0),
                                  ops.image.resize(IMAGES, (4, 4), interpolation="nearest"))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(IMAGES, verbose=0),
                                  model.predict(IMAGES, verbose=0))
    with pytest.raises(ValueError, match="invalid interpolation='area'"):
        ops.image.resize(IMAGES, (2, 2), interpolation="area")
    with pytest.raises(ValueError, match="only one of `pad_to_aspect_ratio`"):
        ops.image.resize(IMAGES, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="expected size to be \\(height, width\\)"):
        ops.image.resize(IMAGES, (2, 0))


def test_integer_images_keep_their_type_rounded_as_keras(real_keras):
    images = (np.random.default_rng(1).random((2, 5, 7, 3)) * 255).astype(np.uint8)
    for kwargs in (dict(size=(3, 4)), dict(size=(8, 9), interpolation="bicubic")):
        mine = ops.image.resize(images, **kwargs).numpy()
        theirs = np.asarray(real_keras.ops.image.resize(images, **kwargs))
        assert mine.dtype == np.uint8
        # float32 sums that land next to a .5 may round apart by one
        np.testing.assert_allclose(mine.astype(int), theirs.astype(int), atol=1)
        assert np.mean(mine == theirs) > 0.95
