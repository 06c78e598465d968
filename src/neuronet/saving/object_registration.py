"""Keras' registry of custom objects, and the scope that adds objects for a while.

    @keras.saving.register_keras_serializable(package="my_package")
    class MyDense(keras.layers.Layer): ...          # saved as "my_package>MyDense"

    with keras.saving.custom_object_scope({"my_fn": my_fn}):
        model = keras.models.load_model("model.keras")

Every lookup of a name while loading (layers, activations, initializers, regularizers,
losses, metrics) asks `get_registered_object`: the active scope first, then the global
registry, then the `custom_objects` given to the call, then the built-in names.
This module imports nothing from neuronet, so every other module can use it.
"""
import contextvars
import inspect

_GLOBAL_CUSTOM_OBJECTS = {}       # registered name ("package>name") -> class or function
_GLOBAL_CUSTOM_NAMES = {}         # class or function -> registered name

# The objects of the active custom_object_scope (nested scopes merged, the inner one
# winning). Never mutated: entering a scope sets a new dict.
_SCOPE = contextvars.ContextVar("neuronet_custom_object_scope", default={})


class CustomObjectScope:
    """A context manager within which deserialization also finds `custom_objects`
    ({name: class or function}), as if each call had received them."""

    def __init__(self, custom_objects):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"custom_object_scope: expected a dict {{name: object}} or None, "
                            f"received {type(custom_objects).__name__}: {custom_objects!r}")
        self.custom_objects = dict(custom_objects or {})
        self._token = None

    def __enter__(self):
        self._token = _SCOPE.set({**_SCOPE.get(), **self.custom_objects})
        return self

    def __exit__(self, *exc_info):
        _SCOPE.reset(self._token)


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The global registry itself (a live dict {registered name: object}); the objects of
    a custom_object_scope are not in it."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """A decorator that registers a class or function under "package>name" (`name`
    defaults to its __name__), so that loading finds it without custom_objects."""
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"register_keras_serializable: `package` must be a string without "
                         f"'>', received package={package!r}")

    def decorator(obj):
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: cannot register class "
                             f"{obj.__name__}: it has no get_config() method")
        if not callable(obj):
            raise TypeError(f"register_keras_serializable: expected a class or a function, "
                            f"received {obj!r}")
        registered_name = f"{package}>{name if name is not None else obj.__name__}"
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj

    return decorator


def get_registered_name(obj):
    """The name `obj` is saved under: "package>name" if registered, else its __name__."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object for `name`, or None: from the active custom_object_scope, the global
    registry, `custom_objects`, then `module_objects` (a table of built-ins)."""
    for table in (_SCOPE.get(), _GLOBAL_CUSTOM_OBJECTS, custom_objects or {},
                  module_objects or {}):
        if name in table:
            return table[name]
    return None


def find_registered(names, custom_objects=None, module_objects=None):
    """`get_registered_object` of the first of `names` (None skipped) it finds, else None.

    A registered name "package>name" that is not found is tried again as "name", so that
    `custom_objects={"name": obj}` also finds an object saved while it was registered.
    """
    names = [name for name in names if name is not None]
    for name in names + [name.split(">", 1)[1] for name in names if ">" in name]:
        found = get_registered_object(name, custom_objects, module_objects)
        if found is not None:
            return found
    return None


def function_config(fn):
    """A named function as Keras 3.15 writes it, built-in or not: under the module
    'builtins', by its registered name ("package>name" if registered, else its __name__).
    Loading looks the name up among the custom objects, then the built-in functions."""
    return {"module": "builtins", "class_name": "function", "config": get_registered_name(fn),
            "registered_name": "function"}
