"""utils.get_file and the downloadable data sets, without network: small fake files in the
data sets' exact on-disk formats are served through file:// origins."""
import gzip
import hashlib
import importlib.util
import io
import json
import os
import pickle
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend
from neuronet.datasets import (boston_housing, california_housing, cifar10, cifar100,
                               fashion_mnist, imdb, mnist, reuters)
from neuronet.utils import file_utils
from neuronet.utils.file_utils import get_file


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def source(tmp_path):
    """A folder for the files a test serves."""
    path = tmp_path / "server"
    path.mkdir()
    return path


def leftovers(folder):
    """Every file under `folder`, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


# --- get_file: cache, hashes, errors ------------------------------------------------------------
def test_downloads_once_into_the_keras_home_then_reuses_the_cache(home, source, capsys):
    served = source / "notes.txt"
    served.write_bytes(b"hello world")
    path = keras.utils.get_file(origin=served.as_uri())
    assert Path(path) == home / "datasets" / "notes.txt"
    assert Path(path).read_bytes() == b"hello world"
    assert f"Downloading data from {served.as_uri()}" in capsys.readouterr().out
    served.unlink()  # a second call must not need the origin
    assert get_file("notes.txt", served.as_uri()) == path
    assert "Downloading" not in capsys.readouterr().out
    assert leftovers(home) == ["datasets/notes.txt"]


def test_cache_dir_cache_subdir_and_force_download(tmp_path, source):
    served = source / "a.bin"
    served.write_bytes(b"v1")
    path = get_file("b.bin", served.as_uri(), cache_dir=str(tmp_path / "c"), cache_subdir="sub")
    assert Path(path) == tmp_path / "c" / "sub" / "b.bin"
    served.write_bytes(b"v2")
    assert Path(get_file("b.bin", served.as_uri(), cache_dir=str(tmp_path / "c"),
                         cache_subdir="sub")).read_bytes() == b"v1"
    assert Path(get_file("b.bin", served.as_uri(), cache_dir=str(tmp_path / "c"),
                         cache_subdir="sub", force_download=True)).read_bytes() == b"v2"
    absolute = tmp_path / "elsewhere"
    assert Path(get_file("b.bin", served.as_uri(), cache_subdir=str(absolute),
                         cache_dir=str(tmp_path / "c"))) == absolute / "b.bin"


def test_hashes_sha256_md5_and_auto(home, source):
    served = source / "data.bin"
    served.write_bytes(os.urandom(1000))
    path = get_file(origin=served.as_uri(), file_hash=sha256(served))
    assert Path(path).read_bytes() == served.read_bytes()
    assert get_file("m.bin", served.as_uri(), md5_hash=md5(served)).endswith("m.bin")
    assert get_file("n.bin", served.as_uri(), file_hash=md5(served).upper(),
                    hash_algorithm="md5").endswith("n.bin")
    assert file_utils.hash_file(path) == sha256(served)
    assert file_utils.hash_file(path, "md5") == md5(served)
    assert file_utils.validate_file(path, md5(served))          # 32 characters: md5
    assert not file_utils.validate_file(path, md5(served), "sha256")


def test_hash_mismatch_raises_and_leaves_nothing_under_the_final_name(home, source):
    served = source / "data.bin"
    served.write_bytes(b"the real content")
    with pytest.raises(ValueError, match="hash") as error:
        get_file(origin=served.as_uri(), file_hash="0" * 64)
    assert served.as_uri() in str(error.value) and "0" * 64 in str(error.value)
    assert leftovers(home) == []
    with pytest.raises(ValueError, match="hash_algorithm.*'sha256'"):
        get_file(origin=served.as_uri(), file_hash="0" * 64, hash_algorithm="sha1")


def test_a_stale_cached_file_is_downloaded_again(home, source, capsys):
    served = source / "data.bin"
    served.write_bytes(b"fresh")
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"stale, half written")
    path = get_file(origin=served.as_uri(), file_hash=sha256(served))
    assert Path(path).read_bytes() == b"fresh"
    assert "re-download" in capsys.readouterr().out


def test_argument_errors(home, source):
    with pytest.raises(ValueError, match="origin"):
        get_file("x.txt")
    with pytest.raises(ValueError, match="fname"):
        get_file(os.path.join("sub", "x.txt"), (source / "x.txt").as_uri())
    with pytest.raises(ValueError, match="fname"):
        get_file(origin="https://example.com/")


class _BrokenResponse:
    """A response that sends one chunk, then fails with `error`."""

    def __init__(self, error):
        self.error, self.sent = error, False
        self.headers = {"Content-Length": "1000"}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size=-1):
        if self.sent:
            raise self.error
        self.sent = True
        return b"x" * 100


@pytest.mark.parametrize("error", [ConnectionResetError("reset by peer"), KeyboardInterrupt()])
def test_an_interrupted_download_leaves_no_file(home, monkeypatch, error):
    monkeypatch.setattr(urllib.request, "urlopen", lambda url: _BrokenResponse(error))
    with pytest.raises(type(error)):
        get_file("big.bin", "https://example.com/big.bin")
    assert leftovers(home) == []


def test_a_failed_download_names_the_url(home, source, monkeypatch):
    missing = (source / "missing.npz").as_uri()
    with pytest.raises(OSError, match=f"URL fetch failure on {missing}"):
        get_file(origin=missing)

    def not_found(url):
        raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)

    monkeypatch.setattr(urllib.request, "urlopen", not_found)
    with pytest.raises(OSError, match="URL fetch failure on https://example.com/a.npz: 404"):
        get_file(origin="https://example.com/a.npz")
    assert leftovers(home) == []


def test_an_unwritable_cache_falls_back_to_the_temp_dir(tmp_path, source, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")  # so "a_file/cache" can never be created
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    served = source / "x.txt"
    served.write_text("x")
    with pytest.warns(UserWarning, match="not writable"):
        path = get_file(origin=served.as_uri(), cache_dir=str(blocker / "cache"))
    assert Path(path) == tmp_path / "tmp" / ".keras" / "datasets" / "x.txt"


# --- get_file: archives ------------------------------------------------------------------------
def make_tar(path, members):
    """A .tar.gz with the given {name: bytes}."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_extract_tar_and_zip_with_keras_folder_names(home, source):
    tar = make_tar(source / "stuff.tar.gz", {"top/a.txt": b"A", "top/b/c.txt": b"C"})
    folder = get_file("stuff", tar.as_uri(), extract=True, file_hash=sha256(tar))
    assert Path(folder) == home / "datasets" / "stuff"
    assert (Path(folder) / "top" / "b" / "c.txt").read_bytes() == b"C"
    assert (home / "datasets" / "stuff_archive").read_bytes() == tar.read_bytes()

    zipped = make_zip(source / "pack.zip", {"z.txt": b"Z"})
    folder = get_file("pack.zip", zipped.as_uri(), extract=True)  # a name with an extension
    assert Path(folder) == home / "datasets" / "pack_extracted"
    assert (Path(folder) / "z.txt").read_bytes() == b"Z"
    folder = get_file(origin=tar.as_uri(), untar=True)  # no fname: the origin's name
    assert Path(folder) == home / "datasets" / "stuff.tar.gz"
    assert (Path(folder) / "top" / "a.txt").read_bytes() == b"A"
    assert (home / "datasets" / "stuff.tar.gz_archive").is_file()


