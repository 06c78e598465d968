"""Keras' legacy HDF5 files (`.h5`, `.hdf5`): whole models, as Keras 2 and Keras 3 write them
with `model.save("model.h5")`, and Keras 2's weights-only files (`save_weights("w.h5")`).

A whole-model file:

    attrs  model_config       JSON {"class_name", "config"}; its layers likewise, without
                              their module (a user class is named by its registered name)
           keras_version, backend
           training_config    (if compiled) JSON of the compile arguments, the optimizer
                              as "optimizer_config": {"class_name", "config"}
    model_weights/            the weights, in the layout of a weights-only file:
        attrs  layer_names    the names of model.layers, in order
        <layer name>/         attrs weight_names: where its weights lie under this group,
                              trainable weights first
        top_level_model_weights/   the model's own weights (usually none)
    optimizer_weights/        (if compiled) attrs weight_names: the optimizer's variables

Weights go to layers by position: the n-th layer with weights in the model takes the n-th
layer group with weights in the file (with by_name=True, the group of its name). A list
attribute too large for one HDF5 attribute is split into name0, name1, ..., as Keras does.
Saving builds the file in memory and then replaces the target in one step, so a failed save
leaves the previous file intact.
"""
import contextlib
import json
import os
import warnings

import numpy as np

from .atomic import check_overwrite, write_bytes_atomically
from .functional import is_op_entry
from .serialization import (compile_config, deserialize_keras_object, loading_scope,
                            serialize_keras_object)
from .weights_file import (h5_bytes, load_optimizer_state, mismatch, open_h5, own_variables,
                           read_dataset, safe_get)

H5_SUFFIXES = (".h5", ".hdf5")
ATTRIBUTE_LIMIT = 64512      # bytes: HDF5 keeps an attribute in its object's 64 KiB header
TOP_LEVEL = "top_level_model_weights"


def is_h5_path(filepath):
    return os.fspath(filepath).endswith(H5_SUFFIXES)


# --- attributes ------------------------------------------------------------------------------

def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _write_names(attrs, key, names):
    """Store a list of names as the attribute `key`, split into key0, key1, ... when it is
    too large for one attribute."""
    data = np.array([name.encode("utf8") for name in names], dtype="S")
    if data.itemsize > ATTRIBUTE_LIMIT:
        raise ValueError(f"saving: a name in '{key}' is longer than {ATTRIBUTE_LIMIT} bytes, "
                         "which an HDF5 attribute cannot hold")
    parts = 1
    while any(part.nbytes > ATTRIBUTE_LIMIT for part in np.array_split(data, parts)):
        parts += 1
    if parts == 1:
        attrs[key] = data
        return
    for i, part in enumerate(np.array_split(data, parts)):
        attrs[f"{key}{i}"] = part


def _read_names(attrs, key):
    """The list of names stored as the attribute `key` (or split into key0, key1, ...)."""
    if key in attrs:
        parts = [attrs[key]]
    else:
        parts = []
        while f"{key}{len(parts)}" in attrs:
            parts.append(attrs[f"{key}{len(parts)}"])
    return [_text(name) for part in parts for name in np.atleast_1d(part)]


def _json_attribute(h5file, key, source):
    """The JSON held by the attribute `key` of the file, or None without one."""
    value = h5file.attrs.get(key)
    if value is None:
        return None
    try:
        return json.loads(_text(value))
    except json.JSONDecodeError as error:
        raise ValueError(f"{source}: the attribute '{key}' is not valid JSON ({error})") from None


# --- weights ---------------------------------------------------------------------------------

def _legacy_weights(layer):
    """A layer's weights (its sublayers' included) in the order legacy files keep them."""
    return layer.trainable_weights + layer.non_trainable_weights


def _write_subset(group, variables):
    names = [variable.path for variable in variables]
    _write_names(group.attrs, "weight_names", names)
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=variable.data)


def _write_versions(attrs):
    from .. import __version__
    from ..backend import backend
    attrs["keras_version"] = __version__
    attrs["backend"] = backend()


def _write_weights(group, model):
    """The weights of `model`'s layers into `group`, in Keras 2's layout."""
    _write_names(group.attrs, "layer_names", [layer.name for layer in model.layers])
    _write_versions(group.attrs)
    for layer in model.layers:
        _write_subset(group.create_group(layer.name), _legacy_weights(layer))
    _write_subset(group.create_group(TOP_LEVEL), own_variables(model))


