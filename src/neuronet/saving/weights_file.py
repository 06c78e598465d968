"""Weights in Keras 3's HDF5 layout: `model.weights.h5` inside a `.keras` file, or a
`.weights.h5` file of its own.

    layers/dense/vars/0         first weight of the first Dense in model.layers
    layers/dense_1/vars/0       ... of the second Dense
    layers/lstm/cell/vars/0     a weight of a layer held by a layer (attribute `cell`)
    optimizer/vars/0            the optimizer's variables (step counter first)
    vars                        the model's own weights (usually none)

A group is named after the class of its layer and its place in the list, never after the
layer's name; each `vars` group has the object's name as attribute 'name'. A layer's
weights are numbered trainable ones first, then the others, each in creation order.
"""
import contextlib
import io
import os
import warnings

import numpy as np

from .atomic import check_overwrite, require_file, write_bytes_atomically
from .serialization import snake_case

WEIGHTS_SUFFIX = ".weights.h5"


# --- the walk: which object goes to which group -------------------------------------------

def h5py_module():
    """h5py, imported on first use: saving needs the 'saving' extra, importing neuronet does not."""
    try:
        import h5py
    except ImportError as error:
        raise ImportError("Saving and loading models needs h5py: "
                          "pip install 'neuronet[saving]'") from error
    return h5py


def _name_key(name):
    """Keras visits private attributes after public ones."""
    return f"~{name}" if name.startswith("_") else name


def _unique(base, used):
    """'dense', then 'dense_1', 'dense_2', ... within one list."""
    count = used.get(base)
    used[base] = 0 if count is None else count + 1
    return base if count is None else f"{base}_{count + 1}"


def _children(layer):
    """(attribute, layer or container) under `layer`: a model's layers first, then the
    layers (and lists, tuples and dicts of them) held as attributes, sorted by name."""
    from .functional import layer_order
    children = []
    if getattr(layer, "_functional", False):
        children.append(("layers", layer_order(layer)))
    elif hasattr(layer, "add") and hasattr(layer, "layers"):          # Sequential
        children.append(("layers", layer.layers))
    for name in sorted(layer.__dict__.get("_tracked", ()), key=_name_key):
        children.append((name, layer.__dict__.get(name)))
    return children


def saveables(model):
    """[(group path, object)] for the model, every layer under it (each once) and its
    optimizer, in the order Keras visits them."""
    from ..layers import Layer
    found, seen = [], set()

    def visit(obj, path):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        found.append((path, obj))
        if not isinstance(obj, Layer):
            return
        for name, child in _children(obj):
            child_path = f"{path}/{name}" if path else name
            if isinstance(child, (list, tuple, dict)):
                visit_list(child, child_path)
            elif isinstance(child, Layer):
                visit(child, child_path)

    def visit_list(items, path):
        """A list, tuple or dict of layers (a dict's values in its order, as Keras)."""
        used = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if isinstance(item, (list, tuple, dict)):
                visit_list(item, f"{path}/{_unique('container', used)}")
            elif isinstance(item, Layer):
                visit(item, f"{path}/{_unique(_group_name(item), used)}")

    visit(model, "")
    if getattr(model, "optimizer", None) is not None:
        found.append(("optimizer", model.optimizer))
    return found


def _group_name(layer):
    """The weights group of a layer in a list: its Python class name in snake case, as Keras
    names it (`keras_class_name` where Keras' class is named unlike its public name)."""
    return snake_case(getattr(type(layer), "keras_class_name", type(layer).__name__))


def own_variables(layer):
    """The weights a layer holds itself (not through sublayers), in Keras' order."""
    return layer._own_weights() if hasattr(layer, "_own_weights") else []


def _vars_path(path):
    return f"{path}/vars" if path else "vars"


def _keeps_weights_in_cell(layer):
    """Keras' SimpleRNN, LSTM and GRU hold their weights in a `cell` sublayer, so their
    weights go to '<layer>/cell/vars' (and '<layer>/vars' stays empty)."""
    from ..layers.rnn_base import RecurrentLayer
    return isinstance(layer, RecurrentLayer)


# --- writing -------------------------------------------------------------------------------

def write_state(model, h5file):
    """Write the weights of `model` and its optimizer's variables into an open h5py File."""
    for path, obj in saveables(model):
        group = h5file.create_group(_vars_path(path))
        group.attrs["name"] = str(obj.name)
        if _keeps_weights_in_cell(obj):
            group = h5file.create_group(_vars_path(f"{path}/cell"))
            group.attrs["name"] = f"{snake_case(type(obj).__name__)}_cell"
        if hasattr(obj, "save_own_variables"):
            store = {}
            obj.save_own_variables(store)
        else:
            store = {str(i): w.data for i, w in enumerate(own_variables(obj))}
        for key, value in store.items():
            group.create_dataset(key, data=np.asarray(value))


def h5_bytes(write):
    """The bytes of an HDF5 file that `write(h5file)` fills, built in memory."""
    buffer = io.BytesIO()
    with h5py_module().File(buffer, "w") as h5file:
        write(h5file)
    return buffer.getvalue()


def state_bytes(model):
    """The weights file of `model` as bytes."""
    return h5_bytes(lambda h5file: write_state(model, h5file))


# --- reading -------------------------------------------------------------------------------