def test_extraction_is_reused_and_redone_after_a_new_download(home, source):
    tar = make_tar(source / "d.tar.gz", {"f.txt": b"1"})
    folder = Path(get_file("d", tar.as_uri(), extract=True))
    (folder / "mine.txt").write_text("kept while the cache is used")
    get_file("d", tar.as_uri(), extract=True)
    assert (folder / "mine.txt").exists()
    make_tar(tar, {"g.txt": b"2"})
    get_file("d", tar.as_uri(), extract=True, force_download=True)
    assert sorted(p.name for p in folder.iterdir()) == ["g.txt"]


def test_extraction_skips_paths_that_escape_the_folder(home, source, tmp_path):
    tar = source / "evil.tar.gz"
    with tarfile.open(tar, "w:gz") as archive:
        for name in ("ok.txt", "../escaped.txt", "/abs.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            archive.addfile(info, io.BytesIO(b"hi"))
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "../../.."
        archive.addfile(link)
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        folder = Path(get_file("evil", tar.as_uri(), extract=True))
    assert sorted(p.name for p in folder.iterdir()) == ["ok.txt"]
    assert not (home / "datasets" / "escaped.txt").exists()

    zipped = make_zip(source / "evil.zip", {"ok.txt": b"ok", "../../escaped.txt": b"no"})
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        folder = Path(get_file("evilzip", zipped.as_uri(), extract=True))
    assert leftovers(folder) == ["ok.txt"]
    assert not (home / "escaped.txt").exists()


def test_extract_errors_and_non_archives(home, source):
    plain = source / "plain.txt"
    plain.write_text("not an archive")
    with pytest.warns(UserWarning, match="could not extract"):
        folder = get_file("plain", plain.as_uri(), extract=True)
    assert not os.path.exists(folder)
    with pytest.raises(ValueError, match="archive_format 'rar'"):
        get_file("plain", plain.as_uri(), extract=True, archive_format="rar")


def test_get_file_paths_match_keras(real_keras, tmp_path, source):
    from keras.src.utils.file_utils import get_file as keras_get_file
    tar = make_tar(source / "t.tar.gz", {"in/x.txt": b"x"})
    cases = [dict(fname="t", extract=True), dict(fname="t.tar.gz", extract=True),
             dict(untar=True), dict(fname="plain.gz"), dict(cache_subdir="other")]
    for i, kwargs in enumerate(cases):
        keras_dir, our_dir = tmp_path / f"k{i}", tmp_path / f"n{i}"
        keras_dir.mkdir()  # Keras falls back to /tmp/.keras when cache_dir is missing
        theirs = keras_get_file(origin=tar.as_uri(), cache_dir=str(keras_dir), **kwargs)
        ours = get_file(origin=tar.as_uri(), cache_dir=str(our_dir), **kwargs)
        assert os.path.relpath(ours, our_dir) == os.path.relpath(theirs, keras_dir)
        assert leftovers(our_dir) == leftovers(keras_dir)


# --- the data sets ------------------------------------------------------------------------------
def serve(monkeypatch, module, path, attribute="ORIGIN", hash_attribute="FILE_HASH"):
    """Point `module` at the local file `path` (and at its hash)."""
    monkeypatch.setattr(module, attribute, Path(path).as_uri())
    if hash_attribute:
        monkeypatch.setattr(module, hash_attribute, sha256(path))


def serve_folder(monkeypatch, module, folder):
    monkeypatch.setattr(module, "ORIGIN_FOLDER", Path(folder).as_uri() + "/")


@pytest.fixture
def keras_module(real_keras, monkeypatch):
    """`keras_module(name, path)`: Keras' own loader module for the data set `name`, made to
    read the local file `path` instead of downloading."""
    import importlib

    def load(name, path):
        module = importlib.import_module(f"keras.src.datasets.{name}")
        monkeypatch.setattr(module, "get_file", lambda *args, **kwargs: str(path))
        return module
    return load


def assert_same_split(ours, theirs):
    for our_arrays, their_arrays in zip(ours, theirs):
        for a, b in zip(our_arrays, their_arrays):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype == object:
                assert [list(s) for s in a] == [list(s) for s in b]
            else:
                np.testing.assert_array_equal(a, b)


def test_mnist(home, source, monkeypatch, rng, keras_module):
    fake = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 6, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, 3, dtype=np.uint8)}
    np.savez(source / "mnist.npz", **fake)
    serve(monkeypatch, mnist, source / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    for name, value in zip(fake, (x_train, y_train, x_test, y_test)):
        assert value.dtype == np.uint8
        np.testing.assert_array_equal(value, fake[name])
    assert (home / "datasets" / "mnist.npz").is_file()
    assert_same_split(mnist.load_data(), keras_module("mnist", source / "mnist.npz").load_data())


def write_idx(path, header, payload):
    with gzip.open(path, "wb") as file:
        file.write(header + payload.tobytes())


def test_fashion_mnist(home, source, monkeypatch, rng):
    images = {"train": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "t10k": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)}
    labels = {"train": np.array([9, 0, 3, 5], np.uint8), "t10k": np.array([1, 8], np.uint8)}
    for split in images:  # IDX headers: magic number and sizes, big-endian int32
        n = len(labels[split])
        write_idx(source / f"{split}-labels-idx1-ubyte.gz",
                  np.array([2049, n], ">i4").tobytes(), labels[split])
        write_idx(source / f"{split}-images-idx3-ubyte.gz",
                  np.array([2051, n, 28, 28], ">i4").tobytes(), images[split])
    serve_folder(monkeypatch, fashion_mnist, source)
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    for ours, expected in [(x_train, images["train"]), (y_train, labels["train"]),
                           (x_test, images["t10k"]), (y_test, labels["t10k"])]:
        assert ours.dtype == np.uint8 and ours.flags.writeable
        np.testing.assert_array_equal(ours, expected)
    assert len(leftovers(home / "datasets" / "fashion-mnist")) == 4


