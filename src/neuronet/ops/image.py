"""Image geometry on channels-last batches (n, height, width, channels): affine warps and resizing.

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

Resizing is linear and separable: out = A_rows @ image @ A_cols^T, with the two small
interpolation matrices of `interpolation_matrix`; `resize` is that op with its backward.
"""
import numpy as np

from .. import backend
from ..autograd.tensor import Tensor

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
INTERPOLATIONS = ("nearest", "bilinear")      # index = interpolation order (0 or 1)


# --- affine warps (NumPy arrays in, a new array out: no gradient) ---------------------------------
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
    backend.check_choice("warp", "fill_mode", fill_mode, FILL_MODES)
    backend.check_choice("warp", "interpolation", interpolation, INTERPOLATIONS)
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


# --- resizing (a differentiable op) ---------------------------------------------------------------
def resize(images, a_rows, a_cols):
    """out[b, i, j, c] = sum over p, q of a_rows[i, p] * images[b, p, q, c] * a_cols[j, q].

    images: a Tensor (batch, rows, cols, channels); a_rows (height, rows) and a_cols
    (width, cols): interpolation matrices. Returns (batch, height, width, channels).
    """
    def backward(g):                  # a linear map: the gradient goes through its transpose
        return (np.einsum("ip,bijc,jq->bpqc", a_rows, g, a_cols, optimize=True),)
    out = np.einsum("ip,bpqc,jq->bijc", a_rows, images.data, a_cols, optimize=True)
    return Tensor.from_op(out, (images,), backward)


def interpolation_matrix(size, new_size, start, count, interpolation, dtype):
    """The (new_size, size) matrix resizing the `count` pixels from `start` to `new_size`.

    Output pixel i has its centre at (i + 0.5) * count / new_size in the window: 'nearest'
    takes the pixel under it; 'bilinear' mixes the two pixels around it (clamped to the
    window's edge pixels).
    """
    centres = (np.arange(new_size) + 0.5) * (count / new_size)
    matrix = np.zeros((new_size, size), np.float64)
    rows = np.arange(new_size)
    if interpolation == "nearest":
        matrix[rows, start + np.minimum(np.floor(centres).astype(np.int64), count - 1)] = 1.0
    else:
        source = np.clip(centres - 0.5, 0, count - 1)
        low = np.floor(source).astype(np.int64)
        high = np.minimum(low + 1, count - 1)
        frac = source - low
        matrix[rows, start + low] += 1.0 - frac
        matrix[rows, start + high] += frac          # low == high at the last pixel: adds 0
    return matrix.astype(dtype)
