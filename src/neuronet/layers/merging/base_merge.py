"""Merge: the base of the layers that combine a list of tensors into one (Add, Maximum, ...).

Shapes follow Keras' rule: the batch axes must agree, the other axes broadcast as in
NumPy (aligned from the right, a size of 1 stretches, None matches anything), and an
input of lower rank gets axes of size 1 inserted right after its batch axis.
"""
from ...autograd.tensor import as_array
from ...ops import math as m
from ..base import Layer


def fold_masked(op, inputs, masks):
    """op folded over `inputs` as Keras 3 folds Maximum and Minimum over masked inputs: at a
    masked position an input takes the running result's value, and the running result
    (where it is masked) the input's, so that masked values never win; masks (b, t, 1)
    or None."""
    output, output_mask = inputs[0], masks[0]
    for x, mask in zip(inputs[1:], masks[1:]):
        if mask is not None:
            x = m.where(mask, x, output)
        if output_mask is not None:
            output = m.where(output_mask, output, x)
        output_mask = None if mask is None or output_mask is None else output_mask | mask
        output = op(output, x)
    return output


def check_shape_list(layer, input_shape, count=None):
    """Raise unless `input_shape` is a list of shapes (of `count` shapes, when given)."""
    kind = type(layer).__name__
    if not (isinstance(input_shape, (list, tuple)) and input_shape
            and all(isinstance(s, (list, tuple)) for s in input_shape)):
        raise ValueError(f"A `{kind}` layer ('{layer.name}') should be called on a list of "
                         f"inputs. Received: input_shape={input_shape}")
    if count is not None and len(input_shape) != count:
        raise ValueError(f"A `{kind}` layer ('{layer.name}') should be called on exactly "
                         f"{count} inputs. Received {len(input_shape)} inputs with shapes "
                         f"{_describe(input_shape)}")


def _describe(shapes):
    return ", ".join(str(tuple(s)) for s in shapes)


def _broadcast_axis(a, b):
    """The size of one broadcast axis, or -1 when `a` and `b` cannot broadcast."""
    if a is None or b is None:
        return b if a == 1 else a if b == 1 else None
    if a == 1 or b == 1 or a == b:
        return max(a, b)
    return -1


def broadcast_shapes(layer, shapes):
    """The output shape of an elementwise merge of inputs of `shapes` (Keras' rule)."""
    batch_sizes = {s[0] for s in shapes if len(s)} - {None}
    if len(batch_sizes) > 1:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) cannot merge tensors "
                         f"with different batch sizes. Received shapes {_describe(shapes)}")
    rank = max(len(s) for s in shapes) - 1
    output = [1] * rank
    for shape in shapes:
        sample = [1] * (rank - len(shape) + 1) + list(shape[1:])
        output = [_broadcast_axis(a, b) for a, b in zip(output, sample)]
        if -1 in output:
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): inputs have "
                             f"incompatible shapes. Received shapes {_describe(shapes)}")
    return (next(iter(batch_sizes), None),) + tuple(output)


class Merge(Layer):
    """Base of the elementwise merge layers; subclasses define `_merge_function(inputs)`.

    Input: a list of tensors whose shapes broadcast (see the module docstring).
    Output: one tensor of the broadcast shape. A masked input's mask passes through:
    the output mask is the OR of the input masks (None if any input has none).
    When an input has a mask, `_merge_masked(inputs, masks)` merges; subclasses whose
    merge must not see masked values (Multiply, Maximum, Minimum) override it.
    """

    supports_masking = True
    num_inputs = None          # None: any number of inputs (at least one)

    def _merge_masked(self, inputs, masks):
        """The merge of inputs of which some are masked (masks (b, t, 1) or None)."""
        return self._merge_function(inputs)

    def _merge_function(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} must implement _merge_function()")

    def build(self, input_shape):
        self.compute_output_shape(input_shape)      # validates the shapes
        self.built = True

    def compute_output_shape(self, input_shape):
        check_shape_list(self, input_shape, self.num_inputs)
        return broadcast_shapes(self, [tuple(s) for s in input_shape])

    def call(self, inputs, mask=None):
        shapes = [x.shape for x in inputs]
        self.compute_output_shape(shapes)            # shapes may change between calls
        rank = max(len(s) for s in shapes)
        inputs = [x if x.ndim == rank else
                  m.reshape(x, x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:])
                  for x in inputs]
        if mask is not None:
            masks = [None if k is None else as_array(k)[..., None] for k in mask]  # (b, t, 1)
            return self._merge_masked(inputs, masks)
        return self._merge_function(inputs)

    def compute_mask(self, inputs, mask=None):
        if mask is None or any(part is None for part in mask):
            return None
        output = mask[0]
        for other in mask[1:]:
            output = output | other
        return output
