"""SpectralNormalization: keeps the spectral norm of a layer's kernel near 1 ("Spectral
Normalization for GANs", Miyato et al., 2018), Keras 3's wrapper."""
import numbers

import numpy as np

from .. import backend, initializers
from ..ops import math as m
from .input_spec import InputSpec
from .wrapper import Wrapper


class SpectralNormalization(Wrapper):
    """Divides the kernel (or the embeddings) of `layer` by its largest singular value,
    estimated by `power_iterations` steps of the power iteration.

    As in Keras, the normalization happens in training calls only, and is stored: each
    training call (whose kernel is not all zeros) first replaces the kernel by
    kernel / sigma and the vector `vector_u` (1, units) by its new estimate, then runs the
    layer; gradients flow to the stored kernel as if it were the layer's own. Inference
    calls run the layer with the kernel as it is.
    Weights, in Keras' order: the layer's kernel, vector_u (not trainable, drawn from
    TruncatedNormal(stddev=0.02)), then the layer's other weights.
    Input and output: the wrapped layer's.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if (isinstance(power_iterations, bool) or not isinstance(power_iterations, numbers.Integral)
                or power_iterations <= 0):
            raise ValueError(f"SpectralNormalization: expected a positive integer for argument "
                             f"'power_iterations', received power_iterations={power_iterations!r}")
        self.power_iterations = int(power_iterations)

    @property
    def kernel(self):
        """The wrapped layer's kernel (or embeddings), which is normalized."""
        for name in ("kernel", "embeddings"):
            weight = getattr(self.layer, name, None)
            if weight is not None:
                return weight
        raise ValueError(f"SpectralNormalization: the wrapped layer {type(self.layer).__name__} "
                         f"'{self.layer.name}' has neither a 'kernel' nor an 'embeddings' weight")

    def build(self, input_shape):
        self.layer._ensure_built(tuple(input_shape))
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = self.kernel
        self.vector_u = self.add_weight((1, kernel.shape[-1]),
                                        initializers.TruncatedNormal(stddev=0.02),
                                        dtype=kernel.dtype, trainable=False, name="vector_u")

    @property
    def weights(self):
        weights = super().weights                          # vector_u, then the layer's
        if not self.built:
            return weights
        kernel = self.kernel
        return [kernel] + [w for w in weights if w is not kernel]

    def call(self, inputs, training=False):
        if training and np.any(self.kernel.data != 0):
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        outputs = self.layer(inputs)
        return outputs if outputs.dtype == inputs.dtype else m.cast(outputs, inputs.dtype)

    def normalized_weights(self):
        """(new vector_u, kernel / sigma) as arrays, sigma the spectral norm estimated by
        the power iteration from vector_u."""
        kernel = self.kernel.data
        w = kernel.reshape(-1, kernel.shape[-1])           # (fan_in, units)
        u = self.vector_u.data                             # (1, units)
        for _ in range(self.power_iterations):
            v = _l2_normalized(u @ w.T)                    # (1, fan_in)
            u = _l2_normalized(v @ w)                      # (1, units)
        sigma = v @ w @ u.T                                # (1, 1): v^T W u
        return u, kernel / sigma[0, 0]

    def save_own_variables(self, store):
        """Keras' file layout: the kernel (the wrapped layer's too) and vector_u."""
        store["0"], store["1"] = self.kernel.data, self.vector_u.data

    def load_own_variables(self, store):
        variables = (self.kernel, self.vector_u)
        arrays = [store.get(str(i)) for i in range(len(variables))]
        if len(store) != len(variables) or any(a is None or np.shape(a) != v.shape
                                               for a, v in zip(arrays, variables)):
            raise ValueError(f"Layer '{self.name}' (SpectralNormalization): expected the "
                             f"kernel {self.kernel.shape} and vector_u {self.vector_u.shape} "
                             f"in the file, found arrays of shapes "
                             f"{[np.shape(a) for a in store.values()]}")
        for variable, array in zip(variables, arrays):
            variable.assign(np.asarray(array, variable.dtype))

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


def _l2_normalized(x):
    """x / max(||x||, epsilon), ||x|| over all elements, as keras.ops.normalize computes."""
    floor = np.asarray(backend.epsilon() ** 2, x.dtype)
    return x / np.sqrt(np.maximum(np.sum(np.square(x)), floor))