def cifar_batch(images, **labels):
    """A CIFAR batch file's bytes: a pickled dict with bytes keys, images as (n, 3072) rows."""
    batch = {b"batch_label": b"fake", b"data": images.reshape(len(images), -1),
             b"filenames": [b"img%d.png" % i for i in range(len(images))]}
    batch.update({key.encode(): value for key, value in labels.items()})
    return pickle.dumps(batch, protocol=3)


def test_cifar10_layout_labels_and_cache(home, source, monkeypatch, rng):
    batches = [rng.integers(0, 256, (2, 3, 32, 32), dtype=np.uint8) for _ in range(6)]
    labels = [[2 * i, 2 * i + 1] for i in range(5)] + [[7, 3]]
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    tar = make_tar(source / "cifar-10-python.tar.gz", {
        f"cifar-10-batches-py/{name}": cifar_batch(images, labels=label)
        for name, images, label in zip(names, batches, labels)})
    serve(monkeypatch, cifar10, tar)
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    assert x_train.dtype == x_test.dtype == y_train.dtype == y_test.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.ravel().tolist() == list(range(10))
    assert y_test.ravel().tolist() == [7, 3]
    # pixel (row 4, column 9, green) of image 3 = byte 1024 + 4 * 32 + 9 of its row
    assert x_train[3, 4, 9, 1] == batches[1].reshape(2, -1)[1, 1024 + 4 * 32 + 9]
    np.testing.assert_array_equal(x_test, batches[5].transpose(0, 2, 3, 1))
    assert (home / "datasets" / "cifar-10-batches-py-target_archive").is_file()

    tar.unlink()  # now served from the cache, in the other layout
    monkeypatch.setattr(backend, "_IMAGE_DATA_FORMAT", "channels_first")
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (10, 3, 32, 32)
    np.testing.assert_array_equal(x_test, batches[5])


