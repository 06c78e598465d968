"""InputSpec: what a layer accepts, checked on every call with Keras' error wording."""


class InputSpec:
    """Constraints on a layer input: rank (ndim / min_ndim) and fixed axis sizes."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None):
        self.ndim, self.min_ndim, self.max_ndim = ndim, min_ndim, max_ndim
        self.axes = dict(axes or {})

    def check(self, layer_name, shape, index=0):
        """Raise a ValueError in Keras' wording unless an input of `shape` meets the spec."""
        problem = self._problem(shape)
        if problem is not None:
            raise ValueError(f"Input {index} of layer '{layer_name}' is incompatible with the "
                             f"layer: {problem}")

    def _problem(self, shape):
        """What `shape` breaks (the first rule it fails, in words), or None."""
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            return (f"expected ndim={self.ndim}, found ndim={rank}. "
                    f"Full shape received: {tuple(shape)}")
        if self.min_ndim is not None and rank < self.min_ndim:
            return (f"expected min_ndim={self.min_ndim}, found ndim={rank}. "
                    f"Full shape received: {tuple(shape)}")
        if self.max_ndim is not None and rank > self.max_ndim:
            return (f"expected max_ndim={self.max_ndim}, found ndim={rank}. "
                    f"Full shape received: {tuple(shape)}")
        for axis, size in self.axes.items():
            if -rank <= axis < rank and shape[axis] is not None and shape[axis] != size:
                return (f"expected axis {axis} of input shape to have value {size}, "
                        f"but received input with shape {tuple(shape)}")
        return None
