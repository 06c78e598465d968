"""Image ops, `keras.ops.image`: colour spaces, padding and cropping, patches, filters, warps.

The Keras ops take one image (height, width, channels) or a batch (batch, height, width,
channels) -- channels first with data_format='channels_first' -- and return the same
layout. Inside, each works on a channels-last batch (see `_channels_last`).

    rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb      colour spaces (HSV values in [0, 1])
    pad_images, crop_images                       zeros added around, or borders removed
    extract_patches                               every (size) window as one vector
    extract_patches_3d                            the same for volumes
    gaussian_blur, sobel_edges                    separable filters, zero-padded to 'same'
    affine_transform                              Keras' 8-number transforms, via `warp`
    perspective_transform                         the projective warp moving 4 points to 4
    elastic_transform                             a random smooth displacement of every pixel
    map_coordinates                               any array sampled at given coordinates
    scale_and_translate                           resampling with a kernel (JAX's)
    ssim                                          the structural similarity of two images

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
    'mirror'    c d c b | a b c d | c b a b     (map_coordinates, elastic_transform)

The same sampler serves every warp: an affine or projective map, a displacement field, or
the explicit coordinates of `map_coordinates` give the input point of each output entry;
`_sample` turns the points into the input entries they mix and their weights, and
`_resample` (the op) forms the weighted sums.

Resizing is linear and separable: out = A_rows @ image @ A_cols^T, with the two small
interpolation matrices of `interpolation_matrix`; `resize` is that op with its backward.
"""
import numbers

import numpy as np

from .. import backend
from ..autograd.tensor import Tensor
from . import math as m
from .array import pad as pad_tensor
from .conv import (_grouped_col2im, _grouped_im2col, as_tuple, check_padding, crop_array,
                   pad_array, window_geometry, zero_pad2d)

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
SAMPLING_FILL_MODES = FILL_MODES + ("mirror",)   # map_coordinates, elastic_transform
INTERPOLATIONS = ("nearest", "bilinear")      # index = interpolation order (0 or 1)
GRAYSCALE_WEIGHTS = (0.2989, 0.5870, 0.1140)   # the luma of R, G, B (tf.image.rgb_to_grayscale)
KERAS_OPS = ("resize", "rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "pad_images", "crop_images",
             "extract_patches", "extract_patches_3d", "gaussian_blur", "sobel_edges",
             "affine_transform", "perspective_transform", "elastic_transform",
             "map_coordinates", "scale_and_translate", "ssim")


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


def _array(value):
    """A Tensor's values or an array-like as a float64 array (coordinates, transforms)."""
    return np.asarray(value.data if isinstance(value, Tensor) else value, np.float64)


def _round_half_away(x):
    """x rounded to the nearest integer, halves away from zero (as JAX and scipy)."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


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
    if isinstance(size, numbers.Integral):
        size = (size, size)
    if not (isinstance(size, (tuple, list)) and len(size) in (2, 3)):
        raise ValueError(f"extract_patches: size must be an int or a tuple of 2 or 3 ints, "
                         f"received size={size!r}")
    return _extract_patches("extract_patches", images, size, strides, dilation_rate, padding,
                            data_format)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Every size-window of volumes (depth, height, width, channels), batched or not, as one
    vector of the output's channel axis: `extract_patches` with a 3-D window.

    size: an int or (patch_depth, patch_height, patch_width); strides (defaults to size),
    dilation_rate and padding as in extract_patches. The gradient flows back to the inputs.
    """
    if isinstance(size, numbers.Integral):
        size = (size, size, size)
    if not (isinstance(size, (tuple, list)) and len(size) == 3):
        raise ValueError(f"extract_patches_3d: size must be an int or a tuple of 3 ints, "
                         f"received size={size!r}")
    return _extract_patches("extract_patches_3d", volumes, size, strides, dilation_rate,
                            padding, data_format)


