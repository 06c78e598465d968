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
