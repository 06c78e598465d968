"""ImageDataGenerator: random augmentation and normalization of images (tf.keras 2 semantics).

    datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=20, horizontal_flip=True,
                                 validation_split=0.2)
    model.fit(datagen.flow(x, y, subset="training"),
              validation_data=datagen.flow(x, y, subset="validation"))

Each sample is first transformed at random (`random_transform`: rotation, shifts, shear,
zoom, channel shift, flips, brightness), then normalized (`standardize`: the
preprocessing function, rescale, then the samplewise and featurewise statistics).
"""
import numbers
import warnings

import numpy as np

from ... import backend
from ...backend import check_choice, standardize_data_format
from ...ops.image import FILL_MODES
from .affine import apply_affine_transform, apply_brightness_shift, apply_channel_shift
from .directory_iterator import DirectoryIterator
from .iterator import NumpyArrayIterator

_STD_EPSILON = 1e-6      # added to standard deviations before dividing (Keras' value)


class ImageDataGenerator:
    """Generates batches of images with real-time augmentation (tf.keras 2 semantics).

    Args:
        featurewise_center: subtract the per-channel mean of the data given to `fit`.
        samplewise_center: subtract each sample's mean.
        featurewise_std_normalization: divide by the per-channel std of the `fit` data
            (turns on featurewise_center).
        samplewise_std_normalization: divide each sample by its std (turns on
            samplewise_center).
        zca_whitening: apply the ZCA whitening matrix of the `fit` data (turns on
            featurewise_center, turns off featurewise_std_normalization).
        zca_epsilon: added to the singular values in ZCA whitening.
        rotation_range: degrees; the rotation is drawn from U(-range, range).
        width_shift_range, height_shift_range: a float (a fraction of the width/height when
            below 1, else pixels; drawn from U(-range, range)), an int (whole pixels from
            -(range - 1) .. range - 1), or a list of values (one picked, random sign).
        brightness_range: (low, high): the brightness factor is drawn from U(low, high).
        shear_range: shear angle in degrees, drawn from U(-range, range).
        zoom_range: a float z for [1 - z, 1 + z] or a (low, high) pair; the zooms along
            the width and the height are drawn independently (above 1 zooms out).
        channel_shift_range: a value drawn from U(-range, range) is added to the channels.
        fill_mode: 'constant', 'nearest', 'reflect' or 'wrap': how points outside the
            image are filled; cval: the value for 'constant'.
        horizontal_flip, vertical_flip: flip half the samples left-right / upside down.
        rescale: multiply the data by this value (after preprocessing_function, before
            the statistics); None or 0 for none.
        preprocessing_function: called on each image (rank 3) first in `standardize`.
        data_format: 'channels_last' or 'channels_first' (None: `backend.image_data_format()`).
        validation_split: fraction of the data kept for `subset='validation'` in `flow`
            and `flow_from_directory`.
        interpolation_order: 1 (bilinear, default) or 0 (nearest) for the affine warp.
        dtype: the dtype of the generated arrays (floatx() by default).

    Unlike tf.keras 2, width_shift_range moves the image horizontally and
    height_shift_range vertically, as documented (tf.keras 2 swaps them,
    keras-team/keras#17398), and non-square images turn about their true centre.
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):
        name = "ImageDataGenerator"
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = _check_range(rotation_range, "rotation_range")
        self.width_shift_range = _check_shift_range(width_shift_range, "width_shift_range")
        self.height_shift_range = _check_shift_range(height_shift_range, "height_shift_range")
        self.shear_range = _check_range(shear_range, "shear_range")
        self.channel_shift_range = _check_range(channel_shift_range, "channel_shift_range")
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError(f"{name}: preprocessing_function must be callable or None, "
                            f"received {preprocessing_function!r}")
        self.preprocessing_function = preprocessing_function
        self.interpolation_order = check_choice(name, "interpolation_order",
                                                interpolation_order, (0, 1))
        self.dtype = np.dtype(dtype or backend.floatx()).name
        self.data_format = standardize_data_format(data_format, name)
        if self.data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"{name}: validation_split must be strictly between 0 and 1, "
                             f"received {validation_split!r}")
        self._validation_split = validation_split
        self.zoom_range = _zoom_bounds(zoom_range)
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError(f"{name}: brightness_range must be None or a (low, high) pair of "
                             f"floats, received {brightness_range!r}")
        self.brightness_range = brightness_range
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None

        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn(f"{name}: zca_whitening overrides featurewise_center "
                              "(set to True)", stacklevel=2)
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn(f"{name}: zca_whitening overrides featurewise_std_normalization "
                              "(set to False)", stacklevel=2)
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn(f"{name}: featurewise_std_normalization overrides featurewise_center "
                          "(set to True)", stacklevel=2)
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn(f"{name}: samplewise_std_normalization overrides samplewise_center "
                          "(set to True)", stacklevel=2)

    # --- iterators -----------------------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """A NumpyArrayIterator of augmented, normalized batches `(x, y)` from arrays."""
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format, ignore_class_split=ignore_class_split,
            subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """A DirectoryIterator of augmented, normalized batches from `directory/<class>/...`."""
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, batch_size=batch_size, shuffle=shuffle, seed=seed,
            data_format=self.data_format, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, follow_links=follow_links, subset=subset,
            interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype)

    # --- normalization -------------------------------------------------------------------------
    def standardize(self, x):
        """Normalize an image (rank 3) or a batch (rank 4), in place for float arrays.

        Order: preprocessing_function, rescale, samplewise center and std (over each
        sample), featurewise center and std, ZCA whitening. Returns the normalized array.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):
            x = np.array(x, dtype=self.dtype)
        if self.rescale:
            x *= self.rescale
        sample_axes = tuple(range(1, x.ndim)) if x.ndim == 4 else None
        if self.samplewise_center:
            x -= np.mean(x, axis=sample_axes, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, axis=sample_axes, keepdims=True) + _STD_EPSILON
        if self.featurewise_center:
            if self.mean is None:
                _warn_not_fit("featurewise_center")
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                _warn_not_fit("featurewise_std_normalization")
            else:
                x /= self.std + _STD_EPSILON
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                _warn_not_fit("zca_whitening")
            else:
                flat = x.reshape(-1, np.prod(x.shape[-3:]))
                x = (flat @ self.zca_whitening_matrix).reshape(x.shape)
        return x

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the featurewise statistics (mean, std, ZCA matrix) of the images `x`.

        x: rank 4. `rescale` is applied first; with `augment`, the statistics are taken
        over `rounds` randomly transformed copies of the data.
        """
        x = np.array(x, dtype=self.dtype)          # a copy: the caller's data stays as it is
        if x.ndim != 4:
            raise ValueError(f"ImageDataGenerator.fit: expected x of rank 4, received shape "
                             f"{x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f"ImageDataGenerator.fit: data_format={self.data_format!r} expects "
                          f"1, 3 or 4 channels on axis {self.channel_axis}, but x has shape "
                          f"{x.shape}", stacklevel=2)
        if self.rescale:
            x *= self.rescale
        if augment:
            rng = _generator(seed)
            x = np.stack([self.apply_transform(image, self._draw_transform(image.shape, rng))
                          for _ in range(rounds) for image in x]).astype(self.dtype, copy=False)
        axes = (0, self.row_axis, self.col_axis)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=axes).reshape(shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=axes).reshape(shape)
            x /= self.std + _STD_EPSILON
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            # W = U diag(1 / sqrt(eigenvalues of the covariance)) U^T, eigenvalues = s^2 / n
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))) @ u.T

    # --- random transforms ---------------------------------------------------------------------
    def get_random_transform(self, img_shape, seed=None):
        """Random parameters for `apply_transform`, for an image of shape `img_shape`.

        seed: an int makes the draw reproducible; None draws from `backend.rng()`.
        Keys: theta, tx, ty, shear, zx, zy, flip_horizontal, flip_vertical,
        channel_shift_intensity, brightness.
        """
        return self._draw_transform(img_shape, _generator(seed))

    def _draw_transform(self, img_shape, rng):
        height, width = img_shape[self.row_axis - 1], img_shape[self.col_axis - 1]
        theta = rng.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _draw_shift(self.width_shift_range, width, rng)
        ty = _draw_shift(self.height_shift_range, height, rng)
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2).tolist()
        flip_horizontal = bool(self.horizontal_flip) and rng.random() < 0.5
        flip_vertical = bool(self.vertical_flip) and rng.random() < 0.5
        channel_shift_intensity = None
        if self.channel_shift_range:
            channel_shift_intensity = rng.uniform(-self.channel_shift_range,
                                                  self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """Transform one image `x` (rank 3) with the given parameters (missing keys: none).

        theta: rotation in degrees (counter-clockwise); tx, ty: shifts in pixels along the
        width and the height; shear: degrees; zx, zy: zoom along the width and the height;
        flip_horizontal, flip_vertical; channel_shift_intensity; brightness. Order: affine
        warp, channel shift, horizontal flip, vertical flip, brightness.
        """
        params = transform_parameters
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1      # axes of one image
        channel_axis = self.channel_axis - 1
        x = apply_affine_transform(
            x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0),
            params.get("shear", 0), params.get("zx", 1), params.get("zy", 1),
            row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
            fill_mode=self.fill_mode, cval=self.cval, order=self.interpolation_order)
        if params.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, params["channel_shift_intensity"], channel_axis)
        if params.get("flip_horizontal", False):
            x = np.flip(x, col_axis)
        if params.get("flip_vertical", False):
            x = np.flip(x, row_axis)
        if params.get("brightness") is not None:
            x = apply_brightness_shift(x, params["brightness"], scale=False)
        return x

    def random_transform(self, x, seed=None):
        """`x` (one image, rank 3) randomly transformed; seed as in get_random_transform."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))


