"""Pictures as arrays: load_img, img_to_array, array_to_img, save_img, and batches of pictures.

Decoding, resizing and encoding use Pillow, the optional 'image' extra
(`pip install 'neuronet[image]'`), imported on first use.
"""
import io
import os
import warnings

import numpy as np

from ... import backend
from ...backend import check_choice, standardize_data_format
from ...ops.image import resize

# File extensions read as images, each era's own list (a folder of both kinds then gives the
# same samples and labels as in Keras): the iterators of tf.keras 2 (flow_from_directory)
# and Keras 3's image_dataset_from_directory.
ITERATOR_FORMATS = (".bmp", ".jpeg", ".jpg", ".png", ".ppm", ".tif", ".tiff")
DATASET_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")

COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}       # color_mode -> channels
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(caller):
    """The PIL.Image module, or an ImportError that says how to install Pillow."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(f"{caller} needs Pillow: pip install 'neuronet[image]'") from error
    return Image


# --- argument checks -----------------------------------------------------------------------------
def check_size(caller, name, size):
    """A (height, width) pair of positive ints, as a tuple."""
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size)):
        raise ValueError(f"{caller}: {name} must be a (height, width) pair of positive ints, "
                         f"received {size!r}")
    return int(size[0]), int(size[1])


# --- reading one picture -------------------------------------------------------------------------
def _crop_box(size, target):
    """The centred box of `size` (width, height) with the aspect ratio of `target`."""
    width, height = size
    target_width, target_height = target
    crop_width = min(width, height * target_width // target_height)
    crop_height = min(height, width * target_height // target_width)
    left = (width - crop_width) // 2
    top = (height - crop_height) // 2
    return left, top, left + crop_width, top + crop_height


def _convert(img, color_mode):
    """`img` in the PIL mode of `color_mode`; 16- and 32-bit grayscale stay as they are."""
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    wanted = color_mode.upper()
    return img if img.mode == wanted else img.convert(wanted)


def read_image(path, color_mode="rgb", target_size=None, interpolation="nearest", aspect=None,
               caller="load_img"):
    """Decode one picture into a PIL image of `color_mode`, resized to `target_size` if given.

    `aspect` keeps the aspect ratio on resizing: 'crop' takes the centred box of the
    target's ratio, 'pad' fits the picture inside and pads it with black. The picture is
    always decoded at full scale, as tf.keras does: Pillow's JPEG `draft` (decoding at
    1/2 .. 1/8 scale, or only the luma of a colour JPEG for grayscale) is several times
    faster but gives other pixels.
    """
    Image = _pil_image(caller)
    check_choice(caller, "color_mode", color_mode, tuple(COLOR_MODES))
    check_choice(caller, "interpolation", interpolation, INTERPOLATIONS)
    if isinstance(path, io.BytesIO):
        name, data = "<BytesIO>", path
    elif isinstance(path, (str, bytes, os.PathLike)):
        name = os.fsdecode(path)
        with open(name, "rb") as file:
            data = io.BytesIO(file.read())
    else:
        raise TypeError(f"{caller}: path should be a path or an io.BytesIO, "
                        f"received {type(path).__name__}")
    try:
        img = Image.open(data)
        img.load()
        img = _convert(img, color_mode)
        if target_size is not None and img.size != (target_size[1], target_size[0]):
            size = (target_size[1], target_size[0])
            resample = getattr(Image, interpolation.upper())
            if aspect == "pad":
                from PIL import ImageOps
                img = ImageOps.pad(img, size, method=resample, color=0)
            else:
                box = _crop_box(img.size, size) if aspect == "crop" else None
                img = img.resize(size, resample, box=box)
    except OSError as error:        # PIL.UnidentifiedImageError, truncated or corrupt data
        raise OSError(f"{caller}: cannot decode the image file '{name}': {error}") from error
    return img


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Load a picture file (or io.BytesIO) as a PIL image.

    Args:
        path: the file's path, or an io.BytesIO of its bytes.
        color_mode: 'rgb', 'grayscale' or 'rgba'.
        target_size: None (original size) or (height, width) to resize to.
        interpolation: resampling filter for resizing: 'nearest', 'bilinear', 'bicubic',
            'hamming', 'box' or 'lanczos'.
        keep_aspect_ratio: resize the centred crop of the target's aspect ratio, so that
            the picture is not distorted.
    """
    if target_size is not None:
        target_size = check_size("load_img", "target_size", target_size)
    return read_image(path, color_mode, target_size, interpolation,
                      aspect="crop" if keep_aspect_ratio else None)


