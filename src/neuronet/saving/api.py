"""The saving functions the package exports: the file's name picks the format, as in Keras 3.

    .keras          architecture, weights and optimizer state (keras_file.py)
    .weights.h5     weights and optimizer state in Keras 3's layout (weights_file.py)
    .h5, .hdf5      the legacy HDF5 format (legacy_h5.py): a whole model from save_model,
                    weights in Keras 2's layout from save_weights
"""
import os

from . import keras_file, legacy_h5
from .keras_file import open_archive, weights_h5
from .weights_file import WEIGHTS_SUFFIX, open_h5, read_state
from .weights_file import save_weights as save_weights_h5


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save `model` to a `.keras` file, or to a legacy `.h5` / `.hdf5` file (which keeps the
    optimizer's state only with include_optimizer=True)."""
    filepath = os.fspath(filepath)
    if legacy_h5.is_h5_path(filepath):
        legacy_h5.save_model(model, filepath, overwrite, include_optimizer)
    else:
        keras_file.save_model(model, filepath, overwrite)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file or a legacy `.h5` / `.hdf5` file, with its weights
    and (if `compile` and the file has them) its compile arguments and optimizer state.

    custom_objects: {name: class or function} for the user classes and functions the file
    names. safe_mode: when True (default), Python lambdas stored in the file as bytecode
    (e.g. in a Lambda layer) are refused, since loading them runs code from the file.
    """
    filepath = os.fspath(filepath)
    if legacy_h5.is_h5_path(filepath):
        return legacy_h5.load_model(filepath, custom_objects, compile, safe_mode)
    return keras_file.load_model(filepath, custom_objects, compile, safe_mode)


def save_weights(model, filepath, overwrite=True):
    """Save the weights of `model`: to a `.weights.h5` file (Keras 3's layout, with the
    optimizer's state), or to another `.h5` / `.hdf5` file in Keras 2's layout."""
    filepath = os.fspath(filepath)
    if legacy_h5.is_h5_path(filepath) and not filepath.endswith(WEIGHTS_SUFFIX):
        legacy_h5.save_weights(model, filepath, overwrite)
    else:
        save_weights_h5(model, filepath, overwrite)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Load weights into a built model from a `.weights.h5` file, a `.keras` file, or a legacy
    `.h5` / `.hdf5` file (a whole model's or Keras 2's weights-only layout).

    by_name: for legacy files only, give each layer the weights saved under its name (layers
    the file does not name keep theirs) instead of matching layers by position.
    """
    filepath = os.fspath(filepath)
    source = f"load_weights: {filepath!r}"
    if filepath.endswith(".keras"):
        with open_archive(filepath, "load_weights") as archive, \
                weights_h5(archive, source) as h5file:
            _check_by_name(by_name, filepath)
            read_state(model, h5file, source, skip_mismatch)
        return
    if not legacy_h5.is_h5_path(filepath):
        raise ValueError(f"load_weights: expected a `{WEIGHTS_SUFFIX}`, `.keras`, `.h5` or "
                         f"`.hdf5` file. Received: filepath={filepath!r}")
    with open_h5(filepath, "load_weights") as h5file:
        if legacy_h5.has_legacy_layout(h5file):
            legacy_h5.read_weights(model, h5file, source, skip_mismatch, by_name)
        else:
            _check_by_name(by_name, filepath)
            read_state(model, h5file, source, skip_mismatch)


def _check_by_name(by_name, filepath):
    if by_name:
        raise ValueError("load_weights: by_name=True only works with legacy `.h5` / `.hdf5` "
                         f"files (Keras 2's layout). Received: filepath={filepath!r}")
