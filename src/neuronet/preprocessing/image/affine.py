"""tf.keras 2's transforms of one image array: apply_affine_transform, apply_channel_shift and
apply_brightness_shift (the warp itself is `neuronet.ops.image.warp`), and their random
versions random_rotation, random_shift, random_shear, random_zoom, random_channel_shift and
random_brightness."""
import numpy as np

from ... import backend
from ...ops.image import INTERPOLATIONS, affine_matrix, warp


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotate, shift, shear and zoom one image `x` (rank 3) about its centre (Keras' helper).

    theta, shear: degrees; tx, ty: shifts in pixels along the width and the height;
    zx, zy: zoom along the width and the height (see `neuronet.ops.image.affine_matrix`).
    row_axis, col_axis, channel_axis: the axes of `x` (channels first or last). order:
    0 (nearest) or 1 (bilinear) interpolation. Returns `x` unchanged when the transform is
    the identity. Unlike tf.keras 2 (scipy), 'constant' blends into cval over the last
    pixel and 'wrap' repeats with a period of the image size (see `neuronet.ops.image`).
    Axes, signs and composition are Keras 3's; the centre is that of each axis, where
    Keras takes both from the height (the same for square images).
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform: expected one image of rank 3, received "
                         f"shape {x.shape}")
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2] or channel_axis not in (0, 2):
        raise ValueError(f"apply_affine_transform: row_axis, col_axis, channel_axis must be "
                         f"distinct axes 0..2 with the channels first or last, received "
                         f"{(row_axis, col_axis, channel_axis)}")
    backend.check_choice("apply_affine_transform", "order", order, (0, 1))
    if theta == 0 and tx == 0 and ty == 0 and shear == 0 and zx == 1 and zy == 1:
        return x
    image = np.transpose(x, (row_axis, col_axis, channel_axis))[None]   # (1, h, w, c)
    matrix = affine_matrix(image.shape[1], image.shape[2], theta, tx, ty, shear, zx, zy)
    out = warp(image, matrix, fill_mode, cval, INTERPOLATIONS[order])[0]
    return np.transpose(out, np.argsort((row_axis, col_axis, channel_axis)))


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add `intensity` to every channel of `x`, clipped to the image's own min and max.

    channel_axis is accepted for Keras compatibility: every channel gets the same shift.
    """
    x = np.asarray(x)
    return np.clip(x + intensity, x.min(), x.max())


def apply_brightness_shift(x, brightness, scale=True):
    """Multiply the brightness of `x` by `brightness`, clipped to 0..255 (PIL's enhancer).

    Values are first stretched to 0..255 when `scale` is True or when they lie outside
    0..255; with `scale` False they are then mapped back to their original range.
    tf.keras 2 goes through an 8-bit PIL image here; this returns unrounded floats.
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(backend.floatx())
    low, high = x.min(), x.max()
    stretch = scale or low < 0 or high > 255
    if stretch:
        x = (x - low) * (255.0 / (high - low) if high > low else 0.0)
    x = np.clip(x * brightness, 0.0, 255.0)
    if stretch and not scale:
        x = x / 255.0 * (high - low) + low
    return x.astype(dtype, copy=False)


# --- random transforms: each draws its parameters from NumPy's global generator, as Keras
# does (keras.utils.set_random_seed seeds it), then applies the transform above ----------

def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotate `x` by an angle drawn uniformly from [-rg, rg] degrees."""
    return apply_affine_transform(x, theta=np.random.uniform(-rg, rg), row_axis=row_axis,
                                  col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shift `x` by fractions of its size drawn uniformly from [-wrg, wrg] along the width
    and [-hrg, hrg] along the height (the height's first, in Keras' order of draws; Keras 3
    applies each draw along the other axis, a slip of its port of this function)."""
    x = np.asarray(x)
    ty = np.random.uniform(-hrg, hrg) * x.shape[row_axis]
    tx = np.random.uniform(-wrg, wrg) * x.shape[col_axis]
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shear `x` by an angle drawn uniformly from [-intensity, intensity] degrees."""
    return apply_affine_transform(x, shear=np.random.uniform(-intensity, intensity),
                                  row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def _check_pair(caller, argument, value):
    if np.ndim(value) != 1 or len(value) != 2:
        raise ValueError(f"{caller}: expected `{argument}` as a tuple or list of two floats, "
                         f"received {value!r}")


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zoom `x` by factors zx (width) and zy (height), each drawn uniformly from
    zoom_range = (low, high); (1, 1) leaves `x` as it is without a draw."""
    _check_pair("random_zoom", "zoom_range", zoom_range)
    low, high = zoom_range
    zx, zy = (1, 1) if low == 1 and high == 1 else np.random.uniform(low, high, 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """`apply_channel_shift` by an intensity drawn uniformly from
    [-intensity_range, intensity_range]."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def random_brightness(x, brightness_range, scale=True):
    """`apply_brightness_shift` by a factor drawn uniformly from brightness_range =
    (low, high)."""
    _check_pair("random_brightness", "brightness_range", brightness_range)
    return apply_brightness_shift(x, np.random.uniform(*brightness_range), scale)
