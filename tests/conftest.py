import os

if os.environ.get("PYTEST_XDIST_WORKER"):     # `pytest -n 2`: the processes share the cores,
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):   # one BLAS thread each
        os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402  (after the thread settings, which NumPy reads at import)
import pytest  # noqa: E402

from neuronet import backend  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts from float32 and a fixed seed, and leaves them so."""
    backend.set_floatx("float32")
    backend.set_random_seed(1234)
    yield
    backend.set_floatx("float32")


@pytest.fixture
def float64():
    backend.set_floatx("float64")
    yield
    backend.set_floatx("float32")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def real_keras():
    """Keras 3 itself on its JAX backend (CPU), the oracle of the Keras tests; skips when absent."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    return pytest.importorskip("keras")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras home (`$KERAS_HOME`), where downloads are cached."""
    path = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(path))
    return path