def test_cifar100_matches_keras(home, source, monkeypatch, rng, keras_module):
    images = {"train": rng.integers(0, 256, (5, 3, 32, 32), dtype=np.uint8),
              "test": rng.integers(0, 256, (3, 3, 32, 32), dtype=np.uint8)}
    fine = {"train": [99, 0, 42, 7, 13], "test": [5, 64, 1]}
    coarse = {"train": [19, 0, 4, 2, 11], "test": [3, 8, 0]}
    tar = make_tar(source / "cifar-100-python.tar.gz", {
        f"cifar-100-python/{split}": cifar_batch(images[split], fine_labels=fine[split],
                                                 coarse_labels=coarse[split])
        for split in images})
    serve(monkeypatch, cifar100, tar)
    (x_train, y_train), (x_test, y_test) = cifar100.load_data()
    assert x_train.shape == (5, 32, 32, 3) and y_train.shape == (5, 1)
    assert y_test.ravel().tolist() == fine["test"]
    (_, y_train), (_, y_test) = cifar100.load_data(label_mode="coarse")
    assert y_train.ravel().tolist() == coarse["train"]
    with pytest.raises(ValueError, match="label_mode='medium'.*'fine', 'coarse'"):
        cifar100.load_data("medium")

    theirs = keras_module("cifar100", home / "datasets" / "cifar-100-python-target")
    for mode in ("fine", "coarse"):
        assert_same_split(cifar100.load_data(mode), theirs.load_data(mode))


