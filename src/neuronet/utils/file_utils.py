"""`get_file`: download a file once, keep it in the Keras cache, check its hash, unpack it.

The cache is `cache_dir/cache_subdir/fname`, with `cache_dir` defaulting to `$KERAS_HOME`,
else `~/.keras` (a temporary folder's `.keras` when that is not writable), and
`cache_subdir` to "datasets": the same place Keras uses, so files Keras has downloaded
are reused. A download goes to a temporary file first and is moved under its final name
only once complete and checked, so an interrupted or corrupted download never looks cached.

The functions import the modules of archives, temporary files and HTTP where they use
them: at the top those would add some 30 ms to `import neuronet`.
"""
import hashlib
import os
import pickle
import urllib.parse
import warnings

import numpy as np

from ..callbacks.progbar import Progbar

HASH_ALGORITHMS = ("auto", "sha256", "md5")
ARCHIVE_FORMATS = ("tar", "zip")
_CHUNK_SIZE = 1 << 16


def keras_home():
    """`$KERAS_HOME` when set, else `~/.keras`."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _writable_cache_dir(cache_dir):
    """`cache_dir` (created if missing) when it is writable, else `<tempdir>/.keras`."""
    cache_dir = os.path.expanduser(cache_dir)
    try:
        os.makedirs(cache_dir, exist_ok=True)
    except OSError:
        pass
    if os.access(cache_dir, os.W_OK):
        return cache_dir
    import tempfile
    fallback = os.path.join(tempfile.gettempdir(), ".keras")
    warnings.warn(f"get_file: the cache directory {cache_dir!r} is not writable; "
                  f"using {fallback!r} instead.", stacklevel=3)
    return fallback


# --- hashes -------------------------------------------------------------------------------------
def _hasher(algorithm, file_hash=None):
    """A new hashlib object; "auto" means sha256 for a 64-character hash, md5 otherwise."""
    if algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"get_file: unknown hash_algorithm {algorithm!r}; "
                         f"expected one of {list(HASH_ALGORITHMS)}")
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256"):
    """The hex digest ("sha256" or "md5") of the file at `fpath`."""
    hasher = _hasher(algorithm)
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto"):
    """Whether the file at `fpath` has the sha256 or md5 hash `file_hash`."""
    name = _hasher(algorithm, file_hash).name
    return hash_file(fpath, name) == str(file_hash).lower()


# --- archives -----------------------------------------------------------------------------------
def _is_inside(base_dir, relative_path):
    """Whether `relative_path`, resolved from inside `base_dir`, stays inside it."""
    target = os.path.realpath(os.path.join(base_dir, relative_path))
    try:
        return os.path.commonpath([target, base_dir]) == base_dir
    except ValueError:  # on another drive (Windows)
        return False


def _safe_tar_members(archive, base_dir):
    """The members of a tar archive that stay inside `base_dir`, links included."""
    for member in archive:
        if member.islnk():  # a hard link's target is relative to the archive's root
            safe = _is_inside(base_dir, member.name) and _is_inside(base_dir, member.linkname)
        elif member.issym():  # a symbolic link's target is relative to its own folder
            link_dir = os.path.dirname(member.name)
            safe = (_is_inside(base_dir, member.name)
                    and _is_inside(base_dir, os.path.join(link_dir, member.linkname)))
        else:
            safe = _is_inside(base_dir, member.name)
        if safe:
            yield member
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: {member.name!r}.",
                          stacklevel=2)


def _safe_zip_members(archive, base_dir):
    """The members of a zip archive that stay inside `base_dir`."""
    for member in archive.infolist():
        if _is_inside(base_dir, member.filename):
            yield member
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: "
                          f"{member.filename!r}.", stacklevel=2)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract a tar (also .tar.gz, .tar.bz2, .tar.xz) or zip archive into the folder `path`.

    Members whose path would land outside `path` are skipped with a warning.
    `archive_format` is "auto" (try tar, then zip), "tar", "zip", a list of those, or None.
    Returns whether the file matched one of the formats and was extracted.
    """
    if archive_format is None:
        return False
    formats = list(ARCHIVE_FORMATS) if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    import tarfile
    import zipfile
    for name in formats:
        if name not in ARCHIVE_FORMATS:
            raise ValueError(f"get_file: unknown archive_format {name!r}; expected 'auto', "
                             f"None or one of {list(ARCHIVE_FORMATS)}")
    file_path = os.fspath(file_path)
    base_dir = os.path.realpath(os.fspath(path))
    for name in formats:
        if name == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                # The "data" filter (where Python has it) also refuses device files and
                # strips set-uid bits.
                extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                archive.extractall(base_dir, members=_safe_tar_members(archive, base_dir),
                                   **extra)
            return True
        if name == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(base_dir, members=_safe_zip_members(archive, base_dir))
            return True
    return False


