"""Keras 3's serialized layout of objects, and the registry that reads it back.

Every object is written as Keras 3 writes it, so that the files of one load in the other:

    {"module": "keras.layers", "class_name": "Dense", "config": {...},
     "registered_name": None, "build_config": {"input_shape": [None, 4]}}

Built-in classes carry their public Keras module; user classes carry their own module
and their registered name ("package>Name" when registered with
`register_keras_serializable`, else the class name), and are found again through the
registry, an active `custom_object_scope` or `custom_objects`. Reading never imports a
module or unpickles. A Python lambda is stored as its bytecode (as Keras 3 stores it), which
only a load outside safe mode turns back into a function (`safe_mode=False`, or
`enable_unsafe_deserialization()`).
"""
import contextlib
import contextvars
import inspect
import types
import warnings

import numpy as np

from ..backend import snake_case
from .lambda_code import dump_function, load_function
from .object_registration import (CustomObjectScope, find_registered, function_config,
                                  get_registered_name)


# --- names ---------------------------------------------------------------------------------

def name_table(classes, aliases):
    """Every accepted string identifier -> its class: class names, snake_case names, aliases."""
    table = {cls.__name__: cls for cls in classes}
    table.update({snake_case(cls.__name__): cls for cls in classes})
    table.update(aliases)
    return table


def _label(module):
    """'keras.initializers' -> 'initializers', the prefix of error messages."""
    return module.rsplit(".", 1)[-1]


# --- options of the load in progress (custom objects, safe mode) ----------------------------

_SAFE_MODE = contextvars.ContextVar("neuronet_safe_mode", default=True)
_UNSAFE_DESERIALIZATION = {"enabled": False}     # set by enable_unsafe_deserialization()


def enable_unsafe_deserialization():
    """Turn safe mode off for every later load: Python lambdas stored in files as bytecode
    are loaded (their code runs when called), as with `safe_mode=False`."""
    _UNSAFE_DESERIALIZATION["enabled"] = True


def in_safe_mode():
    """Whether the load in progress refuses lambdas stored as bytecode."""
    return _SAFE_MODE.get() and not _UNSAFE_DESERIALIZATION["enabled"]


@contextlib.contextmanager
def loading_scope(custom_objects=None, safe_mode=None):
    """Within it, every deserialization also sees `custom_objects` (as a custom object
    scope, so that the `get` of activations, initializers, ... finds them) and `safe_mode`."""
    token = _SAFE_MODE.set(_SAFE_MODE.get() if safe_mode is None else bool(safe_mode))
    try:
        with CustomObjectScope(custom_objects):
            yield
    finally:
        _SAFE_MODE.reset(token)


def _register_hint(name):
    """How to make the custom object `name` known to the loading functions."""
    name = name.split(">")[-1]
    return (f"register it with @keras.saving.register_keras_serializable(), or pass it to "
            f"the loading function as custom_objects={{{name!r}: {name}}}")


# --- configs written by another version or by Keras -----------------------------------------

# Keras options that neuronet does not have, with the value that means "not used".
_KERAS_ONLY_DEFAULTS = {"data_format": "channels_last", "autocast": True, "renorm_momentum": 0.99}


