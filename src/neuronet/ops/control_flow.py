"""Control flow of keras.ops, run eagerly: cond, while_loop, fori_loop, scan, map and
vectorized_map.

Each calls the given Python functions on Tensors, step by step, as Python's own `if`,
`while` and `for` would; gradients flow through the ops those functions apply. Loops and
maps take nested lists, tuples and dicts of tensors where Keras takes them. They record
no node in a functional model's graph: given a symbolic tensor (keras.Input or a layer's
output) they raise, and the computation belongs in the call() of a layer, where it runs
on values.
"""
import numbers

from ..autograd.tensor import as_array
from .array import convert_to_tensor
from .math import SymbolicValue, getitem, stack

__all__ = ["cond", "while_loop", "fori_loop", "scan", "map", "vectorized_map"]


# --- nested structures ------------------------------------------------------------------------

def _map_structure(function, first, *others):
    """`function` applied to the corresponding values of structures of one layout: lists,
    tuples and dicts nest, anything else (None included) is a value."""
    if isinstance(first, (list, tuple)):
        return type(first)(_map_structure(function, *items) for items in zip(first, *others))
    if isinstance(first, dict):
        return {key: _map_structure(function, first[key], *(other[key] for other in others))
                for key in first}
    return function(first, *others)


def _leaves(structure):
    """The values of a nested structure, in order."""
    found = []
    _map_structure(found.append, structure)
    return found


def _check_values(caller, *structures):
    """A TypeError if a symbolic tensor of the functional API is among `structures`."""
    for value in _leaves(list(structures)):
        if isinstance(value, SymbolicValue):
            raise TypeError(
                f"{caller}: received {value}, a placeholder of the functional API (from "
                f"keras.Input or a layer's output). {caller} runs Python functions on values "
                "and cannot be recorded in a model's graph: put it in the call() of a layer "
                "(a Layer subclass, or keras.layers.Lambda), where it runs on values.")


def _check_callable(caller, name, function):
    if not callable(function):
        raise TypeError(f"{caller}: expected a callable for argument '{name}', "
                        f"received {name}={function!r}")


def _truth(value, caller, what):
    """A single boolean value (a Python bool, or a Tensor or array of one element) as a bool."""
    array = as_array(value)
    if array.size != 1:
        raise ValueError(f"{caller}: expected {what} to be a single boolean, received a value "
                         f"of shape {array.shape}")
    return bool(array.reshape(()))


def _whole(value, caller, name):
    """An int, or an integer Tensor or array of one element, as an int."""
    array = as_array(value)
    if array.size != 1 or array.dtype.kind not in "iu" or isinstance(value, bool):
        raise TypeError(f"{caller}: expected an int for argument '{name}', received "
                        f"{name}={value!r}")
    return int(array.reshape(()))


# --- conditionals and loops -------------------------------------------------------------------

