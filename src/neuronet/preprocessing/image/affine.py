"""Geometric and color transforms of image arrays, in NumPy: the affine warp and its helpers.

An affine warp "pulls" every output pixel from a point of the input: the 2x3 matrix of
`affine_matrix` maps an output pixel (x = column, y = row) to the input point it samples.
Rotation, shift, shear and zoom compose into that one matrix about the image centre, as in
Keras' `apply_affine_transform`. `warp` then samples all pixels of a batch at once:
bilinear (or nearest) interpolation between the 4 (or 1) surrounding input pixels, with
pixels beyond the border given by `fill_mode`, as if the input were padded:

    'constant'  k k k k | a b c d | k k k k     (k = fill_value, or cval)
    'nearest'   a a a a | a b c d | d d d d
    'reflect'   d c b a | a b c d | d c b a
    'wrap'      a b c d | a b c d | a b c d
"""
import numpy as np

from ... import backend
from .utils import check_choice

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
INTERPOLATIONS = ("nearest", "bilinear")


def affine_matrix(height, width, theta=0.0, tx=0.0, ty=0.0, shear=0.0, zx=1.0, zy=1.0):
    """The (..., 2, 3) matrix mapping an output pixel (x, y, 1) to the input point it samples.

    theta: rotation in degrees (positive: counter-clockwise, like np.rot90). tx, ty: shift
    in pixels along x (width) and y (height); positive values sample further right/down,
    so the content moves left/up. shear: shear angle in degrees. zx, zy: zoom factors along
    x and y (above 1 zooms out). The parameters may be arrays of one shape (one matrix per
    entry). Like Keras, the matrix is R(theta) @ T(tx, ty) @ S(shear) @ Z(zx, zy), applied
    about the image centre ((width - 1) / 2, (height - 1) / 2).
    """
    theta, tx, ty, shear, zx, zy = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (theta, tx, ty, shear, zx, zy)))
    angle, shear = np.deg2rad(theta), np.deg2rad(shear)
    cos, sin = np.cos(angle), np.sin(angle)
    zero = np.zeros_like(cos)
    rotation = _matrix_2x2(cos, -sin, sin, cos)
    shearing = _matrix_2x2(np.ones_like(cos), -np.sin(shear), zero, np.cos(shear))
    zoom = _matrix_2x2(zx, zero, zero, zy)
    linear = rotation @ shearing @ zoom                         # (..., 2, 2)
    shift = rotation @ np.stack([tx, ty], axis=-1)[..., None]   # R @ T: the shift, rotated
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])[:, None]
    # input = linear @ (output - centre) + shift + centre
    offset = shift + centre - linear @ centre                   # (..., 2, 1)
    return np.concatenate([linear, offset], axis=-1)


def _matrix_2x2(a, b, c, d):
    """[[a, b], [c, d]] for arrays of entries: shape (..., 2, 2)."""
    return np.stack([np.stack([a, b], axis=-1), np.stack([c, d], axis=-1)], axis=-2)


def warp(images, matrices, fill_mode="nearest", fill_value=0.0, interpolation="bilinear"):
    """Sample `images` (n, height, width, channels) at the points given by `matrices`.

    matrices: (n, 2, 3) or one (2, 3) for every image, from `affine_matrix`. Returns a new
    float array of the same shape (the images' float dtype, floatx() for integer images).
    """
    check_choice("warp", "fill_mode", fill_mode, FILL_MODES)
    check_choice("warp", "interpolation", interpolation, INTERPOLATIONS)
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"warp: expected images of rank 4 (n, height, width, channels), "
                         f"received shape {images.shape}")
    n, height, width, channels = images.shape
    dtype = images.dtype if images.dtype.kind == "f" else np.dtype(backend.floatx())
    matrices = np.broadcast_to(np.asarray(matrices, dtype=np.float64), (n, 2, 3))

    # the input point of every output pixel: (n, height, width) arrays of x and y
    y_out, x_out = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    points = np.stack([x_out.ravel(), y_out.ravel(), np.ones(height * width)])   # (3, h*w)
    x_in, y_in = (matrices @ points).reshape(n, 2, height, width).transpose(1, 0, 2, 3)

    cols, col_weights = _taps(x_in, width, fill_mode, interpolation)
    rows, row_weights = _taps(y_in, height, fill_mode, interpolation)
    flat = images.reshape(n * height * width, channels).astype(dtype, copy=False)
    base = (np.arange(n) * (height * width))[:, None, None]
    out = np.zeros((n, height, width, channels), dtype)
    for i in range(rows.shape[-1]):                       # the 1 or 2 taps along y ...
        for j in range(cols.shape[-1]):                   # ... times the 1 or 2 along x
            weight = (row_weights[..., i] * col_weights[..., j]).astype(dtype)
            out += weight[..., None] * flat[base + rows[..., i] * width + cols[..., j]]
    if fill_mode == "constant":         # the weight of the taps beyond the border goes to cval
        kept = row_weights.sum(axis=-1) * col_weights.sum(axis=-1)
        out += ((1.0 - kept) * fill_value).astype(dtype)[..., None]
    return out


def _taps(coords, size, fill_mode, interpolation):
    """The input pixels that interpolate each coordinate along one axis of `size` pixels.

    Returns (indices, weights), of shape coords.shape + (taps,): the indices folded into
    0..size-1 by `fill_mode`; with 'constant', the taps beyond the border weigh 0.
    """
    if interpolation == "nearest":
        indices = np.floor(coords + 0.5)[..., None]
        weights = np.ones_like(indices)
    else:
        low = np.floor(coords)
        frac = coords - low
        indices = np.stack([low, low + 1], axis=-1)
        weights = np.stack([1.0 - frac, frac], axis=-1)
    indices = indices.astype(np.int64)
    if fill_mode == "constant":
        weights = np.where((indices >= 0) & (indices < size), weights, 0.0)
        indices = np.clip(indices, 0, size - 1)
    elif fill_mode == "reflect":              # period 2*size: a b c d | d c b a
        indices = indices % (2 * size)
        indices = np.where(indices < size, indices, 2 * size - 1 - indices)
    elif fill_mode == "wrap":
        indices = indices % size
    else:                                     # 'nearest'
        indices = np.clip(indices, 0, size - 1)
    return indices, weights


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotate, shift, shear and zoom one image `x` (rank 3) about its centre (Keras' helper).

    theta, shear: degrees; tx, ty: shifts in pixels along the width and the height;
    zx, zy: zoom along the width and the height (see `affine_matrix`). row_axis, col_axis,
    channel_axis: the axes of `x` (channels first or last). order: 0 (nearest) or
    1 (bilinear) interpolation. Returns `x` unchanged when the transform is the identity.
    Unlike tf.keras 2 (scipy), 'constant' blends into cval over the last pixel and 'wrap'
    repeats with a period of the image size, as the padding diagrams of the module say.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform: expected one image of rank 3, received "
                         f"shape {x.shape}")
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2] or channel_axis not in (0, 2):
        raise ValueError(f"apply_affine_transform: row_axis, col_axis, channel_axis must be "
                         f"distinct axes 0..2 with the channels first or last, received "
                         f"{(row_axis, col_axis, channel_axis)}")
    check_choice("apply_affine_transform", "order", order, (0, 1))
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
