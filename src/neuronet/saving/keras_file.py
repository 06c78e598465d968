"""`.keras` files (Keras 3's format): a zip archive holding

    metadata.json       versions and the date of saving
    config.json         the model's architecture, build and compile configs
    model.weights.h5    the weights and the optimizer state (see weights_file.py)
    assets/...          files some layers keep beside their weights (Keras writes an
                        adapted vocabulary there; neuronet keeps it in the config and
                        reads these files when loading Keras' archives)

Saving writes a temporary file beside the target and renames it over the target in one
step, so a failed save leaves the previous file intact. Loading reads data only.
The functions import zipfile and tempfile where they use them: at the top those would
add some 15 ms to `import neuronet`.
"""
import contextlib
import datetime
import io
import json
import os

from .atomic import atomic_write, check_overwrite, require_file
from .serialization import deserialize_keras_object, serialize_keras_object
from .weights_file import h5py_module, read_state, saveables, state_bytes

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"


def _metadata():
    from .. import __version__
    return {"neuronet_version": __version__,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def _write_archive(file, model):
    """The three entries of a .keras archive, written into the open binary `file`."""
    config = json.dumps(serialize_keras_object(model))
    weights = state_bytes(model)
    import zipfile
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr(METADATA_FILENAME, json.dumps(_metadata()))
        archive.writestr(CONFIG_FILENAME, config)
        archive.writestr(WEIGHTS_FILENAME, weights)


def save_model(model, filepath, overwrite=True):
    """Save `model` (architecture, weights, optimizer state) to a `.keras` file."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError("save_model: the filename must end in `.keras` (or in `.h5` / `.hdf5` "
                         "for the legacy HDF5 format; the weights alone go to a `.weights.h5` "
                         f"file with save_weights). Received: filepath={filepath!r}")
    check_overwrite(filepath, overwrite, "save_model")
    with atomic_write(filepath) as file:
        _write_archive(file, model)


@contextlib.contextmanager
def open_archive(filepath, caller):
    """The .keras file as an open ZipFile; a clear error if it is missing or not a zip."""
    require_file(filepath, caller)
    import zipfile
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except zipfile.BadZipFile as error:
        raise ValueError(f"{caller}: {filepath!r} is not a valid .keras file: it is not a "
                         f"zip archive, or it is truncated ({error})") from None
    with archive:
        yield archive


def _read_entry(archive, name, source):
    import zipfile
    if name not in archive.namelist():
        raise ValueError(f"{source} is not a valid .keras file: the archive has no "
                         f"'{name}' (it has {archive.namelist()})")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as error:    # truncated or damaged entry
        raise ValueError(f"{source}: the entry '{name}' of the archive is damaged "
                         f"({error})") from None


@contextlib.contextmanager
def weights_h5(archive, source):
    """The archive's model.weights.h5 as an open, read-only h5py File."""
    data = _read_entry(archive, WEIGHTS_FILENAME, source)
    try:
        h5file = h5py_module().File(io.BytesIO(data), "r")
    except OSError as error:
        raise ValueError(f"{source}: '{WEIGHTS_FILENAME}' in the archive is not a readable "
                         f"HDF5 file ({error})") from None
    with h5file:
        yield h5file


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file, with its weights and (if `compile`) its
    optimizer state.

    custom_objects: {name: class or function} for the user classes and functions the
    file names. safe_mode: when True (default), Python lambdas stored in the file as
    bytecode are refused, since loading them runs code from the file.
    """
    filepath = os.fspath(filepath)
    source = f"load_model: {filepath!r}"
    if not filepath.endswith(".keras"):
        raise ValueError(f"load_model: expected a `.keras` file or a legacy `.h5` / `.hdf5` file "
                         f"(use load_weights for `.weights.h5` files). Received: "
                         f"filepath={filepath!r}")
    with open_archive(filepath, "load_model") as archive:
        try:
            config = json.loads(_read_entry(archive, CONFIG_FILENAME, source))
        except json.JSONDecodeError as error:
            raise ValueError(f"{source}: '{CONFIG_FILENAME}' is not valid JSON "
                             f"({error})") from None
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"{source}: '{CONFIG_FILENAME}' does not describe a model "
                             "(expected a dict with 'class_name' and 'config')")
        if not compile:
            config = {key: value for key, value in config.items() if key != "compile_config"}
        try:
            model = deserialize_keras_object(config, custom_objects, safe_mode)
        except (ValueError, TypeError) as error:
            raise type(error)(f"{source}: {error}") from None
        with weights_h5(archive, source) as h5file:
            read_state(model, h5file, source)
        _load_assets(model, archive)
    return model


def _load_assets(model, archive):
    """Hand each layer that has `load_assets(folder)` the files Keras 3 keeps for it in the
    archive under 'assets/<its path>/' (an adapted vocabulary), in a temporary folder.
    Only plain file names are taken: no entry reaches outside that folder."""
    import tempfile
    names = archive.namelist()
    for path, obj in saveables(model):
        prefix = f"assets/{path}/"
        files = [name for name in names if name.startswith(prefix)
                 and "/" not in name[len(prefix):] and name[len(prefix):] not in ("", ".", "..")]
        if not files or not hasattr(obj, "load_assets"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            for name in files:
                with open(os.path.join(folder, name[len(prefix):]), "wb") as out:
                    out.write(archive.read(name))
            obj.load_assets(folder)