# --- arrays and pictures -------------------------------------------------------------------------
def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a float array: (height, width, channels), or channels first."""
    data_format = standardize_data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError("img_to_array: expected an image of rank 2 or 3, "
                         f"received shape {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


_MODES_BY_CHANNELS = {1: "L", 3: "RGB", 4: "RGBA"}


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A (height, width, channels) array (1, 3 or 4 channels) as a PIL image.

    With `scale`, values are shifted and scaled to fill 0..255; otherwise they are cast
    to 8 bits as they are. One channel with values above 255 gives a 32-bit ('I') image.
    """
    Image = _pil_image("array_to_img")
    data_format = standardize_data_format(data_format, "array_to_img")
    x = np.array(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError("array_to_img: expected an array of rank 3 (one image), "
                         f"received shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    channels = x.shape[2]
    if channels not in _MODES_BY_CHANNELS:
        raise ValueError(f"array_to_img: expected 1, 3 or 4 channels, received {channels} "
                         f"(array of shape {x.shape}, data_format={data_format!r})")
    if scale:
        x -= x.min()
        if x.max() != 0:
            x /= x.max()
        x *= 255
    if channels == 1:
        if x.max() > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    return Image.fromarray(x.astype("uint8"), _MODES_BY_CHANNELS[channels])


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to a file; the format comes from `file_format` or the file name.

    RGBA pictures saved as JPEG lose their alpha channel (with a warning). Extra keyword
    arguments go to Pillow's `Image.save` (e.g. quality=90).
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"
    target = file_format or os.path.splitext(os.fsdecode(path))[1].lstrip(".")
    if img.mode == "RGBA" and target.lower() in ("jpg", "jpeg"):
        warnings.warn("save_img: the JPEG format does not support RGBA images, saving as RGB",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """An image (height, width, channels) or a batch of them resized to `size` = (height,
    width) without distortion, as Keras' smart_resize: the largest centred window with the
    target's aspect ratio, resized with `interpolation` ('bilinear', 'nearest', 'bicubic',
    'lanczos3', 'lanczos5'). Returns a NumPy array: floats, unrounded and unclipped, as
    Keras gives them (integer images keep their type only with 'nearest')."""
    if len(tuple(size)) != 2:
        raise ValueError(f"smart_resize: expected size to be (height, width), received "
                         f"size={size!r}")
    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError("smart_resize: expected an image (height, width, channels) or a batch "
                         f"(batch, height, width, channels), received shape {x.shape}")
    if x.dtype.kind in "biu" and interpolation != "nearest":
        x = x.astype(backend.floatx())
    return resize(x, size, interpolation=interpolation, crop_to_aspect_ratio=True,
                  data_format=data_format).numpy()


# --- batches of pictures -------------------------------------------------------------------------
_pool = None


def _decoder_pool():
    """Threads shared by every batch: Pillow releases the GIL while it decodes and resizes."""
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor
        _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                   thread_name_prefix="neuronet-image")
    return _pool


def load_image_batch(paths, color_mode, target_size, interpolation, aspect=None,
                     data_format="channels_last", dtype=None, caller="load_img",
                     keras_3_resize=False):
    """Decode and resize picture files into one float array (n, height, width, channels).

    Channels come first with data_format='channels_first'. The pixels are those of
    `load_img` + `img_to_array` on each file (Pillow resizes them, as tf.keras 2 did);
    with `keras_3_resize`, those of Keras 3's image_dataset_from_directory: each picture
    decoded at full size, then resized by `keras.ops.image.resize` (no antialiasing;
    `interpolation` one of its methods). The files are decoded on a thread pool.
    """
    batch = np.empty((len(paths),) + tuple(target_size) + (COLOR_MODES[color_mode],),
                     dtype=dtype or backend.floatx())

    def fill(i):
        if keras_3_resize:
            img = np.asarray(read_image(paths[i], color_mode, caller=caller), np.float32)
            img = resize(img.reshape(img.shape[:2] + (-1,)), target_size, interpolation,
                         crop_to_aspect_ratio=aspect == "crop",
                         pad_to_aspect_ratio=aspect == "pad").data
        else:
            img = read_image(paths[i], color_mode, target_size, interpolation, aspect,
                             caller=caller)
        batch[i] = np.asarray(img).reshape(batch.shape[1:])

    if len(paths) == 1:
        fill(0)
    else:
        list(_decoder_pool().map(fill, range(len(paths))))   # re-raises the first error
    return batch.transpose(0, 3, 1, 2).copy() if data_format == "channels_first" else batch
