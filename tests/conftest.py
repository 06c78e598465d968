import numpy as np
import pytest

from neuronet import backend


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