# --- download -----------------------------------------------------------------------------------
def _download(origin, target):
    """Copy the bytes at the URL `origin` into the file `target`, showing a progress bar."""
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(origin) as response, open(target, "wb") as out:
            length = response.headers.get("Content-Length")
            progbar = Progbar(int(length) if length else None)
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK_SIZE), b""):
                out.write(chunk)
                done += len(chunk)
                progbar.update(done, finalize=False)
            progbar.update(done, finalize=True)
    except urllib.error.HTTPError as error:
        raise OSError(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") from error
    except urllib.error.URLError as error:
        raise OSError(f"URL fetch failure on {origin}: {error.errno} -- {error.reason}") \
            from error


def _download_checked(origin, target, file_hash, hash_algorithm):
    """Download `origin` to `target` atomically: the file appears there only when complete
    and, if `file_hash` is given, only when its hash matches."""
    import tempfile
    folder, name = os.path.split(target)
    handle, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    os.close(handle)
    try:
        _download(origin, partial)
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            algorithm = _hasher(hash_algorithm, file_hash).name
            raise ValueError(f"Incomplete or corrupted file detected. The {algorithm} file "
                             f"hash of the file downloaded from {origin} is "
                             f"{hash_file(partial, algorithm)}, which does not match the "
                             f"provided value of {file_hash}.")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _extract_checked(archive_path, extraction_dir, archive_format):
    """Extract into a temporary folder, then move it to `extraction_dir` in one step."""
    import shutil
    import tempfile
    parent = os.path.dirname(extraction_dir)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(extraction_dir)}.", dir=parent)
    try:
        if not extract_archive(archive_path, staging, archive_format):
            warnings.warn(f"get_file: could not extract archive {archive_path!r} "
                          f"(archive_format={archive_format!r}).", stacklevel=3)
            return
        if os.path.isdir(extraction_dir):
            shutil.rmtree(extraction_dir)
        os.replace(staging, extraction_dir)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Download a file from a URL if it is not already in the cache; return its local path.

    Args:
        fname: the local file name; by default the last part of `origin`'s path. With
            `extract=True` a name without extension names the extraction folder.
        origin: the URL to download from (`https://`, `http://`, `ftp://` or `file://`).
        untar: deprecated, same as `extract=True` with `archive_format="tar"`.
        md5_hash: deprecated, same as `file_hash` with `hash_algorithm="md5"`.
        file_hash: the expected sha256 or md5 hex digest of the file. A cached file that
            does not match is downloaded again; a download that does not match raises.
        cache_subdir: the folder under `cache_dir` (an absolute path is used as is).
        hash_algorithm: "auto" (sha256 for a 64-character hash, else md5), "sha256", "md5".
        extract: whether to extract the file, a tar or zip archive, into a folder.
        archive_format: "auto", "tar", "zip", a list of those, or None.
        cache_dir: the cache root; defaults to `$KERAS_HOME`, else `~/.keras`.
        force_download: whether to download even when the file is cached.

    Returns:
        The path of the downloaded file, or of the extraction folder when extracting.

    Raises:
        ValueError: `origin` is missing, `fname` is a path, or the hash does not match.
        OSError: the download failed (the message names the URL).
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument '
                         "(URL of the file to download).")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    _hasher(hash_algorithm)  # checks the name before any download
    datadir = os.path.join(_writable_cache_dir(cache_dir or keras_home()), cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    given_name = os.fspath(fname) if fname is not None else None
    if given_name:
        if os.sep in given_name or (os.altsep and os.altsep in given_name):
            raise ValueError("get_file: paths are not accepted as the `fname` argument; to "
                             "choose the file's folder use `cache_dir` and `cache_subdir`. "
                             f"Received: fname={given_name!r}")
        name = given_name
    else:
        name = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not name:
            raise ValueError(f"get_file: cannot take a file name from origin={origin!r}; "
                             "please give the `fname` argument.")

    extracting = extract or untar
    if not extracting:
        download_target = os.path.join(datadir, name)
    elif given_name and "." in name:  # "data.tar.gz" -> archive as is, folder "data_extracted"
        download_target = os.path.join(datadir, name)
        extraction_dir = os.path.join(datadir, name[:name.find(".")] + "_extracted")
    else:  # "data" -> archive "data_archive", folder "data"
        download_target = os.path.join(datadir, name + "_archive")
        extraction_dir = os.path.join(datadir, name)

    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None and not validate_file(
            download_target, file_hash, hash_algorithm):
        print("A local file was found, but it seems to be incomplete or outdated because "
              f"its file hash does not match the original value of {file_hash}, so we will "
              "re-download the data.")
        download = True
    if download:
        print(f"Downloading data from {origin}")
        _download_checked(origin, download_target, file_hash, hash_algorithm)

    if not extracting:
        return download_target
    if download or not os.path.isdir(extraction_dir):
        _extract_checked(download_target, extraction_dir, "tar" if untar else archive_format)
    return extraction_dir


# --- safe loading of pickled NumPy data ---------------------------------------------------------
# Ragged data sets (imdb, reuters) store sequences as NumPy object arrays, and CIFAR stores
# its batches as pickled dicts; rebuilding either needs only these globals. Refusing every
# other one keeps a tampered file from running code while it is loaded.
_NUMPY_PICKLE_GLOBALS = frozenset({("numpy", "ndarray"), ("numpy", "dtype"),
                                   ("numpy.core.multiarray", "_reconstruct"),
                                   ("numpy._core.multiarray", "_reconstruct")})


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _NUMPY_PICKLE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to load {module}.{name} from a data set file: "
                                     "the file may be corrupted or malicious.")


def load_pickle(file, encoding="ASCII"):
    """Unpickle from the open binary `file`, allowing only NumPy arrays as objects."""
    return _NumpyOnlyUnpickler(file, encoding=encoding).load()


def load_npz(path):
    """A dict of the arrays in the .npz file at `path`; object arrays are unpickled
    with `load_pickle`."""
    import zipfile
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as stream:
                    arrays[member[:-len(".npy")]] = _read_npy(stream)
    return arrays


def _read_npy(stream):
    """One array from an .npy stream: numbers directly, objects through `load_pickle`."""
    version = np.lib.format.read_magic(stream)
    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                   else np.lib.format.read_array_header_2_0)
    shape, fortran_order, dtype = read_header(stream)
    if dtype.hasobject:
        return load_pickle(stream)
    data = np.frombuffer(stream.read(), dtype=dtype)
    order = "F" if fortran_order else "C"
    return data.reshape(shape, order=order).copy()