def _extract_patches(caller, images, size, strides, dilation_rate, padding, data_format):
    """`extract_patches` for a window `size` of 2 or 3 ints, errors reported as `caller`'s."""
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


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _positive_pair(caller, name, value):
    values = value if isinstance(value, (tuple, list)) else (value, value)
    if len(values) == 2 and all(_is_number(v) and v > 0 for v in values):
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


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """The structural similarity index (SSIM) of two images, or of each pair of two batches:
    a scalar, or one value per pair (batch,). 1 for identical images.

    Over every filter_size x filter_size window inside the images ('valid'), with Gaussian
    weights of standard deviation filter_sigma, the local means mu, variances var and
    covariance cov of each channel give (2 mu1 mu2 + c1) (2 cov + c2) / ((mu1^2 + mu2^2 + c1)
    (var1 + var2 + c2)), c1 = (k1 max_val)^2, c2 = (k2 max_val)^2; SSIM is its mean over
    windows and channels. max_val: the range of the pixel values (1.0, or 255.0 for bytes).
    Integer images give floatx() (Keras casts back to their dtype). The gradient flows back
    to both images.
    """
    caller = "ssim"
    first, second = m.tensor(image1), m.tensor(image2)
    if first.shape != second.shape:
        raise ValueError(f"{caller}: expected image1 and image2 of the same shape, received "
                         f"{first.shape} and {second.shape}")
    x, _ = _channels_last(caller, first, data_format)
    y, _ = _channels_last(caller, second, data_format)
    height, width = x.shape[1:3]
    if not (isinstance(filter_size, numbers.Integral) and 1 <= filter_size <= min(height, width)):
        raise ValueError(f"{caller}: filter_size must be an int in [1, {min(height, width)}] "
                         f"for images of {height} x {width} pixels, received "
                         f"filter_size={filter_size!r}")
    _positive_pair(caller, "filter_sigma", filter_sigma)
    x, y = _floating(x), _floating(y)
    kernel = _gaussian_kernel(filter_size, filter_sigma)
    before = (filter_size - 1) // 2
    inside = (slice(None), slice(before, before + height - filter_size + 1),
              slice(before, before + width - filter_size + 1))

    def local_mean(t):             # the Gaussian-weighted mean of each window, (n, h', w', c)
        return m.getitem(_correlate(_correlate(t, kernel, axis=2), kernel, axis=1), inside)
    mu1, mu2 = local_mean(x), local_mean(y)
    var1 = local_mean(x * x) - mu1 * mu1
    var2 = local_mean(y * y) - mu2 * mu2
    cov = local_mean(x * y) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    index = ((2 * mu1 * mu2 + c1) * (2 * cov + c2)
             / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2)))
    value = m.mean(index, axis=(1, 2, 3))                       # (n,)
    return value if first.ndim == 4 else m.squeeze(value, 0)


# --- warps: every output entry sampled at a point of the input ------------------------------------
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
    transform = _array(transform)
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
    """`warp` as an op on a float Tensor (n, height, width, channels): every output pixel
    (x, y) samples the input point matrix @ (x, y, 1) of its image."""
    n, height, width, _ = images.shape
    matrices = np.broadcast_to(np.asarray(matrices, dtype=np.float64), (n, 2, 3))
    x_in, y_in = np.moveaxis(matrices @ _pixel_grid(height, width), 1, 0)   # (n, h*w) each
    return _sample_images(images, x_in.reshape(n, height, width), y_in.reshape(n, height, width),
                          fill_mode, fill_value, interpolation)


