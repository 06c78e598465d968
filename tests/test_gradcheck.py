"""neuronet.testing.gradcheck: accepts correct gradients in both modes, rejects wrong ones."""
import re

import numpy as np
import pytest

from neuronet import backend
from neuronet.autograd import Tensor
from neuronet.ops import math as ops
from neuronet.testing import GradcheckError, gradcheck


def square_with_backward(local_derivative):
    """x**2 with the given backward factor: 2x is right, anything else is wrong."""
    def op(x):
        return Tensor.from_op(x.data * x.data, (x,), lambda g: (g * local_derivative(x.data),))
    return op


right_square = square_with_backward(lambda x: 2 * x)
wrong_square = square_with_backward(lambda x: x)            # the factor 2 is missing


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def test_full_jacobian_mode_passes_on_correct_ops():
    error = gradcheck(lambda x, w: ops.exp(x) @ w + right_square(x).sum(), [rand(3, 4), rand(4, 2, seed=1)])
    assert 0.0 <= error < 1e-6


def test_projection_mode_passes_on_correct_ops():
    x, w = rand(30, 40), rand(40, 20, seed=1)               # 600 outputs x 2000 inputs: too big
    error = gradcheck(lambda x, w: ops.maximum(x @ w, 0.0) * 2.0, [x, w])   # for a full Jacobian
    assert 0.0 <= error < 1e-6


def test_full_jacobian_failure_shows_both_jacobians():
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, [np.array([1.0, 2.0])])
    message = str(info.value)
    assert "input 0" in message and "(2,)" in message
    analytic, numeric = message.split("analytic:")[1].split("numeric:")
    numbers = [float(s) for s in re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", numeric)]
    np.testing.assert_array_equal([float(s) for s in re.findall(r"-?\d+\.?\d*", analytic)], [1, 0, 0, 2])
    np.testing.assert_allclose(numbers, [2, 0, 0, 4], atol=1e-6)


def test_projection_failure_shows_both_directional_derivatives():
    with pytest.raises(GradcheckError, match=r"(?s)directional derivative.*analytic: .*numeric: "):
        gradcheck(wrong_square, [rand(5, 4)], full_jacobian_limit=0)


def test_the_failing_input_is_named():
    def fn(a, b):                              # right for a, wrong for b
        return ops.add(right_square(a), wrong_square(b))
    with pytest.raises(GradcheckError, match=r"input 1 \(shape \(3,\)\)"):
        gradcheck(fn, [rand(3), rand(3, seed=1)])


def test_a_gradient_of_the_wrong_shape_is_an_error():
    def summed_badly(x):                       # returns one number instead of x's shape
        return Tensor.from_op(x.data.sum(), (x,), lambda g: (np.sum(g).reshape(1),))
    with pytest.raises(GradcheckError, match=r"shape \(1,\).*\(4,\)"):
        gradcheck(summed_badly, [rand(4)])


def test_tolerance_is_respected():
    slightly_wrong = square_with_backward(lambda x: 2 * x * (1 + 1e-4))
    with pytest.raises(GradcheckError):
        gradcheck(slightly_wrong, [rand(3)])
    assert gradcheck(slightly_wrong, [rand(3)], tol=1e-3) < 1e-3


def test_runs_in_float64_and_restores_floatx():
    seen = []

    def fn(x):
        constant = Tensor([0.1, 0.2, 0.3])     # Python floats follow floatx: float64 here
        seen.extend([x.dtype, constant.dtype])
        return ops.exp(x * constant)
    gradcheck(fn, [np.arange(3, dtype=np.float32)])
    assert seen and all(dtype == np.float64 for dtype in seen)
    assert backend.floatx() == "float32"
    with pytest.raises(GradcheckError):
        gradcheck(wrong_square, [rand(2)])
    assert backend.floatx() == "float32"


def test_an_input_the_output_ignores_has_a_zero_gradient():
    assert gradcheck(lambda a, b: ops.exp(a), [rand(2), rand(3)]) < 1e-6