def init_parameters(cls):
    """Names the constructor of `cls` takes, following **kwargs up the base classes."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        parameters = list(inspect.signature(init).parameters.values())[1:]      # after self
        names.update(p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return names


def accepted_config(config, accepted, owner, who):
    """`config` without the options not in `accepted` that are switched off (None, False,
    Keras' default); such an option that is switched on raises ValueError."""
    kept = {}
    for key, value in config.items():
        if key in accepted:
            kept[key] = value
        elif key != "shared_object_id" and not (value is None or value is False or value == ()
                                                or _KERAS_ONLY_DEFAULTS.get(key, ...) == value):
            raise ValueError(f"{who}: option {key}={value!r} of {owner} is not supported "
                             f"by neuronet (its options: {', '.join(sorted(accepted))})")
    return kept


# --- objects with a table of built-in names (initializers, regularizers) ---------------------

def serialize_object(obj, module, names):
    """`obj` as Keras 3 writes it: {'module', 'class_name', 'config', 'registered_name'}.

    Built-in classes carry the public Keras module and no registered name; user classes
    carry their own module and their registered name; functions as `function_config`.
    """
    if obj is None:
        return None
    if inspect.isfunction(obj):
        return function_config(obj)
    cls = type(obj)
    if inspect.isclass(obj) or not hasattr(obj, "get_config"):
        raise TypeError(f"{_label(module)}.serialize: expected an instance with get_config() "
                        f"or a function, received {obj!r}")
    built_in = names.get(cls.__name__) is cls
    return {"module": module if built_in else cls.__module__, "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None if built_in else get_registered_name(cls)}


def deserialize_object(config, module, names, custom_objects=None):
    """The object a name or a config dict (Keras 2 or 3 layout) describes."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{_label(module)}.deserialize: expected a name or a dict with "
                         f"'class_name' and 'config', received {config!r}")
    class_name, registered = config["class_name"], config.get("registered_name")
    if class_name == "function":
        return _find_function(config, f"{_label(module)}.deserialize", custom_objects)
    factory = find_registered((registered, class_name), custom_objects) or names.get(class_name)
    if factory is None:
        raise ValueError(f"{_label(module)}.deserialize: unknown identifier {class_name!r}; "
                         f"valid names: {', '.join(sorted(names))}")
    inner = config.get("config") or {}
    if inspect.isclass(factory):
        inner = accepted_config(inner, init_parameters(factory), factory.__name__,
                                f"{_label(module)}.deserialize")
    return factory.from_config(inner) if hasattr(factory, "from_config") else factory(**inner)


def get_object(identifier, module, deserializer):
    """Keras' `get`: None, a name, a config dict, a class (instantiated) or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserializer(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"{_label(module)}.get: could not interpret identifier {identifier!r}; "
                     f"expected None, a name, a config dict or a callable")


# --- the registry: Keras module -> {class name: neuronet class} ------------------------------

_FUNCTIONAL_MODULE = "keras.src.models.functional"
_CATEGORIES = ("schedules", "layers", "losses", "metrics", "optimizers", "initializers",
               "regularizers", "constraints", "activations", "models", "utils")


def _public(module, base):
    """The classes `module` exports (its `__all__`, else all) that derive from `base`."""
    found = {}
    for name in getattr(module, "__all__", list(vars(module))):
        obj = getattr(module, name, None)
        if inspect.isclass(obj) and issubclass(obj, base):
            found[obj.__name__] = obj
    return found


def registry():
    """{category: {Keras class name: neuronet class}} of everything a file may name."""
    from .. import (constraints, initializers, layers, losses, metrics, models, optimizers,
                    regularizers)
    from ..optimizers import schedules
    from ..utils.feature_space import FeatureSpace
    return {
        "layers": _public(layers, layers.Layer),
        "models": {"Sequential": models.Sequential, "Functional": models.Model,
                   "Model": models.Model},
        "optimizers": {**_public(optimizers, optimizers.Optimizer),
                       "OptimizerMap": optimizers.OptimizerMap},
        "schedules": _public(schedules, schedules.LearningRateSchedule),
        "losses": _public(losses, losses.Loss),
        "metrics": dict(metrics.CLASSES),
        "initializers": _public(initializers, initializers.Initializer),
        "regularizers": _public(regularizers, regularizers.Regularizer),
        "constraints": _public(constraints, constraints.Constraint),
        "utils": {"FeatureSpace": FeatureSpace},
    }


def _functions():
    """{category: {name: function}} of the built-in functions a config may name."""
    from .. import activations, losses, metrics
    return {
        "activations": {name: getattr(activations, name) for name in activations.__all__
                        if name not in ("get", "serialize", "deserialize")},
        "losses": {name: getattr(losses, name) for name in losses.__all__
                   if inspect.isfunction(getattr(losses, name))},
        "metrics": dict(metrics.FUNCTIONS),
    }


def _keras_module(category):
    return {"models": "keras", "schedules": "keras.optimizers.schedules"}.get(
        category, f"keras.{category}")


def _category(module):
    """The category a module path names ('keras.src.layers.core' -> 'layers'), or None."""
    parts = (module or "").split(".")
    if "functional" in parts or module == "keras":
        return "models"
    return next((c for c in _CATEGORIES if c in parts), None)


def _is_library_module(module):
    """Whether a config's module is one of the libraries' own ('builtins': Keras 3 writes
    every function under it)."""
    return module is None or module.split(".")[0] in ("keras", "tf", "neuronet", "builtins")


def _public_name(obj):
    """(module, class_name, registered_name) under which `obj` is written."""
    cls = type(obj)
    if getattr(obj, "_functional", False) and cls.__name__ == "Model":
        return _FUNCTIONAL_MODULE, "Functional", "Functional"
    for category, table in registry().items():
        if table.get(cls.__name__) is cls:
            return _keras_module(category), cls.__name__, None
    return cls.__module__, cls.__name__, get_registered_name(cls)


def find_class(module, class_name, registered_name=None):
    """The class a config names: from the custom objects (scope, registry) first, then
    neuronet's built-ins. The error of an unknown one lists the built-ins only when the
    config names a library's module (a misspelt built-in, more likely than a custom class)."""
    custom = find_registered((registered_name, class_name))
    if custom is not None:
        return custom
    tables = registry()
    category = _category(module)
    library = _is_library_module(module)
    if library:
        for table in ([tables[category]] if category in tables else tables.values()):
            if class_name in table:
                return table[class_name]
    known = sorted(tables[category] if category in tables else
                   {name for table in tables.values() for name in table})
    listed = f"Known {category or 'classes'}: {', '.join(known)}. " if library else ""
    raise ValueError(f"unknown class {class_name!r} (module {module!r}). {listed}If it is a "
                     "custom class, " + _register_hint(class_name) + ".")


def _find_function(config, where, custom_objects=None):
    """The function a {'class_name': 'function'} config names: a custom object first, then
    a built-in of a library's module ('builtins' included, as Keras 3.15 writes them)."""
    name = config.get("config")
    registered = config.get("registered_name")
    custom = find_registered((None if registered == "function" else registered, name),
                             custom_objects)
    if custom is not None:
        return custom
    module = config.get("module")
    if _is_library_module(module):
        functions = _functions()
        for category in ([_category(module)] if _category(module) in functions else functions):
            if name in functions[category]:
                return functions[category][name]
    raise ValueError(f"{where}: unknown function {name!r} (module {module!r}); "
                     + _register_hint(name))


# --- dtype policies ----------------------------------------------------------------------------

def dtype_policy(name):
    """The DTypePolicy dict Keras 3 writes for a layer's dtype."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


def dtype_name(value, where="load_model"):
    """A dtype as neuronet takes it from a plain name or a DTypePolicy dict."""
    if isinstance(value, dict):
        value = (value.get("config") or {}).get("name")
    if isinstance(value, str) and value.startswith("mixed_"):
        raise ValueError(f"{where}: mixed precision dtype policy {value!r} is not supported; "
                         "expected a plain float type such as 'float32'")
    return value


# --- serialize ---------------------------------------------------------------------------------

def _is_anonymous(value):
    return isinstance(value, types.FunctionType) and value.__name__ == "<lambda>"


def _serialize_function(fn):
    if _is_anonymous(fn):
        warnings.warn("serialize_keras_object: a Python lambda is saved as bytecode; loading "
                      "it runs code from the file, so it needs safe_mode=False. A function "
                      "defined with `def` is saved by its name instead.", stacklevel=3)
        return {"class_name": "__lambda__",
                "config": {"value": serialize_keras_object(list(dump_function(fn)))}}
    return function_config(fn)


def _lambda_file_config(config):
    """A Lambda layer's config with its anonymous functions as bytecode, in the layout of
    Keras 3's Lambda layer; named functions are saved by name."""
    config = dict(config)
    for key in ("function", "output_shape", "mask"):
        if _is_anonymous(config.get(key)):
            code, defaults, closure = dump_function(config[key])
            config[key] = {"class_name": "__lambda__",
                           "config": {"code": code, "defaults": defaults, "closure": closure}}
    return config


def serialize_keras_object(obj):
    """`obj` (a layer, model, optimizer, loss, metric, initializer, function, or plain data)
    as a JSON-ready structure in Keras 3's layout."""
    from ..layers import InputLayer, Lambda, Layer
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"serialize_keras_object: cannot serialize {obj!r} of type "
                        f"{type(obj).__name__}: it has no get_config()")
    module, class_name, registered_name = _public_name(obj)
    config = obj.get_config()
    if isinstance(obj, Lambda):
        config = _lambda_file_config(config)
    config = serialize_keras_object(config)
    if isinstance(obj, Layer):
        config.pop("batch_input_shape", None)       # a model's InputLayer holds the shape
        if not isinstance(obj, InputLayer) and isinstance(config.get("dtype"), str):
            config["dtype"] = dtype_policy(config["dtype"])
    result = {"module": module, "class_name": class_name, "config": config,
              "registered_name": registered_name}
    build_config = get_build_config(obj) if isinstance(obj, Layer) else None
    if build_config is not None:
        result["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config"):
        result["compile_config"] = serialize_keras_object(obj.get_compile_config())
    return result


