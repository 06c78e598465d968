"""Layers: the building blocks of models (Keras 3 names and semantics)."""
from .base import Layer
from .dense import Dense
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .symbolic import SymbolicTensor
from .activation import Activation
from .dropout import Dropout
from .elu import ELU
from .flatten import Flatten
from .gaussian_noise import GaussianNoise
from .lambda_layer import Lambda
from .leaky_relu import LeakyReLU
from .permute import Permute
from .relu import ReLU
from .repeat_vector import RepeatVector
from .reshape import Reshape
from .softmax import Softmax

__all__ = ["Layer", "Dense", "Input", "InputLayer", "InputSpec", "SymbolicTensor"]
__all__ += ["Activation", "Dropout", "ELU", "Flatten", "GaussianNoise", "Lambda", "LeakyReLU",
            "Permute", "ReLU", "RepeatVector", "Reshape", "Softmax"]
