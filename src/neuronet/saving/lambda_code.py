"""Python lambdas in saved files, stored as Keras 3 stores them: the function's bytecode
(`marshal`, then base64), its default values and the values its closure captured.

Loading such a function runs code taken from the file, so the loading functions refuse it
in safe mode (see serialization.py). Bytecode is specific to the Python version (major and
minor) that wrote it: a file is only readable by the same version.
"""
import base64
import binascii
import builtins
import marshal
import sys
import types


def dump_function(function):
    """(code, defaults, closure) of `function`: its bytecode as base64 text, its default
    argument values (a tuple or None) and its closure's values (a tuple or None)."""
    code = base64.encodebytes(marshal.dumps(function.__code__)).decode("ascii")
    cells = function.__closure__
    closure = None if cells is None else tuple(cell.cell_contents for cell in cells)
    return code, function.__defaults__, closure


def _function_globals():
    """The global names a loaded lambda sees: the builtins, neuronet (also as `keras`),
    its ops and NumPy (as `np`), as after `import neuronet as keras`."""
    import numpy

    import neuronet
    return {"__builtins__": builtins, "keras": neuronet, "neuronet": neuronet,
            "ops": neuronet.ops, "np": numpy, "numpy": numpy}


def load_function(code, defaults=None, closure=None, where="load_model"):
    """The function `dump_function` described (this runs no code until it is called)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    try:
        code_object = marshal.loads(base64.decodebytes(code.encode("ascii")))
    except (AttributeError, UnicodeEncodeError, binascii.Error, ValueError, EOFError,
            TypeError) as error:
        raise ValueError(f"{where}: the lambda's bytecode cannot be read; it is damaged or was "
                         f"written by another Python version than this one ({version}): "
                         f"{error}") from None
    if not isinstance(code_object, types.CodeType):
        raise ValueError(f"{where}: expected the bytecode of a function, the file holds a "
                         f"{type(code_object).__name__}")
    cells = tuple(types.CellType(value) for value in closure or ())
    if len(cells) != len(code_object.co_freevars):
        raise ValueError(f"{where}: the lambda captures {len(code_object.co_freevars)} "
                         f"variables {code_object.co_freevars}, the file holds {len(cells)} "
                         "closure values")
    return types.FunctionType(code_object, _function_globals(), code_object.co_name,
                              None if defaults is None else tuple(defaults), cells or None)
