"""tf.keras 2's transforms of one image array: apply_affine_transform, apply_channel_shift and
apply_brightness_shift (the warp itself is `neuronet.ops.image.warp`)."""
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