# --- deserialize -------------------------------------------------------------------------------

def deserialize_keras_object(config, custom_objects=None, safe_mode=None):
    """The object `serialize_keras_object` (or Keras 3) wrote: lists and dicts are walked,
    class dicts are instantiated, built (build_config) and compiled (compile_config)."""
    with loading_scope(custom_objects, safe_mode):
        return _deserialize(config)


def _deserialize(config):
    if isinstance(config, list):
        return [_deserialize(item) for item in config]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config:
        return {key: _deserialize(value) for key, value in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name in ("__lambda__", "function"):
        return _function_from_config(config, "deserialize_keras_object")
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tuple__":
        return tuple(_deserialize(inner["value"]))
    if class_name == "DTypePolicy":
        return dtype_name(config)
    cls = find_class(config.get("module"), class_name, config.get("registered_name"))
    obj = _instantiate(cls, inner or {})
    if config.get("build_config"):
        build_from_config(obj, config["build_config"])
    if config.get("compile_config") and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(config["compile_config"])
    return obj


def layer_arguments(cls, config):
    """A layer's config (neuronet's or Keras 3's) as the constructor of `cls` takes it: the
    options Keras has and neuronet lacks dropped while they are switched off (ValueError
    when one is on). (Layer takes Keras' DTypePolicy dict as its dtype itself.)"""
    if "layers" in config:                             # models read their own configs
        return dict(config)
    return accepted_config(config, init_parameters(cls), cls.__name__,
                           f"layer {config.get('name')!r}")


def _instantiate(cls, config):
    from ..layers import Lambda, Layer
    if inspect.isclass(cls) and issubclass(cls, Layer):
        if issubclass(cls, Lambda):
            config = _lambda_config(config)
        config = layer_arguments(cls, config)
    if hasattr(cls, "from_config"):
        return cls.from_config(config)
    return cls(**config)


def _function_from_config(config, where):
    """The function a config names ('function': found among the custom objects and the
    built-ins) or holds as bytecode ('__lambda__': loaded outside safe mode only)."""
    if config["class_name"] == "function":
        return _find_function(config, where)
    if in_safe_mode():
        raise ValueError(
            f"{where}: the file holds a Python lambda as bytecode; loading it would run code "
            "from the file, which safe mode refuses. If you trust the file, pass "
            "safe_mode=False to the loading function or call "
            "keras.config.enable_unsafe_deserialization(). (A function defined with `def` is "
            "saved by its name and loads in safe mode from custom_objects.)")
    inner = config.get("config") or {}
    code, defaults, closure = inner.get("value") or (inner.get("code"), inner.get("defaults"),
                                                     inner.get("closure"))
    return load_function(code, _deserialize(defaults), _deserialize(closure), where)


# Keras 2 wrote these beside a Lambda's function; Keras 3 (and neuronet) do without them.
_KERAS_2_LAMBDA_KEYS = ("module", "function_type", "output_shape_type", "output_shape_module")


def _lambda_config(config):
    """A Lambda layer's config from a file, with its functions: named ones found among the
    custom objects and built-ins, lambdas loaded from their bytecode (not in safe mode)."""
    where = f"Lambda layer {config.get('name')!r}"
    config = {key: value for key, value in config.items() if key not in _KERAS_2_LAMBDA_KEYS}
    function = config.get("function")
    if isinstance(function, list):                     # Keras 2: [code, defaults, closure]
        config["function"] = {"class_name": "__lambda__", "config": {"value": function}}
    elif isinstance(function, str):                    # Keras 2: the function's name
        config["function"] = {"class_name": "function", "config": function}
    for key in ("function", "output_shape", "mask"):
        value = config.get(key)
        if isinstance(value, dict) and value.get("class_name") in ("__lambda__", "function"):
            config[key] = _function_from_config(value, where)
        elif key == "output_shape" and isinstance(value, list):
            config[key] = tuple(value)
        else:                                          # None, or a mask array
            config[key] = _deserialize(value)
    config["arguments"] = _deserialize(config.get("arguments") or {})
    return config


# --- build configs -----------------------------------------------------------------------------

def _shape_of(tensors):
    if isinstance(tensors, (list, tuple)):
        return [list(t.shape) for t in tensors]
    return list(tensors.shape)


def get_build_config(layer):
    """{'input_shape': ...} from which a layer is built again, or None if unknown."""
    if hasattr(layer, "get_build_config"):
        return layer.get_build_config()
    symbolic_input = getattr(layer, "input", None)
    if not layer.built or symbolic_input is None:
        return None
    return {"input_shape": _shape_of(symbolic_input)}


def as_shape(shape):
    """A JSON shape as a tuple, or a list of tuples for several inputs."""
    if shape and all(isinstance(s, (list, tuple)) for s in shape):
        return [tuple(s) for s in shape]
    return tuple(shape)


def build_from_config(layer, build_config):
    """Build `layer` (creating its weights) for the input shape a build config records."""
    if hasattr(layer, "build_from_config"):
        layer.build_from_config(build_config)
        return
    shape = (build_config or {}).get("input_shape")
    if layer.built or shape is None:
        return
    layer.build(as_shape(shape))
    layer.built = True


# --- compile configs ---------------------------------------------------------------------------

def compile_config(model):
    """The arguments `model` was compiled with, in Keras 3's compile_config layout."""
    if not model.compiled:
        return {}
    arguments = model._compile_arguments
    return {"optimizer": serialize_keras_object(model.optimizer),
            "loss": serialize_keras_object(arguments["loss"]),
            "loss_weights": arguments["loss_weights"],
            "metrics": serialize_keras_object(arguments["metrics"]),
            "weighted_metrics": serialize_keras_object(arguments["weighted_metrics"]),
            "run_eagerly": model.run_eagerly, "steps_per_execution": model.steps_per_execution,
            "jit_compile": model.jit_compile}


def compile_from_config(model, config):
    """Compile `model` from a compile_config (the optimizer's variables are made when its
    state is loaded, or at the first training step)."""
    arguments = _deserialize(config)
    accepted = set(inspect.signature(model.compile).parameters)
    model.compile(**accepted_config(arguments, accepted, "compile",
                                    f"model {model.name!r} compile_config"))

