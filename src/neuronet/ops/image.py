"""Image ops, `keras.ops.image`: colour spaces, padding and cropping, patches, filters, warps.

The Keras ops take one image (height, width, channels) or a batch (batch, height, width,
channels) -- channels first with data_format='channels_first' -- and return the same
layout. Inside, each works on a channels-last batch (see `_channels_last`).

    rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb      colour spaces (HSV values in [0, 1])
    pad_images, crop_images                       zeros added around, or borders removed
    extract_patches                               every (size) window as one vector
    gaussian_blur, sobel_edges                    separable filters, zero-padded to 'same'
    affine_transform                              Keras' 8-number transforms, via `warp`

The filters are separable: a 2-D kernel that is the outer product of a column and a row
kernel filters the columns, then the rows, with two 1-D cross-correlations (`_correlate`),
one shifted add per kernel tap.

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
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from . import math as m
from .conv import (_grouped_col2im, _grouped_im2col, as_tuple, check_padding, crop_array,
                   pad_array, window_geometry, zero_pad2d)

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
INTERPOLATIONS = ("nearest", "bilinear")      # index = interpolation order (0 or 1)
GRAYSCALE_WEIGHTS = (0.2989, 0.5870, 0.1140)   # the luma of R, G, B (tf.image.rgb_to_grayscale)
KERAS_OPS = ("rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "pad_images", "crop_images",
             "extract_patches", "gaussian_blur", "sobel_edges", "affine_transform")


# --- layouts --------------------------------------------------------------------------------------
def _channels_last(caller, images, data_format, spatial=2, batched_only=False, channels=None):
    """`images` as a channels-last batch Tensor (batch, *spatial axes, channels), and the
    function `restore` that puts a result of that layout back in the caller's (rank and
    data_format). channels: the channel counts allowed (None: any)."""
    data_format = backend.standardize_data_format(data_format, caller)
    x = m.tensor(images)
    axes = ["depth", "height", "width"][-spatial:]
    axes = axes + ["channels"] if data_format == "channels_last" else ["channels"] + axes
    layout = ", ".join(axes)
    ranks = (spatial + 2,) if batched_only else (spatial + 1, spatial + 2)
    if x.ndim not in ranks:
        expected = (f"rank {spatial + 2} (batch, {layout})" if batched_only else
                    f"rank {spatial + 1} ({layout}) or {spatial + 2} (batch, {layout})")
        raise ValueError(f"{caller}: expected images of {expected}, received shape {x.shape}")
    count = x.shape[-1 if data_format == "channels_last" else -spatial - 1]
    if channels is not None and count not in channels:
        allowed = " or ".join(str(c) for c in channels)
        raise ValueError(f"{caller}: expected images with {allowed} channels ({layout}), "
                         f"received shape {x.shape}")
    batched = x.ndim == spatial + 2
    first = data_format == "channels_first"
    if not batched:
        x = m.expand_dims(x, 0)
    if first:
        x = m.transpose(x, (0, *range(2, spatial + 2), 1))

    def restore(y):
        if first:
            y = m.transpose(y, (0, spatial + 1, *range(1, spatial + 1)))
        return y if batched else m.squeeze(y, 0)
    return x, restore


def _floating(x):
    """A Tensor of integers as a constant Tensor of floatx(); float Tensors as they are."""
    return x if x.dtype.kind == "f" else Tensor(x.data.astype(backend.floatx()))


def _check_float(caller, x):
    if x.dtype.kind != "f":
        raise ValueError(f"{caller}: expected images of a float dtype, received dtype {x.dtype}")


# --- colour spaces --------------------------------------------------------------------------------
def rgb_to_grayscale(images, data_format=None):
    """The luminance 0.2989 R + 0.5870 G + 0.1140 B of RGB images, as one channel (the
    channels axis is kept); images of one channel come back as they are.

    Integer images give integers of their dtype (truncated, as in Keras). The gradient
    flows back to float images.
    """
    x, restore = _channels_last("rgb_to_grayscale", images, data_format, channels=(1, 3))
    if x.shape[-1] == 1:
        return m.tensor(images)
    if x.dtype.kind != "f":             # integers: computed in floats, truncated back (Keras)
        weights = np.asarray(GRAYSCALE_WEIGHTS, backend.floatx())[:, None]
        return restore(Tensor((x.data.astype(weights.dtype) @ weights).astype(x.dtype)))
    weights = np.asarray(GRAYSCALE_WEIGHTS, x.dtype)[:, None]            # (3, 1)
    return restore(m.matmul(x, weights))          # (batch, h, w, 3) @ (3, 1) -> (batch, h, w, 1)


def rgb_to_hsv(images, data_format=None):
    """RGB images, values in [0, 1], as hue, saturation and value, all in [0, 1] (hue 0 is
    red, 1/3 green, 2/3 blue). Float images only; no gradient."""
    x, restore = _channels_last("rgb_to_hsv", images, data_format, channels=(3,))
    _check_float("rgb_to_hsv", x)
    return restore(Tensor(_hsv_from_rgb(x.data)))


def hsv_to_rgb(images, data_format=None):
    """HSV images (hue, saturation, value; hue taken modulo 1) as RGB, the inverse of
    rgb_to_hsv. Float images only; no gradient."""
    x, restore = _channels_last("hsv_to_rgb", images, data_format, channels=(3,))
    _check_float("hsv_to_rgb", x)
    return restore(Tensor(_rgb_from_hsv(x.data)))


def _hsv_from_rgb(rgb):
    """(..., 3) RGB arrays -> HSV: value = max(r, g, b), saturation = (max - min) / max, and
    the hue by the largest channel -- red: (g - b), green: 2 + (b - r), blue: 4 + (r - g),
    over 6 (max - min) -- wrapped into [0, 1)."""
    rgb = np.where(np.abs(rgb) < np.finfo(rgb.dtype).eps, 0, rgb)    # as Keras: tiny -> 0
    red, green, blue = np.moveaxis(rgb, -1, 0)
    value = rgb.max(axis=-1)
    spread = value - rgb.min(axis=-1)
    saturation = np.where(value > 0, spread / np.where(value > 0, value, 1), 0)
    norm = 1 / (6 * np.where(spread > 0, spread, 1))
    hue = np.where(value == green, norm * (blue - red) + 2 / 6, norm * (red - green) + 4 / 6)
    hue = np.where(value == red, norm * (green - blue), hue)
    hue = np.where(spread > 0, hue, 0)
    hue = np.where(hue < 0, hue + 1, hue)
    return np.stack([hue, saturation, value], axis=-1)


def _rgb_from_hsv(hsv):
    """(..., 3) HSV arrays -> RGB: each channel value * (1 - s + s * d), d a piecewise
    linear bump of the hue (red around 0, green around 1/3, blue around 2/3)."""
    hue, saturation, value = np.moveaxis(hsv, -1, 0)
    sixths = np.mod(hue, 1) * 6
    bumps = np.stack([np.clip(np.abs(sixths - 3) - 1, 0, 1),       # red
                      np.clip(2 - np.abs(sixths - 2), 0, 1),       # green
                      np.clip(2 - np.abs(sixths - 4), 0, 1)], axis=-1)   # blue
    return value[..., None] * ((1 - saturation)[..., None] + saturation[..., None] * bumps)


# --- padding and cropping -------------------------------------------------------------------------
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Images with rows and columns of zeros added around them.

    Along each axis give exactly two of the three: top_padding, bottom_padding,
    target_height (the output height); left_padding, right_padding, target_width.
    The gradient flows back to the inputs (to the pixels of the original image).
    """
    x, restore = _channels_last("pad_images", images, data_format)
    top, bottom, _ = _sides("pad_images", "height", x.shape[1], True,
                            top_padding=top_padding, bottom_padding=bottom_padding,
                            target_height=target_height)
    left, right, _ = _sides("pad_images", "width", x.shape[2], True,
                            left_padding=left_padding, right_padding=right_padding,
                            target_width=target_width)
    return restore(zero_pad2d(x, ((top, bottom), (left, right))))


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Images without rows and columns at their borders.

    Along each axis give exactly two of the three: top_cropping, bottom_cropping,
    target_height (the output height); left_cropping, right_cropping, target_width.
    The gradient flows back to the inputs (zero on the removed borders).
    """
    x, restore = _channels_last("crop_images", images, data_format)
    top, _, height = _sides("crop_images", "height", x.shape[1], False,
                            top_cropping=top_cropping, bottom_cropping=bottom_cropping,
                            target_height=target_height)
    left, _, width = _sides("crop_images", "width", x.shape[2], False,
                            left_cropping=left_cropping, right_cropping=right_cropping,
                            target_width=target_width)
    return restore(m.getitem(x, (slice(None), slice(top, top + height),
                                 slice(left, left + width))))


def _sides(caller, axis, size, pad, **given):
    """(before, after, target) along one axis of `size` pixels, from exactly two of the three
    keyword arguments (None: not given). Padding: target = before + size + after; cropping:
    size = before + target + after. Every value must be an int >= 0."""
    names = list(given)
    before, after, target = given.values()
    if [before, after, target].count(None) != 1:
        listed = ", ".join(f"{name}={value!r}" for name, value in given.items())
        raise ValueError(f"{caller}: give exactly two of {', '.join(names)}; received {listed}")
    for name, value in given.items():
        if value is not None and not (isinstance(value, numbers.Integral) and value >= 0):
            raise ValueError(f"{caller}: {name} must be an int >= 0, received {name}={value!r}")
    if pad:                                      # target = before + size + after
        if target is None:
            target = before + size + after
        elif before is None:
            before = target - size - after
        else:
            after = target - size - before
    elif target is None:                         # size = before + target + after
        target = size - before - after
    elif before is None:
        before = size - target - after
    else:
        after = size - target - before
    for name, value in zip(names, (before, after, target)):
        if value < 0:
            raise ValueError(f"{caller}: for images of {axis} {size}, the arguments given "
                             f"make {name}={value}; it must be >= 0")
    return int(before), int(after), int(target)


# --- patches --------------------------------------------------------------------------------------
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Every size-window of the images, as one vector of the output's channel axis.

    size: an int or (patch_height, patch_width) for images; (depth, height, width) for
    volumes (depth, height, width, channels), batched or not. strides: the step between
    windows (defaults to size: patches that do not overlap); dilation_rate: the step
    inside a window; padding: 'valid' or 'same' (zeros, TensorFlow's rule). Output:
    (batch, rows, cols, patch_height * patch_width * channels), each vector ordered row,
    column, channel (Keras' order). The gradient flows back to the inputs.
    """
    caller = "extract_patches"
    if isinstance(size, numbers.Integral):
        size = (size, size)
    if not (isinstance(size, (tuple, list)) and len(size) in (2, 3)):
        raise ValueError(f"{caller}: size must be an int or a tuple of 2 or 3 ints, "
                         f"received size={size!r}")
    rank = len(size)
    size = as_tuple(size, rank, "size", caller)
    strides = size if strides is None else as_tuple(strides, rank, "strides", caller)
    dilation = as_tuple(dilation_rate, rank, "dilation_rate", caller)
    check_padding(padding, caller)
    x, restore = _channels_last(caller, images, data_format, spatial=rank)
    n = x.shape[0]
    pads, out_size = window_geometry(caller, x.shape[1:-1], size, strides, padding, dilation)
    xp = pad_array(x.data, pads)                                   # (n, hp, wp, c)
    cols = _grouped_im2col(xp, size, strides, dilation, out_size, 1)   # (n*oh*ow, kh*kw*c)

    def backward(g):             # each entry of a patch goes back onto the pixel it copies
        gxp = _grouped_col2im(g.reshape(cols.shape), xp.shape, size, strides, dilation,
                              out_size, 1)
        return (crop_array(gxp, pads),)
    return restore(Tensor.from_op(cols.reshape(n, *out_size, -1), (x,), backward))