def cond(pred, true_fn, false_fn):
    """true_fn() when `pred` (a boolean scalar) holds, else false_fn()."""
    _check_values("cond", pred)
    _check_callable("cond", "true_fn", true_fn)
    _check_callable("cond", "false_fn", false_fn)
    return true_fn() if _truth(pred, "cond", "pred") else false_fn()


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """loop_vars = body(*loop_vars) while cond(*loop_vars) holds, at most
    `maximum_iterations` times when given. loop_vars: a tuple or list of values (returned
    as a tuple), or one value (returned alone)."""
    caller = "while_loop"
    _check_values(caller, loop_vars)
    _check_callable(caller, "cond", cond)
    _check_callable(caller, "body", body)
    if maximum_iterations is not None and _whole(maximum_iterations, caller,
                                                 "maximum_iterations") < 0:
        raise ValueError(f"{caller}: expected maximum_iterations >= 0 or None, received "
                         f"maximum_iterations={maximum_iterations!r}")
    several = isinstance(loop_vars, (list, tuple))
    values = _map_structure(convert_to_tensor, tuple(loop_vars) if several else (loop_vars,))
    done = 0
    while (maximum_iterations is None or done < maximum_iterations) \
            and _truth(cond(*values), caller, "the result of cond"):
        updated = body(*values)
        updated = tuple(updated) if isinstance(updated, (list, tuple)) else (updated,)
        if len(updated) != len(values):
            raise ValueError(f"{caller}: body must return as many values as loop_vars holds "
                             f"({len(values)}), received {len(updated)}")
        values = updated
        done += 1
    return values if several else values[0]


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i = lower, ..., upper - 1, from val = init_val."""
    _check_values("fori_loop", lower, upper, init_val)
    _check_callable("fori_loop", "body_fun", body_fun)
    value = init_val
    for i in range(_whole(lower, "fori_loop", "lower"), _whole(upper, "fori_loop", "upper")):
        value = body_fun(i, value)
    return value


# --- scans and maps over a leading axis -------------------------------------------------------

def _steps(xs, length, caller):
    """The common length of axis 0 of the values in `xs` (checked against `length`)."""
    sizes = set()
    for value in _leaves(xs):
        if value.ndim == 0:
            raise ValueError(f"{caller}: cannot iterate over a scalar (a value of shape ()); "
                             "expected values with a leading axis")
        sizes.add(value.shape[0])
    if length is not None:
        sizes.add(_whole(length, caller, "length"))
    if len(sizes) != 1:
        raise ValueError(f"{caller}: expected the values to scan over to share the length of "
                         f"axis 0 (and `length`, when given), received lengths {sorted(sizes)}")
    return sizes.pop()


def _stacked(outputs):
    """The per-step outputs (structures of one layout) stacked along a new axis 0."""
    def stack_values(*values):
        return None if values[0] is None else stack(values)
    return _map_structure(stack_values, *outputs)


def _scan(f, init, xs, length, reverse, caller):
    """scan's loop, its errors naming `caller`."""
    if xs is None and length is None:
        raise ValueError(f"{caller}: expected xs to scan over, or its length, received "
                         "xs=None and length=None")
    carry = _map_structure(convert_to_tensor, init)
    if xs is None:
        steps = _whole(length, caller, "length")
    else:
        xs = _map_structure(convert_to_tensor, xs)
        steps = _steps(xs, length, caller)
    outputs = []
    for i in (reversed(range(steps)) if reverse else range(steps)):
        x = None if xs is None else _map_structure(lambda value: getitem(value, i), xs)
        result = f(carry, x)
        if not (isinstance(result, (list, tuple)) and len(result) == 2):
            raise ValueError(f"{caller}: f must return a pair (carry, y), received {result!r}")
        carry, y = result
        outputs.append(y)
    if reverse:
        outputs.reverse()
    return carry, (_stacked(outputs) if outputs else None)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop `carry, y = f(carry, x)` over the slices x of `xs` along axis 0 (or `length`
    times with x = None), from carry = init; returns (the last carry, the ys stacked along a
    new axis 0, None where f gives None). reverse=True runs from the last slice to the
    first (the ys keep the order of xs). xs, init and y may be nested lists, tuples and
    dicts of tensors. unroll (a compiler hint in Keras) has nothing to do here."""
    _check_values("scan", init, xs)
    _check_callable("scan", "f", f)
    if not isinstance(unroll, bool) and (not isinstance(unroll, numbers.Integral) or unroll < 1):
        raise ValueError(f"scan: expected a positive int or a bool for argument 'unroll', "
                         f"received unroll={unroll!r}")
    return _scan(f, init, xs, length, reverse, "scan")


def _map_over(function, xs, caller):
    """function applied to each slice of `xs` along axis 0, the results stacked."""
    _check_values(caller, xs)
    _check_callable(caller, "f" if caller == "map" else "function", function)
    return _scan(lambda carry, x: (carry, function(x)), (), xs, None, False, caller)[1]


def map(f, xs):
    """f applied to every slice of `xs` along axis 0, the results stacked along a new axis 0.
    xs and the results of f may be nested lists, tuples and dicts of tensors."""
    return _map_over(f, xs, "map")


def vectorized_map(function, elements):
    """function applied to every slice of `elements` along axis 0 (a tuple or list of
    tensors gives the function a tuple or list of slices), the results stacked: as map,
    one call per slice (Keras' backends may batch the calls; the results are the same)."""
    return _map_over(function, elements, "vectorized_map")