def test_pickles_may_only_rebuild_numpy_arrays():
    class Evil:
        def __reduce__(self):
            return (print, ("this must not run",))

    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        file_utils.load_pickle(io.BytesIO(pickle.dumps({"x": Evil()})))
    array = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(file_utils.load_pickle(io.BytesIO(pickle.dumps(array))), array)


# --- imdb and reuters ----------------------------------------------------------------------------
def ragged(rng, n, low=0, high=30):
    """n ragged sequences of word ranks, as the .npz files store them (lists in an object
    array)."""
    sequences = np.empty(n, dtype=object)
    for i in range(n):
        sequences[i] = rng.integers(low, high, rng.integers(1, 9)).tolist()
    return sequences


def reference_encoding(sequences, num_words=None, skip_top=0, maxlen=None, start_char=1,
                       oov_char=2, index_from=3):
    """Keras' documented rules, one word at a time."""
    sequences = [([start_char] if start_char is not None else []) + [w + index_from for w in s]
                 for s in sequences]
    kept = [len(s) < maxlen if maxlen else True for s in sequences]
    sequences = [s for s, keep in zip(sequences, kept) if keep]
    bound = num_words or max(max(s) for s in sequences if s)
    if oov_char is None:
        return [[w for w in s if skip_top <= w < bound] for s in sequences], kept
    return [[w if skip_top <= w < bound else oov_char for w in s] for s in sequences], kept


ENCODINGS = [dict(), dict(num_words=12, skip_top=5), dict(oov_char=None, num_words=20),
             dict(start_char=None), dict(start_char=None, index_from=0, oov_char=None),
             dict(maxlen=8, seed=7), dict(num_words=10, index_from=5, start_char=4)]


@pytest.fixture
def imdb_files(home, source, monkeypatch, rng):
    fake = {"x_train": ragged(rng, 9), "y_train": rng.integers(0, 2, 9),
            "x_test": ragged(rng, 7), "y_test": rng.integers(0, 2, 7)}
    np.savez(source / "imdb.npz", **fake)
    (source / "imdb_word_index.json").write_text(json.dumps({"the": 1, "movie": 2}))
    serve_folder(monkeypatch, imdb, source)
    monkeypatch.setattr(imdb, "FILE_HASH", sha256(source / "imdb.npz"))
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", md5(source / "imdb_word_index.json"))
    return fake


@pytest.mark.parametrize("kwargs", ENCODINGS)
def test_imdb_follows_the_keras_rules(imdb_files, kwargs):
    seed = kwargs.pop("seed", 113)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(seed=seed, **kwargs)
    rng = np.random.RandomState(seed)  # the shuffle Keras draws: train first, then test
    orders = [rng.permutation(9), rng.permutation(7)]
    sequences = [imdb_files["x_train"][orders[0]], imdb_files["x_test"][orders[1]]]
    expected, kept = reference_encoding(list(sequences[0]) + list(sequences[1]), **kwargs)
    labels = np.concatenate([imdb_files["y_train"][orders[0]], imdb_files["y_test"][orders[1]]])
    n_train = sum(kept[:9])
    assert x_train.dtype == object and x_train.ndim == 1 and len(x_train) == n_train
    assert list(x_train) + list(x_test) == expected
    assert all(type(w) is int for s in x_train for w in s)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), labels[kept])
    assert y_train.dtype == imdb_files["y_train"].dtype


def test_imdb_matches_keras_and_errors(imdb_files, source, keras_module):
    theirs = keras_module("imdb", source / "imdb.npz")
    for kwargs in ENCODINGS:
        assert_same_split(imdb.load_data(**kwargs), theirs.load_data(**kwargs))
    with pytest.raises(ValueError, match="maxlen=2"):
        imdb.load_data(maxlen=2)
    assert imdb.get_word_index() == {"the": 1, "movie": 2}


