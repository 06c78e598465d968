"""backend: the image data format setting and the shared argument checks."""
import numpy as np
import pytest

from neuronet import backend
from neuronet.layers import Flatten, Resizing
from neuronet.preprocessing.image import ImageDataGenerator


@pytest.fixture
def channels_first():
    backend.set_image_data_format("channels_first")
    yield
    backend.set_image_data_format("channels_last")


def test_image_data_format_defaults_to_channels_last():
    assert backend.image_data_format() == "channels_last"
    assert Flatten().data_format == "channels_last"


def test_set_image_data_format_is_the_default_of_the_image_layers(channels_first):
    assert backend.image_data_format() == "channels_first"
    assert Flatten().data_format == "channels_first"
    assert ImageDataGenerator().data_format == "channels_first"
    x = np.zeros((2, 3, 5, 6), np.float32)                     # (batch, channels, rows, cols)
    assert Resizing(4, 2)(x).shape == (2, 3, 4, 2)
    assert Flatten(data_format="channels_last").data_format == "channels_last"   # explicit wins


def test_set_image_data_format_rejects_unknown_values():
    with pytest.raises(ValueError, match=r"set_image_data_format: expected one of "
                                         r"\('channels_last', 'channels_first'\).*'NHWC'"):
        backend.set_image_data_format("NHWC")
    with pytest.raises(ValueError, match="received data_format=None"):
        backend.set_image_data_format(None)
    assert backend.image_data_format() == "channels_last"


def test_standardize_data_format():
    assert backend.standardize_data_format(None, "f") == "channels_last"
    assert backend.standardize_data_format("Channels_First", "f") == "channels_first"
    with pytest.raises(ValueError, match="MyLayer: .*received data_format='nhwc'"):
        backend.standardize_data_format("nhwc", "MyLayer")


def test_check_choice_returns_the_value_or_lists_the_valid_ones():
    assert backend.check_choice("f", "mode", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"^f: invalid mode='c'; expected one of 'a', 'b', None$"):
        backend.check_choice("f", "mode", "c", ("a", "b", None))


def test_keras_config_names_read_and_set_the_backend_settings():
    import neuronet as keras
    assert keras.config.backend() == keras.backend.backend() == "numpy"
    assert keras.version() == keras.__version__
    previous = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        assert backend.floatx() == "float64"
        assert keras.layers.Dense(2)(np.ones((1, 3))).dtype == np.float64
    finally:
        keras.config.set_floatx(previous)
    keras.backend.clear_session(free_memory=True)