def _read_subset(group, source):
    return [read_dataset(group, name, source) for name in _read_names(group.attrs, "weight_names")]


def _read_layer_groups(group, source):
    """[(layer name, [array, ...])] of the layer groups that layer_names lists, in order."""
    saved = []
    for name in _read_names(group.attrs, "layer_names"):
        layer_group = safe_get(group, name, source)
        if layer_group is None:
            raise ValueError(f"{source}: corrupt HDF5 file: layer_names lists {name!r} but the "
                             "file has no group of that name")
        saved.append((name, _read_subset(layer_group, source)))
    return saved


def _checked(owner, variables, values, where, skip_mismatch):
    """[(variable, array)] for the weights of `owner`, after checking count and shapes."""
    if len(values) != len(variables):
        mismatch(f"Layer {owner.name!r} ({type(owner).__name__}) expects {len(variables)} "
                 f"weights, {where} has {len(values)}", skip_mismatch)
        return []
    pairs = []
    for variable, value in zip(variables, values):
        if value.shape == variable.shape:
            pairs.append((variable, value))
        else:
            mismatch(f"Layer {owner.name!r} ({type(owner).__name__}): weight {variable.path!r} "
                     f"has shape {variable.shape}, {where} has shape {value.shape}",
                     skip_mismatch)
    return pairs


def has_legacy_layout(h5file):
    """Whether an open HDF5 file holds weights in the legacy layout (whole model or
    Keras 2 weights), rather than Keras 3's `.weights.h5` layout."""
    attrs = h5file.attrs
    return "layer_names" in attrs or "layer_names0" in attrs or "model_weights" in h5file


def read_weights(model, h5file, source, skip_mismatch=False, by_name=False):
    """Load the weights of a legacy file into the built `model`; every layer is checked
    before any weight is written, so a mismatch leaves the model as it was."""
    if not model.built:
        raise ValueError(f"{source}: model {model.name!r} is not built, so it has no weights "
                         "to load into; call it on a batch of data or build it first")
    group = h5file
    if "layer_names" not in h5file.attrs and "layer_names0" not in h5file.attrs:
        group = safe_get(h5file, "model_weights", source)
        if group is None:
            raise ValueError(f"{source}: no weights in the file: it has neither the attribute "
                             "'layer_names' nor a 'model_weights' group")
    saved = _read_layer_groups(group, source)
    if by_name:
        by_layer_name = dict(saved)
        pairs = [(layer, layer.name, by_layer_name[layer.name]) for layer in model.layers
                 if layer.name in by_layer_name]
    else:
        layers = [layer for layer in model.layers if _legacy_weights(layer)]
        saved = [(name, values) for name, values in saved if values]
        if len(layers) != len(saved):
            raise ValueError(f"{source}: the model has {len(layers)} layers with weights "
                             f"{[layer.name for layer in layers]}, the file has "
                             f"{len(saved)} {[name for name, _ in saved]}")
        pairs = [(layer, name, values) for layer, (name, values) in zip(layers, saved)]
    assignments = []
    for layer, name, values in pairs:
        assignments += _checked(layer, _legacy_weights(layer), values,
                                f"the group {name!r} of {source}", skip_mismatch)
    top = safe_get(group, TOP_LEVEL, source)
    if top is not None:
        assignments += _checked(model, own_variables(model), _read_subset(top, source),
                                f"'{TOP_LEVEL}' of {source}", skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)


def save_weights(model, filepath, overwrite=True):
    """Write the weights of `model` (no optimizer state) to an `.h5` / `.hdf5` file in
    Keras 2's layout."""
    check_overwrite(filepath, overwrite, "save_weights")
    write_bytes_atomically(filepath, h5_bytes(lambda h5file: _write_weights(h5file, model)))


# --- whole models ------------------------------------------------------------------------------

def _legacy_entry(entry):
    """A serialized model or layer in the legacy layout: {'class_name', 'config'} (and the
    'name' and 'inbound_nodes' of a functional model's layer), a user class named by its
    registered name; the layers of a model likewise. An op node (`x + y` on symbolic
    tensors) keeps its module, which tells it from the layer of the same class name."""
    legacy = {"class_name": entry.get("registered_name") or entry["class_name"],
              "config": dict(entry["config"])}
    if is_op_entry(entry):
        legacy["module"] = entry["module"]
    legacy.update({key: entry[key] for key in ("name", "inbound_nodes") if key in entry})
    layers = legacy["config"].get("layers")
    if isinstance(layers, list):
        legacy["config"]["layers"] = [_legacy_entry(layer) for layer in layers]
    return legacy


