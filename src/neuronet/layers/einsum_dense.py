"""EinsumDense: a dense layer whose product of the input and the kernel is any einsum.

    layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    layer(np.zeros((8, 10, 32)))                       # (8, 10, 64); kernel (32, 64)
"""
import math
import re

from .. import initializers
from ..ops import math as m
from .input_spec import InputSpec
from .kernel_layer import KernelLayer

# The three forms of equation Keras accepts, and where their ellipsis stands.
_LETTERS = "[a-zA-Z]"
_FORMS = ((re.compile(rf"({_LETTERS}+),({_LETTERS}+)->({_LETTERS}+)"), None),
          (re.compile(rf"\.\.\.({_LETTERS}+),({_LETTERS}+)->\.\.\.({_LETTERS}+)"), "left"),
          (re.compile(rf"({_LETTERS}{{2,}})\.\.\.,({_LETTERS}+)->({_LETTERS}+)\.\.\."), "right"))


def parse_equation(equation):
    """(input letters, kernel letters, output letters, ellipsis side: None, 'left' or
    'right') of an EinsumDense equation; a ValueError for any other form."""
    for pattern, ellipsis in _FORMS:
        found = pattern.fullmatch(equation.replace(" ", "")) if isinstance(equation, str) else None
        if found:
            return found.group(1), found.group(2), found.group(3), ellipsis
    raise ValueError(f"EinsumDense: invalid equation {equation!r}; expected the form "
                     "'X,Y->Z', '...X,Y->...Z' or 'X...,Y->Z...' (X, Y, Z strings of letters, "
                     "e.g. 'ab,bc->ac')")


class EinsumShapes:
    """The shapes an equation gives for an input shape (Keras' rules): `kernel` with its
    `input_axes` and `output_axes` (the axes counted by the fans of the initializer),
    `bias` (None without bias_axes), `output` (the einsum's output shape), and the sizes
    of the input axes the kernel contracts, `input_axes_sizes` ({input axis: size})."""

    def __init__(self, equation, bias_axes, input_shape, partial_output_shape):
        inputs, kernel, outputs, ellipsis = parse_equation(equation)
        shape = tuple(input_shape)
        elided = len(shape) - len(inputs)
        if elided < 0 or (ellipsis is None and elided):
            more = " or more" if ellipsis else ""
            raise ValueError(f"EinsumDense: equation {equation!r} expects inputs of rank "
                             f"{len(inputs)}{more}, received input shape {shape}")
        # where each input letter sits (counted from the end after a left ellipsis), and the
        # sizes output_shape gives the output letters: all of them after a left ellipsis,
        # else all but the first (the batch axis)
        axis_of = {c: i - len(inputs) if ellipsis == "left" else i for i, c in enumerate(inputs)}
        given = outputs if ellipsis == "left" else outputs[1:]
        if len(partial_output_shape) != len(given):
            raise ValueError(f"EinsumDense: equation {equation!r} needs output_shape to give "
                             f"{len(given)} size(s), for the output axes {given!r}; received "
                             f"output_shape={tuple(partial_output_shape)}")
        sizes = dict(zip(given, partial_output_shape))
        if ellipsis != "left":
            sizes[outputs[0]] = shape[0]
        for c in inputs:
            if c in sizes and sizes[c] is not None and sizes[c] != shape[axis_of[c]]:
                raise ValueError(f"EinsumDense: input shape and output shape do not match at "
                                 f"shared dimension '{c}': the input has {shape[axis_of[c]]}, "
                                 f"output_shape gives {sizes[c]}")
            if sizes.get(c) is None:
                sizes[c] = shape[axis_of[c]]
        for c in outputs:
            if c not in inputs and c not in kernel:
                raise ValueError(f"EinsumDense: output dimension '{c}' of equation {equation!r} "
                                 f"is neither in the input nor in the kernel")
        self.kernel, self.input_axes, self.output_axes = [], [], []
        self.input_axes_sizes = {}
        for i, c in enumerate(kernel):
            if c not in outputs and c not in inputs:
                raise ValueError(f"EinsumDense: kernel dimension '{c}' of equation "
                                 f"{equation!r} is neither in the input nor in the output")
            (self.output_axes if c in outputs else self.input_axes).append(i)
            if c in inputs:
                self.input_axes_sizes[axis_of[c]] = shape[axis_of[c]]
            self.kernel.append(self._known(sizes[c], c, "kernel", shape))
        self.output = tuple(shape[:elided] if ellipsis == "left" else ()) \
            + tuple(sizes[c] for c in outputs) \
            + tuple(shape[len(shape) - elided:] if ellipsis == "right" else ())
        self.bias = None
        if bias_axes is not None:
            unknown = [c for c in bias_axes if c not in outputs]
            if unknown or not bias_axes:
                raise ValueError(f"EinsumDense: bias_axes={bias_axes!r} must name output "
                                 f"dimensions of equation {equation!r} (its output: {outputs!r})")
            # the bias covers the output axes from the first one it names to the last
            first = min(outputs.index(c) for c in bias_axes)
            self.bias = [self._known(sizes[c], c, "bias", shape) if c in bias_axes else 1
                         for c in outputs[first:]]
            if ellipsis == "right":
                self.bias += [1] * elided

    @staticmethod
    def _known(size, letter, weight, input_shape):
        if size is None:
            raise ValueError(f"EinsumDense: the size of {weight} dimension '{letter}' is unknown "
                             f"for input shape {input_shape}; give it in output_shape")
        return size


