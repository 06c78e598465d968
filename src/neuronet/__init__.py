"""neuronet: a deep-learning framework on NumPy with a Keras-shaped API."""
from . import backend
from .autograd import Tensor, no_grad

__version__ = "0.1.0"