def _pixel_grid(height, width):
    """The homogeneous coordinates (x, y, 1) of every pixel, row by row: (3, height * width)."""
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    return np.stack([x.ravel(), y.ravel(), np.ones(height * width)])


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Images warped by the perspective (projective) map that takes the 4 `start_points` of
    the input to the 4 `end_points` of the output.

    start_points, end_points: (4, 2) points (x, y), or (batch, 4, 2) one set per image.
    Every output pixel samples the input at H @ (x, y, 1) (divided by its third entry), H the
    homography with H @ end = start; points beyond the border take fill_value.
    interpolation: 'nearest' or 'bilinear'. Integer images give floatx(). The gradient flows
    back to the images (not to the points).
    """
    caller = "perspective_transform"
    backend.check_choice(caller, "interpolation", interpolation, INTERPOLATIONS)
    start, end = _array(start_points), _array(end_points)
    for name, points in (("start_points", start), ("end_points", end)):
        if points.ndim not in (2, 3) or points.shape[-2:] != (4, 2):
            raise ValueError(f"{caller}: expected {name} of shape (4, 2) or (batch, 4, 2), "
                             f"received shape {points.shape}")
    if start.shape != end.shape:
        raise ValueError(f"{caller}: start_points and end_points must have the same shape, "
                         f"received {start.shape} and {end.shape}")
    x, restore = _channels_last(caller, images, data_format)
    n, height, width, _ = x.shape
    start, end = start.reshape(-1, 4, 2), end.reshape(-1, 4, 2)
    if start.shape[0] not in (1, n):
        raise ValueError(f"{caller}: expected one set of points or {n} (one per image), "
                         f"received {start.shape[0]}")
    mapped = _homography(caller, start, end) @ _pixel_grid(height, width)   # (k, 3, h*w)
    x_in, y_in = (np.broadcast_to(mapped[:, i] / mapped[:, 2], (n, height * width))
                  .reshape(n, height, width) for i in (0, 1))
    return restore(_sample_images(_floating(x), x_in, y_in, "constant", fill_value,
                                  interpolation))


def _homography(caller, start, end):
    """The (k, 3, 3) matrices H, H[2, 2] = 1, taking each end point (x, y, 1) to a multiple
    of its start point, from the 8 linear equations of the 4 pairs: for each pair,
    h0 x + h1 y + h2 - u (h6 x + h7 y) = u and h3 x + h4 y + h5 - v (h6 x + h7 y) = v,
    (u, v) the start point."""
    (x, y), (u, v) = np.moveaxis(end, -1, 0), np.moveaxis(start, -1, 0)    # (k, 4) each
    one, zero = np.ones_like(x), np.zeros_like(x)
    rows_u = np.stack([x, y, one, zero, zero, zero, -u * x, -u * y], axis=-1)   # (k, 4, 8)
    rows_v = np.stack([zero, zero, zero, x, y, one, -v * x, -v * y], axis=-1)
    system = np.concatenate([rows_u, rows_v], axis=1)                            # (k, 8, 8)
    try:
        h = np.linalg.solve(system, np.concatenate([u, v], axis=1)[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError(f"{caller}: the points do not define a perspective transform "
                         f"(three of the 4 start or end points lie on one line)") from None
    return np.concatenate([h, np.ones((len(h), 1))], axis=1).reshape(-1, 3, 3)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Images deformed by a random smooth displacement of every pixel.

    Each pixel (x, y) samples the input at (x + alpha dx, y + alpha dy), where dx and dy are
    fields of normal noise times sigma, blurred by a Gaussian of standard deviation sigma
    (int(6 sigma) | 1 taps, zero-padded), one pair of fields per image. alpha >= 0 scales the
    displacement, sigma > 0 its smoothness. interpolation: 'nearest' or 'bilinear';
    fill_mode: 'reflect' (default), 'constant' (fill_value), 'nearest', 'wrap' or 'mirror'.
    seed: an int for a reproducible draw, None to draw from backend.rng(). Integer images
    give floatx(). The gradient flows back to the images.
    """
    caller = "elastic_transform"
    backend.check_choice(caller, "interpolation", interpolation, INTERPOLATIONS)
    backend.check_choice(caller, "fill_mode", fill_mode, SAMPLING_FILL_MODES)
    if not (_is_number(alpha) and alpha >= 0):
        raise ValueError(f"{caller}: alpha must be a number >= 0, received alpha={alpha!r}")
    if not (_is_number(sigma) and sigma > 0):
        raise ValueError(f"{caller}: sigma must be a number > 0, received sigma={sigma!r}")
    x, restore = _channels_last(caller, images, data_format)
    rng = backend.rng() if seed is None else np.random.default_rng(seed)
    return restore(elastic_warp(_floating(x), alpha, sigma, interpolation, fill_mode,
                                fill_value, rng))


def elastic_warp(images, alpha, sigma, interpolation, fill_mode, fill_value, rng):
    """`elastic_transform` of a float Tensor (n, height, width, channels), the noise drawn
    from the generator `rng` (dx, then dy); sigma = 0 gives no displacement."""
    n, height, width, _ = images.shape
    taps = int(6 * sigma) | 1
    kernel = _gaussian_kernel(taps, sigma) if taps > 1 else np.ones(1)
    reach = (taps - 1) // 2
    noise = rng.standard_normal((2, n, height, width)) * sigma
    smooth = _correlate_array(_correlate_array(noise, kernel, 3, reach, reach), kernel, 2,
                              reach, reach)                                 # (2, n, h, w)
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    return _sample_images(images, cols + alpha * smooth[0], rows + alpha * smooth[1],
                          fill_mode, fill_value, interpolation)


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """`inputs` (an array of any rank) sampled at `coordinates`, as scipy.ndimage does.

    coordinates: (inputs.ndim, ...) -- entry [:, i, j, ...] is the point (one coordinate per
    axis of inputs) whose value goes to output [i, j, ...]; the output has the shape
    coordinates.shape[1:]. order: 0 (nearest entry, halves rounded away from zero) or 1
    (linear between the 2 ** ndim surrounding entries). fill_mode: 'constant' (fill_value),
    'nearest', 'wrap', 'mirror' or 'reflect' (see the module). Integer inputs give integers
    of their dtype (rounded). The gradient flows back to float inputs (not to the
    coordinates).
    """
    caller = "map_coordinates"
    backend.check_choice(caller, "fill_mode", fill_mode, SAMPLING_FILL_MODES)
    if isinstance(order, bool) or order not in (0, 1):
        raise ValueError(f"{caller}: order must be 0 (nearest) or 1 (linear), "
                         f"received order={order!r}")
    x = m.tensor(inputs)
    points = _array(coordinates)
    if points.ndim < 2 or points.shape[0] != x.ndim:
        raise ValueError(f"{caller}: expected coordinates of shape ({x.ndim}, ...) with at "
                         f"least 2 axes for inputs of rank {x.ndim}, received shape "
                         f"{points.shape}")
    indices, weights = _sample(list(points), x.shape, fill_mode, INTERPOLATIONS[order])
    out = m.squeeze(_resample(m.expand_dims(_floating(x), -1), indices, weights, fill_mode,
                              fill_value), -1)
    return out if x.dtype.kind == "f" else Tensor(_round_half_away(out.data).astype(x.dtype))


