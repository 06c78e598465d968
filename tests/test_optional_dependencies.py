"""numpy is the one core dependency: the package imports and trains without the extras."""
import subprocess
import sys

EXTRAS = ("h5py", "PIL", "tqdm", "matplotlib", "torch", "sklearn", "keras", "jax")


def test_import_and_training_need_only_numpy():
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in EXTRAS)  # import -> ImportError
    code = (f"import sys; {blocked}\n"
            "import numpy as np, neuronet as keras\n"
            "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
            "m.compile('sgd', 'mse')\n"
            "m.fit(np.ones((8, 3)), np.ones(8), epochs=1, verbose=0)\n"
            "try:\n"
            "    m.save('unused.keras')\n"
            "except ImportError as error:\n"
            "    print(error)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "pip install 'neuronet[saving]'" in result.stdout


# The modules of archives, temporary files, hashing, sockets and compression that only
# saving, downloads and TensorBoard use: `import neuronet` leaves them to those paths.
DEFERRED = ("zipfile", "tarfile", "tempfile", "shutil", "socket", "gzip", "lzma", "bz2",
            "importlib.resources", "urllib.request")


def _loaded_after(statements):
    code = ("import sys\n" + statements + "\n"
            f"print(' '.join(name for name in {DEFERRED!r} if name in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_import_leaves_the_io_modules_to_the_code_that_uses_them():
    assert _loaded_after("import neuronet") == []


def test_the_io_modules_load_when_their_code_runs(tmp_path):
    path = tmp_path / "digits.weights.h5"
    loaded = _loaded_after("import neuronet as keras\n"
                           "keras.datasets.digits.load_data()\n"
                           "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
                           f"m.save_weights({str(path)!r})")
    assert {"importlib.resources", "tempfile"} <= set(loaded)