def _training_config(model):
    """The compile arguments in the legacy layout (the optimizer as 'optimizer_config')."""
    config = dict(compile_config(model))
    optimizer = config.pop("optimizer")
    config["optimizer_config"] = {
        "class_name": optimizer["registered_name"] or optimizer["class_name"],
        "config": optimizer["config"]}
    return config


def _write_model(h5file, model, include_optimizer):
    _write_versions(h5file.attrs)
    h5file.attrs["model_config"] = json.dumps(_legacy_entry(serialize_keras_object(model)))
    with_optimizer = include_optimizer and model.compiled
    if with_optimizer:
        h5file.attrs["training_config"] = json.dumps(_training_config(model))
    _write_weights(h5file.create_group("model_weights"), model)
    if with_optimizer and model.optimizer.variables:
        _write_subset(h5file.create_group("optimizer_weights"), model.optimizer.variables)


def _check_graph_model(model):
    from ..models import Sequential
    if isinstance(model, Sequential) or getattr(model, "_functional", False):
        return
    raise NotImplementedError(
        f"save_model: the HDF5 format holds Sequential and functional models only; model "
        f"{model.name!r} ({type(model).__name__}) is subclassed, defined by the Python code "
        "of its call(), which the file cannot hold. Save it to a `.keras` file (with its class "
        "registered by @keras.saving.register_keras_serializable()), or save its weights "
        "with save_weights.")


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write a Sequential or functional model to a legacy `.h5` / `.hdf5` file:
    architecture, weights and (with include_optimizer) compile arguments and optimizer state."""
    _check_graph_model(model)
    check_overwrite(filepath, overwrite, "save_model")
    warnings.warn(f"save_model: {os.fspath(filepath)!r} is saved in the legacy HDF5 format; "
                  "the native Keras format is recommended instead, e.g. "
                  "model.save('my_model.keras')", UserWarning, stacklevel=3)
    data = h5_bytes(lambda h5file: _write_model(h5file, model, include_optimizer))
    write_bytes_atomically(filepath, data)


def _with_module(structure, module):
    """A legacy compile argument with `module` added to the objects that name none, so each
    is looked up among its own kind (a loss and a metric may share a class name)."""
    if isinstance(structure, dict):
        if "class_name" in structure:
            return {"module": module, **structure}
        return {key: _with_module(value, module) for key, value in structure.items()}
    if isinstance(structure, list):
        return [_with_module(item, module) for item in structure]
    return structure


def _compile(model, training, h5file, source):
    """Compile `model` from a training_config, then load the optimizer's state if saved."""
    model.compile_from_config({
        "optimizer": _with_module(training.get("optimizer_config"), "keras.optimizers"),
        "loss": _with_module(training.get("loss"), "keras.losses"),
        "loss_weights": training.get("loss_weights"),
        "metrics": _with_module(training.get("metrics"), "keras.metrics"),
        "weighted_metrics": _with_module(training.get("weighted_metrics"), "keras.metrics")})
    group = safe_get(h5file, "optimizer_weights", source)
    if group is not None:
        store = {str(i): value for i, value in enumerate(_read_subset(group, source))}
        load_optimizer_state(model, model.optimizer, store, source)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a legacy `.h5` / `.hdf5` file (by Keras or neuronet), with its
    weights and, if `compile` and the file has them, its compile arguments and optimizer
    state."""
    source = f"load_model: {filepath!r}"
    with open_h5(filepath, "load_model") as h5file, loading_scope(custom_objects, safe_mode):
        config = _json_attribute(h5file, "model_config", source)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"{source}: the file holds no model config (expected the attribute "
                             "'model_config' with 'class_name' and 'config'); a file of weights "
                             "alone loads with model.load_weights")
        training = _json_attribute(h5file, "training_config", source) if compile else None
        with _named_errors(source):
            model = deserialize_keras_object(config)
        read_weights(model, h5file, source)
        if training:
            with _named_errors(source):
                _compile(model, training, h5file, source)
    return model


@contextlib.contextmanager
def _named_errors(source):
    """ValueError and TypeError raised inside, with `source` (the function and file) first."""
    try:
        yield
    except (ValueError, TypeError) as error:
        raise type(error)(f"{source}: {error}") from None
