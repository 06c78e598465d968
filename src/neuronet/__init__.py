"""neuronet: a deep-learning framework on NumPy with its own backpropagation.

Its public API mirrors Keras, so that `import neuronet as keras` runs Keras code:

    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=5)
"""
from . import (activations, applications, backend, callbacks, config, constraints, datasets,
               initializers, layers, losses, memory, metrics, models, ops, optimizers,
               preprocessing, regularizers, saving, testing, utils)
from . import random, tree
from .autograd import GradientTape, Tensor, Variable, no_grad
from .initializers import Initializer
from .layers import Input, InputLayer, InputSpec, Layer
from .layers.symbolic import SymbolicTensor as KerasTensor
from .losses import Loss
from .metrics import Metric
from .models import Model, Sequential
from .optimizers import Optimizer
from .regularizers import Regularizer

memory.configure_from_environment()     # keep freed memory for the next training step

__version__ = "0.1.0"


def version():
    """neuronet's version string, as `keras.version()`."""
    return __version__


__all__ = ["Sequential", "Model", "Input", "InputLayer", "InputSpec", "Layer", "KerasTensor",
           "Tensor", "Variable", "GradientTape", "no_grad", "version", "Loss", "Metric",
           "Optimizer", "Initializer", "Regularizer", "activations", "backend", "callbacks",
           "config", "constraints", "datasets", "initializers", "layers", "losses", "metrics",
           "models", "ops", "optimizers", "preprocessing", "random", "regularizers", "saving",
           "testing", "tree", "utils", "applications"]
