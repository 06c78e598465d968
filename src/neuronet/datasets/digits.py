"""The 8x8 handwritten digits, shipped inside the package (no network needed)."""
import numpy as np


def load_data():
    """((x_train, y_train), (x_test, y_test)) like keras.datasets.mnist.load_data().

    x: uint8 images of shape (n, 8, 8), pixel values 0..16; y: uint8 labels 0..9.
    1,437 training and 360 test images. See DIGITS-LICENSE.txt for the source and licence.
    """
    from importlib import resources  # here, not at the top: `import neuronet` stays quicker
    with resources.files(__package__).joinpath("digits.npz").open("rb") as file:
        data = np.load(file)
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