def test_reuters_matches_the_rules_and_keras(home, source, monkeypatch, rng, keras_module):
    fake = {"x": ragged(rng, 13), "y": rng.integers(0, 46, 13)}
    np.savez(source / "reuters.npz", **fake)
    (source / "reuters_word_index.json").write_text(json.dumps({"the": 1}))
    serve_folder(monkeypatch, reuters, source)
    monkeypatch.setattr(reuters, "FILE_HASH", sha256(source / "reuters.npz"))
    monkeypatch.setattr(reuters, "WORD_INDEX_HASH", md5(source / "reuters_word_index.json"))

    (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=15, test_split=0.3)
    order = np.random.RandomState(113).permutation(13)
    expected, _ = reference_encoding(list(fake["x"][order]), num_words=15)
    assert len(x_train) == int(13 * 0.7) and list(x_train) + list(x_test) == expected
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), fake["y"][order])

    theirs = keras_module("reuters", source / "reuters.npz")
    for kwargs in ENCODINGS + [dict(test_split=0.5, maxlen=7)]:
        assert_same_split(reuters.load_data(**kwargs), theirs.load_data(**kwargs))
    assert reuters.get_label_names() == theirs.get_label_names()
    assert reuters.get_word_index() == {"the": 1}
    with pytest.raises(ValueError, match="test_split=1.5"):
        reuters.load_data(test_split=1.5)


# --- housing -------------------------------------------------------------------------------------
@pytest.mark.parametrize("module, n_features", [(boston_housing, 13), (california_housing, 8)])
def test_housing_shuffle_split_and_keras(module, n_features, home, source, monkeypatch, rng,
                                         keras_module):
    n = 650 if module is california_housing else 50
    x, y = rng.normal(size=(n, n_features)), rng.uniform(10, 50, n)
    name = module.__name__.rsplit(".", 1)[1]
    np.savez(source / f"{name}.npz", x=x, y=y)
    serve(monkeypatch, module, source / f"{name}.npz")
    (x_train, y_train), (x_test, y_test) = module.load_data(test_split=0.3, seed=4)
    order = np.random.RandomState(4).permutation(n)
    split = int(n * 0.7)
    np.testing.assert_array_equal(x_train, x[order[:split]])
    np.testing.assert_array_equal(y_test, y[order[split:]])
    assert x_test.shape == (n - split, n_features) and x_train.dtype == x.dtype
    with pytest.raises(ValueError, match="test_split=1"):
        module.load_data(test_split=1)

    theirs = keras_module(name, source / f"{name}.npz")
    assert_same_split(module.load_data(), theirs.load_data())
    if module is california_housing:
        assert_same_split(module.load_data("small", seed=3), theirs.load_data("small", seed=3))
        assert len(module.load_data("small")[0][0]) == int(600 * 0.8)
        with pytest.raises(ValueError, match="version='tiny'"):
            module.load_data("tiny")


# --- the origins and hashes are Keras' ----------------------------------------------------------
KERAS_FACTS = [
    ("mnist", mnist, ["ORIGIN", "FILE_HASH"]),
    ("fashion_mnist", fashion_mnist, ["ORIGIN_FOLDER"]),
    ("cifar10", cifar10, ["ORIGIN", "FILE_HASH"]),
    ("cifar100", cifar100, ["ORIGIN", "FILE_HASH"]),
    ("imdb", imdb, ["ORIGIN_FOLDER", "FILE_HASH", "WORD_INDEX_HASH"]),
    ("reuters", reuters, ["ORIGIN_FOLDER", "FILE_HASH", "WORD_INDEX_HASH"]),
    ("boston_housing", boston_housing, ["ORIGIN", "FILE_HASH"]),
    ("california_housing", california_housing, ["ORIGIN", "FILE_HASH"]),
]


@pytest.mark.parametrize("name, module, attributes", KERAS_FACTS)
def test_origins_and_hashes_are_in_keras_source(name, module, attributes):
    spec = importlib.util.find_spec("keras")
    if spec is None:
        pytest.skip("keras is not installed")
    text = (Path(spec.origin).parent / "src" / "datasets" / f"{name}.py").read_text()
    for attribute in attributes:
        value = getattr(module, attribute)
        if attribute == "ORIGIN" and value not in text:  # Keras writes f"{folder}mnist.npz"
            folder, file_name = value.rsplit("/", 1)
            assert f'"{folder}/"' in text and f"}}{file_name}" in text
        else:
            assert value in text