def _generator(seed):
    return backend.rng() if seed is None else np.random.default_rng(seed)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_range(value, name):
    if not _is_number(value) or value < 0:
        raise ValueError(f"ImageDataGenerator: {name} must be a number >= 0, received {value!r}")
    return value


def _check_shift_range(value, name):
    """A float, an int, or a non-empty 1-D list of numbers (Keras' three forms)."""
    if _is_number(value):
        return _check_range(value, name)
    values = np.asarray(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    if values is None or values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iuf":
        raise ValueError(f"ImageDataGenerator: {name} must be a float, an int or a 1-D list of "
                         f"numbers, received {value!r}")
    return value


def _draw_shift(shift_range, size, rng):
    """A shift in pixels: U(-r, r) for a float r; for an int r or a list, a value of
    range(r) or of the list with a random sign. Values below 1 are fractions of `size`."""
    if not np.any(shift_range):
        return 0
    if isinstance(shift_range, numbers.Integral):
        shift = rng.integers(shift_range) * rng.choice([-1, 1])
    elif _is_number(shift_range):
        shift = rng.uniform(-shift_range, shift_range)
    else:
        shift = rng.choice(np.asarray(shift_range)) * rng.choice([-1, 1])
    if np.max(shift_range) < 1:
        shift = shift * size
    return shift.item() if isinstance(shift, np.generic) else shift


def _zoom_bounds(zoom_range):
    if _is_number(zoom_range):
        return [1 - zoom_range, 1 + zoom_range]
    if (isinstance(zoom_range, (tuple, list)) and len(zoom_range) == 2
            and all(_is_number(z) for z in zoom_range)):
        return [zoom_range[0], zoom_range[1]]
    raise ValueError(f"ImageDataGenerator: zoom_range must be a float or a (low, high) pair of "
                     f"floats, received {zoom_range!r}")


def _warn_not_fit(option):
    warnings.warn(f"ImageDataGenerator specifies {option}, but it has not been fit on any "
                  "training data: call .fit(x) first", stacklevel=3)