def safe_get(root, path, source):
    """The h5py object at `path` under `root`, or None if there is none; links to other
    places or files are refused."""
    h5py = h5py_module()
    node = root
    for part in path.strip("/").split("/"):
        if not isinstance(node, h5py.Group):
            raise ValueError(f"{source}: corrupt HDF5 file: '{path}' passes through a dataset")
        if part not in node:
            return None
        link = node.get(part, getlink=True)
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise ValueError(f"{source}: refusing to follow the link at '{path}' in the HDF5 "
                             "file (links to other places or files are not allowed)")
        node = node[part]
    return node


def _group(h5file, path, source):
    """The h5py Group at `path`, or None."""
    node = safe_get(h5file, path, source)
    if node is not None and not isinstance(node, h5py_module().Group):
        raise ValueError(f"{source}: corrupt weights file: '{path}' is not a group")
    return node


def read_dataset(group, path, source):
    """The array stored at `path` under `group`; it must be a plain dataset in the file."""
    dataset = safe_get(group, path, source)
    if (not isinstance(dataset, h5py_module().Dataset) or dataset.external
            or dataset.is_virtual):
        raise ValueError(f"{source}: corrupt HDF5 file: '{group.name}/{path}' is not a plain "
                         "dataset")
    return dataset[()]


def read_vars(h5file, path, source):
    """{'0': array, ...} stored for the object at `path`, or None if there is no group."""
    group = _group(h5file, _vars_path(path), source)
    if group is None:
        return None
    return {key: read_dataset(group, key, source) for key in group}


def mismatch(message, skip_mismatch):
    """Raise ValueError, or with skip_mismatch warn that the weights are skipped."""
    if not skip_mismatch:
        raise ValueError(message)
    warnings.warn(f"{message}; skipped (skip_mismatch=True)", stacklevel=4)


def _checked(layer, path, store, source, skip_mismatch):
    """[(variable, array)] for a layer, after checking count and shapes against the file."""
    variables = own_variables(layer)
    where = f"'{_vars_path(path)}' in {source}"
    if store is None:
        store = {}
        if not variables:
            return []
    if len(store) != len(variables):
        mismatch(f"Layer {layer.name!r} ({type(layer).__name__}) expects {len(variables)} "
                  f"weights, the file has {len(store)} at {where}", skip_mismatch)
        return []
    pairs = []
    for i, variable in enumerate(variables):
        value = store.get(str(i))
        if value is None or value.shape != variable.shape:
            found = None if value is None else value.shape
            mismatch(f"Layer {layer.name!r} ({type(layer).__name__}): weight "
                      f"{variable.name!r} has shape {variable.shape}, the file has shape "
                      f"{found} at {where}/{i}", skip_mismatch)
            return []
        pairs.append((variable, value))
    return pairs


def read_state(model, h5file, source, skip_mismatch=False):
    """Load the weights (and optimizer variables) of `model` from an open h5py File.

    Every layer is checked before any weight is written, so a mismatch leaves the model
    as it was. Optimizer state that does not fit is skipped with a warning, as in Keras.
    """
    if not model.built:
        raise ValueError(f"{source}: model {model.name!r} is not built, so it has no weights "
                         "to load into; call it on a batch of data or build it first")
    assignments, custom_loads, optimizer = [], [], None
    for path, obj in saveables(model):
        if obj is getattr(model, "optimizer", None):
            optimizer = (obj, read_vars(h5file, path, source))
        elif hasattr(obj, "load_own_variables"):
            custom_loads.append((obj, read_vars(h5file, path, source) or {}))
        else:
            if _keeps_weights_in_cell(obj):
                path = f"{path}/cell"
            assignments += _checked(obj, path, read_vars(h5file, path, source), source,
                                    skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)
    for obj, store in custom_loads:
        obj.load_own_variables(store)
    if optimizer is not None and optimizer[1] is not None:
        load_optimizer_state(model, *optimizer, source)


def load_optimizer_state(model, optimizer, store, source):
    """Load the optimizer's state; its slot variables are made first when the file has them
    (a state saved before any training step has none)."""
    if not optimizer.built and len(store) != len(optimizer.variables):
        optimizer.build(model._compiled_trainable_weights())
    variables = optimizer.variables
    shapes = [np.shape(store.get(str(i))) for i in range(len(store))]
    if shapes != [v.shape for v in variables]:
        warnings.warn(f"{source}: skipping the optimizer state: optimizer {optimizer.name!r} "
                      f"has {len(variables)} variables of shapes {[v.shape for v in variables]}, "
                      f"the file has {len(store)} of shapes {shapes}", stacklevel=3)
        return
    optimizer.load_own_variables(store)


# --- .weights.h5 files ----------------------------------------------------------------------

def save_weights(model, filepath, overwrite=True):
    """Write the weights of `model` (and its optimizer's state) to a `.weights.h5` file;
    the write is atomic."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(WEIGHTS_SUFFIX):
        raise ValueError(f"save_weights: the filename must end in `{WEIGHTS_SUFFIX}` (or in "
                         f"`.h5` / `.hdf5` for Keras 2's layout). Received: filepath={filepath!r}")
    check_overwrite(filepath, overwrite, "save_weights")
    write_bytes_atomically(filepath, state_bytes(model))


@contextlib.contextmanager
def open_h5(filepath, caller):
    """The HDF5 file at `filepath`, open read-only; a clear error if it is missing or not HDF5."""
    source = f"{caller}: {filepath!r}"
    require_file(filepath, caller)
    try:
        h5file = h5py_module().File(filepath, "r")
    except OSError as error:
        raise ValueError(f"{source} is not a readable HDF5 file ({error})") from None
    with h5file:
        yield h5file