def _sample_images(images, x_in, y_in, fill_mode, fill_value, interpolation):
    """Each image of the Tensor `images` (n, height, width, channels) sampled at its points
    (x_in, y_in), arrays (n, ...): the op, output (n, ..., channels)."""
    n, height, width, _ = images.shape
    indices, weights = _sample([y_in, x_in], (height, width), fill_mode, interpolation)
    first = np.arange(n) * (height * width)          # the index of each image's first pixel
    indices = indices + first.reshape((n,) + (1,) * (indices.ndim - 1))
    return _resample(images, indices, weights, fill_mode, fill_value)


def _resample(source, indices, weights, fill_mode, fill_value):
    """The op out[..., c] = sum over taps t of weights[..., t] * entry indices[..., t] of
    `source`, channel c (+ the weight missing from 1 times fill_value, with 'constant').

    source: a float Tensor (..., channels), its leading axes counted as one (the entries the
    indices number); indices, weights: (..., taps) from `_sample`. Output: indices.shape[:-1]
    + (channels,). The output is linear in source: d out / d entry = its weight.
    """
    channels = source.shape[-1]
    weights = weights.astype(source.dtype)
    flat = source.data.reshape(-1, channels)               # (entries, channels)
    out = np.zeros(indices.shape[:-1] + (channels,), source.dtype)
    for tap in range(indices.shape[-1]):                   # the 1, 2, 4, ... taps of each point
        out += weights[..., tap, None] * flat[indices[..., tap]]
    if fill_mode == "constant":         # the weight of the taps beyond the border goes to cval
        out += ((1 - weights.sum(axis=-1)) * fill_value).astype(source.dtype)[..., None]

    def backward(g):                    # each tap's share of g, summed per entry with bincount
        slots = indices[..., None] * channels + np.arange(channels)   # (..., taps, channels)
        shares = weights[..., None] * g[..., None, :]                 # (..., taps, channels)
        grad = np.bincount(slots.ravel(), shares.ravel(), minlength=source.size)
        return (grad.reshape(source.shape).astype(source.dtype),)
    return Tensor.from_op(out, (source,), backward)


def _sample(points, shape, fill_mode, interpolation):
    """The input entries that each point mixes, and their weights: (indices, weights), each
    of the points' shape + (taps,).

    points: one coordinate array per axis of an input of `shape` (broadcast together). The
    indices count the input's entries row-major; each point mixes every combination of its
    taps along the axes (2 ** axes with 'bilinear', 1 with 'nearest').
    """
    points = np.broadcast_arrays(*points)
    indices = np.zeros(points[0].shape + (1,), np.int64)
    weights = np.ones(points[0].shape + (1,))
    for coords, size in zip(points, shape):
        axis_indices, axis_weights = _taps(coords, size, fill_mode, interpolation)
        # every (taps so far, tap along this axis) pair, as one flat index and one weight
        indices = (indices[..., :, None] * size + axis_indices[..., None, :]).reshape(
            *coords.shape, -1)
        weights = (weights[..., :, None] * axis_weights[..., None, :]).reshape(*coords.shape, -1)
    return indices, weights


