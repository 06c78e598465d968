"""Atomic file writes (a file is either the old one or the complete new one, never half),
and the checks before a file is written or read."""
import contextlib
import os


@contextlib.contextmanager
def atomic_write(path):
    """Open a temporary binary file beside `path`; when the block ends without error it
    replaces `path` in one step (os.replace), otherwise it is removed and `path` is left
    as it was."""
    import tempfile              # here, not at the top: it adds some 5 ms to `import neuronet`
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.",
                                             suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise


def write_bytes_atomically(path, data):
    """Write `data` to `path` through `atomic_write`."""
    with atomic_write(path) as file:
        file.write(data)


class MissingFileError(FileNotFoundError, ValueError):
    """A file to read is missing: a FileNotFoundError, and a ValueError as Keras 3 raises
    for a missing .keras file, so that either `except` catches it."""


def require_file(path, caller):
    """Raise MissingFileError naming `caller` unless `path` exists."""
    if not os.path.exists(path):
        raise MissingFileError(f"{caller}: no such file: {os.fspath(path)!r}")


def check_overwrite(path, overwrite, caller):
    """Raise FileExistsError when `path` exists and `overwrite` is False."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{caller}: {os.fspath(path)!r} already exists; pass "
                              "overwrite=True to replace it")