class EinsumDense(KernelLayer):
    """A dense layer computing `activation(einsum(equation, inputs, kernel) + bias)`.

    equation: 'X,Y->Z' (X the input's letters, the first one the batch axis), '...X,Y->...Z'
    or 'X...,Y->Z...' (the ellipsis stands for the input's other axes, which pass through).
    output_shape: an int or a tuple: the sizes of the output axes, without the batch axis
    and the ellipsis; None for an axis the input gives.
    bias_axes: None (no bias), or the output letters the bias varies along, e.g. 'd'.
    Weights: kernel (one size per letter of Y), bias (the output axes from the first letter
    of bias_axes on, size 1 along those it does not name). A VarianceScaling initializer
    (glorot_uniform by default) counts as fan-in the kernel axes shared with the input and
    as fan-out those in the output, as Keras does.
    Input: rank len(X) (or more, with an ellipsis). Output: the einsum's shape.
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activation=activation, use_bias=bias_axes is not None,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
        parse_equation(equation)
        self.equation = equation
        sizes = (output_shape,) if isinstance(output_shape, int) else output_shape
        if not isinstance(sizes, (list, tuple)) or not all(
                n is None or (isinstance(n, int) and not isinstance(n, bool) and n > 0)
                for n in sizes):
            raise ValueError(f"EinsumDense: expected an int or a tuple of positive ints (or None) "
                             f"for argument 'output_shape', received output_shape={output_shape!r}")
        self.partial_output_shape = tuple(sizes)
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ValueError(f"EinsumDense: expected None or a string of output letters for "
                             f"argument 'bias_axes', received bias_axes={bias_axes!r}")
        self.bias_axes = bias_axes

    def _shapes(self, input_shape):
        return EinsumShapes(self.equation, self.bias_axes, input_shape, self.partial_output_shape)

    def build(self, input_shape):
        shapes = self._shapes(input_shape)
        self.input_spec = InputSpec(ndim=len(input_shape), axes=shapes.input_axes_sizes)
        self.kernel = self.add_weight(shapes.kernel, self._fitted_kernel_initializer(shapes),
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if shapes.bias is not None:
            self.bias = self.add_weight(shapes.bias, self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")

    def _fitted_kernel_initializer(self, shapes):
        """The kernel initializer, its fans counted along the kernel's input and output axes."""
        fan_in, fan_out = (math.prod(shapes.kernel[i] for i in axes)
                           for axes in (shapes.input_axes, shapes.output_axes))
        return initializers.with_fans(self.kernel_initializer, fan_in, fan_out)

    def call(self, inputs):
        outputs = m.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            outputs = m.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return self._shapes(input_shape).output

    def get_config(self):
        config = {key: value for key, value in self.kernel_bias_config().items()
                  if key != "use_bias"}                        # bias_axes says it
        return {**super().get_config(), "output_shape": self.partial_output_shape,
                "equation": self.equation, "bias_axes": self.bias_axes, **config}