def _taps(coords, size, fill_mode, interpolation):
    """The input pixels that interpolate each coordinate along one axis of `size` pixels.

    Returns (indices, weights), of shape coords.shape + (taps,): the indices folded into
    0..size-1 by `fill_mode`; with 'constant', the taps beyond the border weigh 0.
    """
    if interpolation == "nearest":
        indices = _round_half_away(coords)[..., None]
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
    elif fill_mode == "mirror":               # period 2*(size-1): a b c d | c b a b
        last = size - 1
        indices = np.abs((indices + last) % max(2 * last, 1) - last)
    elif fill_mode == "wrap":
        indices = indices % size
    else:                                     # 'nearest'
        indices = np.clip(indices, 0, size - 1)
    return indices, weights


# --- resizing (a differentiable op) ---------------------------------------------------------------
def resize_with_matrices(images, a_rows, a_cols):
    """out[b, i, j, c] = sum over p, q of a_rows[i, p] * images[b, p, q, c] * a_cols[j, q].

    images: a Tensor (batch, rows, cols, channels); a_rows (height, rows) and a_cols
    (width, cols): interpolation matrices. Returns (batch, height, width, channels).
    """
    def backward(g):                  # a linear map: the gradient goes through its transpose
        return (np.einsum("ip,bijc,jq->bpqc", a_rows, g, a_cols, optimize=True),)
    out = np.einsum("ip,bpqc,jq->bijc", a_rows, images.data, a_cols, optimize=True)
    return Tensor.from_op(out, (images,), backward)


RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Images resized to size = (height, width), as `keras.ops.image.resize`.

    interpolation: 'nearest' (the input pixel under each output pixel's centre), 'bilinear',
    'bicubic', 'lanczos3' or 'lanczos5' (see `scale_and_translate`); antialias widens the
    kernel when shrinking. crop_to_aspect_ratio resizes the largest centred window with the
    target's aspect ratio; pad_to_aspect_ratio first pads the images with `fill_value`
    (fill_mode 'constant', the only one) to that ratio. One image or a batch; integer
    images come back in their type, rounded and clipped (as Keras on JAX). Differentiable
    in float images.
    """
    caller = "resize"
    backend.check_choice(caller, "interpolation", interpolation, RESIZE_INTERPOLATIONS)
    backend.check_choice(caller, "fill_mode", fill_mode, ("constant",))
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: only one of `pad_to_aspect_ratio` and "
                         "`crop_to_aspect_ratio` can be True")
    if len(tuple(size)) != 2 or not all(backend.is_int(n) and n > 0 for n in size):
        raise ValueError(f"resize: expected size to be (height, width) of positive ints, "
                         f"received size={size!r}")
    new_height, new_width = (int(n) for n in size)
    x, restore = _channels_last(caller, images, data_format)
    integer = x.dtype if x.dtype.kind in "iu" else None
    x = _floating(x)
    height, width = x.shape[1:3]
    if crop_to_aspect_ratio:
        rows = max(min(height, int(width * new_height / new_width)), 1)
        cols = max(min(width, int(height * new_width / new_height)), 1)
        top, left = (height - rows) // 2, (width - cols) // 2
        x = m.getitem(x, (slice(None), slice(top, top + rows), slice(left, left + cols)))
    elif pad_to_aspect_ratio:
        rows = max(height, int(width * new_height / new_width))
        cols = max(width, int(height * new_width / new_height))
        top, left = (rows - height) // 2, (cols - width) // 2
        pads = ((0, 0), (top, rows - height - top), (left, cols - width - left), (0, 0))
        x = pad_tensor(x, pads, constant_values=fill_value)
    rows, cols = x.shape[1:3]
    if interpolation == "nearest":
        x = resize_with_matrices(
            x, interpolation_matrix(rows, new_height, 0, rows, "nearest", x.dtype),
            interpolation_matrix(cols, new_width, 0, cols, "nearest", x.dtype))
    else:
        x = scale_and_translate(x, (x.shape[0], new_height, new_width, x.shape[3]),
                                (new_height / rows, new_width / cols), (0.0, 0.0), (1, 2),
                                interpolation, antialias=antialias)
    if integer is not None:                             # rounded into the integer range
        limits = np.iinfo(integer)
        x = Tensor(np.clip(np.round(x.data), limits.min, limits.max).astype(integer))
    return restore(x)


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


def _triangle(d):
    return np.maximum(0.0, 1.0 - d)


def _keys_cubic(d):                 # Keys' cubic convolution kernel, a = -0.5
    near = ((1.5 * d - 2.5) * d) * d + 1.0
    far = ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0
    return np.where(d >= 2.0, 0.0, np.where(d >= 1.0, far, near))


def _lanczos(radius):
    def kernel(d):                  # radius sin(pi d) sin(pi d / radius) / (pi d)^2, 1 at d = 0
        safe = np.where(d > 1e-3, d, 1.0)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi * safe) ** 2
        return np.where(d > radius, 0.0, np.where(d > 1e-3, value, 1.0))
    return kernel


SCALE_AND_TRANSLATE_KERNELS = {
    "linear": _triangle, "bilinear": _triangle, "trilinear": _triangle,
    "cubic": _keys_cubic, "bicubic": _keys_cubic, "tricubic": _keys_cubic,
    "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """`images` (an array of any rank) resampled to `output_shape`, as jax.image does.

    Along each axis d = spatial_dims[k], output entry i (centre i + 0.5) samples the input
    at (i + 0.5 - translation[k]) / scale[k] (pixel centres at j + 0.5), mixing the input
    entries with a kernel of the distance: method 'linear' / 'bilinear' / 'trilinear'
    (triangle), 'cubic' / 'bicubic' / 'tricubic' (Keys) or 'lanczos3' / 'lanczos5'. With
    antialias, downsampling widens the kernel by 1 / scale (a low-pass filter). The weights
    of each output entry are normalized to sum to 1; entries that sample outside the input
    are 0. The other axes keep their size. Integer images give floatx(). The gradient
    flows back to the images.
    """
    caller = "scale_and_translate"
    backend.check_choice(caller, "method", method, tuple(SCALE_AND_TRANSLATE_KERNELS))
    x = _floating(m.tensor(images))
    dims = tuple(spatial_dims)
    if not all(isinstance(d, numbers.Integral) and -x.ndim <= d < x.ndim for d in dims):
        raise ValueError(f"{caller}: spatial_dims must be axes of the images (rank {x.ndim}), "
                         f"received spatial_dims={spatial_dims!r}")
    dims = tuple(d % x.ndim for d in dims)
    scale, translation = _array(scale).ravel(), _array(translation).ravel()
    if not len(scale) == len(translation) == len(dims) or np.any(scale == 0):
        raise ValueError(f"{caller}: expected one nonzero scale and one translation per "
                         f"spatial dim ({len(dims)}), received scale={scale.tolist()} and "
                         f"translation={translation.tolist()}")
    shape = tuple(output_shape)
    if len(shape) != x.ndim or any(shape[d] != x.shape[d] for d in range(x.ndim)
                                   if d not in dims):
        raise ValueError(f"{caller}: output_shape must have the images' rank ({x.ndim}) and "
                         f"keep the axes outside spatial_dims {dims} (images of shape "
                         f"{x.shape}), received output_shape={output_shape!r}")
    kernel = SCALE_AND_TRANSLATE_KERNELS[method]
    for axis, s, t in zip(dims, scale, translation):
        weights = _resampling_weights(x.shape[axis], shape[axis], s, t, kernel, antialias)
        x = _linear_along(x, weights.astype(x.dtype), axis)
    return x


def _resampling_weights(size, new_size, scale, translation, kernel, antialias):
    """The (new_size, size) weights of `scale_and_translate` along one axis."""
    centres = (np.arange(new_size) + 0.5 - translation) / scale - 0.5    # in input indices
    widening = max(1.0 / scale, 1.0) if antialias else 1.0
    weights = kernel(np.abs(centres[:, None] - np.arange(size)[None, :]) / widening)
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps,
                       weights / np.where(total != 0, total, 1.0), 0.0)
    inside = (centres >= -0.5) & (centres <= size - 0.5)
    return np.where(inside[:, None], weights, 0.0)


def _linear_along(x, matrix, axis):
    """The op out = matrix applied along `axis` of the Tensor x: out[..., i, ...] = sum over j
    of matrix[i, j] * x[..., j, ...]."""
    def backward(g):                  # a linear map: the gradient goes through its transpose
        return (np.moveaxis(np.tensordot(g, matrix, axes=([axis], [0])), -1, axis),)
    out = np.moveaxis(np.tensordot(x.data, matrix, axes=([axis], [1])), -1, axis)
    return Tensor.from_op(out, (x,), backward)


# The Keras ops, graph-aware: given a symbolic tensor (keras.Input, a layer output) they add
# a node to the model's graph (see `neuronet.ops`).
from . import graph_aware  # noqa: E402  (the package is initialised before its modules)

globals().update({name: graph_aware(globals()[name]) for name in KERAS_OPS})