# --- separable filters ----------------------------------------------------------------------------
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Images blurred by a Gaussian kernel, zero-padded to keep their size.

    kernel_size (ints) and sigma (positive numbers): an int/number for both axes, or a
    pair whose first entry is along the width (x) and second along the height (y), as
    Keras computes it (its docstring says height, width; the two agree for equal pairs).
    Integer images give floatx(). The gradient flows back to the inputs.
    """
    caller = "gaussian_blur"
    kernel_size = as_tuple(kernel_size, 2, "kernel_size", caller)
    sigma = _positive_pair(caller, "sigma", sigma)
    x, restore = _channels_last(caller, images, data_format)
    x = _floating(x)
    across = _gaussian_kernel(kernel_size[0], sigma[0])            # along the width
    down = _gaussian_kernel(kernel_size[1], sigma[1])              # along the height
    return restore(_correlate(_correlate(x, across, axis=2), down, axis=1))


def _positive_pair(caller, name, value):
    values = value if isinstance(value, (tuple, list)) else (value, value)
    if len(values) == 2 and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                and v > 0 for v in values):
        return float(values[0]), float(values[1])
    raise ValueError(f"{caller}: {name} must be a positive number or a pair of positive "
                     f"numbers, received {name}={value!r}")


def _gaussian_kernel(size, sigma):
    """The 1-D Gaussian kernel of `size` taps centred on the middle one, summing to 1."""
    offsets = np.arange(size) - (size - 1) / 2
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return kernel / kernel.sum()


def sobel_edges(images, data_format=None):
    """The Sobel derivatives of a batch of images: (batch, height, width, channels, 2), the
    last axis [dy, dx] (channels first: (batch, channels, height, width, 2)).

    dy correlates with [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] and dx with its transpose,
    zero-padded (Keras on JAX). Integer images give floatx(). The gradient flows back.
    """
    x, restore = _channels_last("sobel_edges", images, data_format, batched_only=True)
    x = _floating(x)
    smooth, slope = (1, 2, 1), (-1, 0, 1)       # the Sobel kernel is their outer product
    dy = _correlate(_correlate(x, smooth, axis=2), slope, axis=1)
    dx = _correlate(_correlate(x, slope, axis=2), smooth, axis=1)
    return m.stack([restore(dy), restore(dx)], axis=-1)


def _correlate(x, kernel, axis):
    """x (a Tensor) cross-correlated with the 1-D `kernel` along `axis`, zero-padded to keep
    its size: out[i] = sum over t of kernel[t] * x[i + t - before], before = (taps - 1) // 2
    (an even kernel has its extra zero after the end, TensorFlow's 'same')."""
    kernel = np.asarray(kernel, x.dtype)
    before = (len(kernel) - 1) // 2
    after = len(kernel) - 1 - before

    def backward(g):            # the adjoint: the kernel reversed and the padding swapped
        return (_correlate_array(g, kernel[::-1], axis, after, before),)
    return Tensor.from_op(_correlate_array(x.data, kernel, axis, before, after), (x,), backward)


def _correlate_array(a, kernel, axis, before, after):
    """The forward of `_correlate` on an array, with `before`/`after` zeros: one shifted
    add per kernel tap."""
    widths = [(0, 0)] * a.ndim
    widths[axis] = (before, after)
    padded = np.pad(a, widths)
    out = np.zeros_like(a)
    window = [slice(None)] * a.ndim
    for t, weight in enumerate(kernel):
        if weight:
            window[axis] = slice(t, t + a.shape[axis])
            out += weight * padded[tuple(window)]
    return out


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


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Images warped by Keras' 8-number transforms (one for all images, or one per image).

    A transform [a0, a1, a2, b0, b1, b2, c0, c1] maps an output pixel (x, y) (x the column,
    y the row) to the input point (a0 x + a1 y + a2, b0 x + b1 y + b2) that it samples; c0 and
    c1 (projective terms) are ignored, as by Keras off TensorFlow. interpolation: 'nearest'
    or 'bilinear'; fill_mode: 'constant' (fill_value), 'nearest', 'reflect' or 'wrap' (see
    the module). Integer images give floatx(). The gradient flows back to the images (not
    to the transform).
    """
    caller = "affine_transform"
    backend.check_choice(caller, "interpolation", interpolation, INTERPOLATIONS)
    backend.check_choice(caller, "fill_mode", fill_mode, FILL_MODES)
    transform = np.asarray(transform.data if isinstance(transform, Tensor) else transform,
                           np.float64)
    x, restore = _channels_last(caller, images, data_format)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8 or (
            transform.ndim == 2 and transform.shape[0] not in (1, x.shape[0])):
        raise ValueError(f"{caller}: expected a transform of shape (8,) or ({x.shape[0]}, 8) "
                         f"for {x.shape[0]} image(s), received shape {transform.shape}")
    matrices = transform[..., :6].reshape(-1, 2, 3)          # [[a0, a1, a2], [b0, b1, b2]]
    return restore(_warp(_floating(x), matrices, fill_mode, fill_value, interpolation))


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
    dtype = images.dtype if images.dtype.kind == "f" else np.dtype(backend.floatx())
    return _warp(Tensor(images.astype(dtype, copy=False)), matrices, fill_mode, fill_value,
                 interpolation).data


def _warp(images, matrices, fill_mode, fill_value, interpolation):
    """`warp` as an op on a float Tensor (n, height, width, channels): the output is linear
    in the pixels, out = sum over taps of weight * input pixel (+ fill_value's share)."""
    n, height, width, channels = images.shape
    indices, weights = _sampling(matrices, n, height, width, fill_mode, interpolation)
    weights = weights.astype(images.dtype)                 # (n, h, w, taps)
    flat = images.data.reshape(-1, channels)               # (n*h*w, c): every pixel of the batch
    out = np.zeros(images.shape, images.dtype)
    for tap in range(indices.shape[-1]):                   # the 1, 2 or 4 taps of each pixel
        out += weights[..., tap, None] * flat[indices[..., tap]]
    if fill_mode == "constant":         # the weight of the taps beyond the border goes to cval
        out += ((1 - weights.sum(axis=-1)) * fill_value).astype(images.dtype)[..., None]

    def backward(g):                    # d out / d pixel = its weight: scattered with bincount
        slots = indices[..., None] * channels + np.arange(channels)   # (n, h, w, taps, c)
        shares = weights[..., None] * g[..., None, :]                 # (n, h, w, taps, c)
        grad = np.bincount(slots.ravel(), shares.ravel(), minlength=images.size)
        return (grad.reshape(images.shape).astype(images.dtype),)
    return Tensor.from_op(out, (images,), backward)


def _sampling(matrices, n, height, width, fill_mode, interpolation):
    """The input pixels each output pixel mixes, and their weights: (indices, weights), each
    (n, height, width, taps), indices into the n * height * width pixels of the batch."""
    matrices = np.broadcast_to(np.asarray(matrices, dtype=np.float64), (n, 2, 3))
    # the input point of every output pixel: (n, height, width) arrays of x and y
    y_out, x_out = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    points = np.stack([x_out.ravel(), y_out.ravel(), np.ones(height * width)])   # (3, h*w)
    x_in, y_in = (matrices @ points).reshape(n, 2, height, width).transpose(1, 0, 2, 3)
    cols, col_weights = _taps(x_in, width, fill_mode, interpolation)
    rows, row_weights = _taps(y_in, height, fill_mode, interpolation)
    base = (np.arange(n) * (height * width))[:, None, None, None, None]
    # every (row tap, column tap) pair: (n, h, w, row taps, column taps) -> (n, h, w, taps)
    indices = base + rows[..., :, None] * width + cols[..., None, :]
    weights = row_weights[..., :, None] * col_weights[..., None, :]
    return indices.reshape(n, height, width, -1), weights.reshape(n, height, width, -1)


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


# The Keras ops, graph-aware: given a symbolic tensor (keras.Input, a layer output) they add
# a node to the model's graph (see `neuronet.ops`).
from . import graph_aware  # noqa: E402  (the package is initialised before its modules)

globals().update({name: graph_aware(globals()[name]) for name in KERAS_OPS})
