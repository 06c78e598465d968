"""The autograd core: Tensor, backward, gradient accumulation, grad modes, GradientTape,
Variable."""
import numpy as np
import pytest

from neuronet import backend
from neuronet.autograd import (GradientTape, Tensor, Variable, enable_grad, graph,
                               is_grad_enabled, no_grad)
from neuronet.ops import math as ops

# --- construction and array facts ------------------------------------------------------------


def test_python_float_gives_a_0d_float32_tensor():
    t = Tensor(2.5)
    assert t.shape == () and t.ndim == 0 and t.size == 1
    assert t.dtype == np.float32
    assert isinstance(t.numpy(), np.ndarray)
    assert t.item() == 2.5 and float(t) == 2.5


def test_python_float_follows_floatx():
    backend.set_floatx("float64")
    try:
        assert Tensor([1.0, 2.0]).dtype == np.float64
    finally:
        backend.set_floatx("float32")
    assert Tensor([1.0, 2.0]).dtype == np.float32


def test_nested_lists_give_float32_and_ints_stay_ints():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and len(t) == 2
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.numpy(), [[1, 2, 3], [4, 5, 6]])
    assert np.issubdtype(Tensor([1, 2, 3]).dtype, np.integer)
    assert np.issubdtype(Tensor(7).dtype, np.integer)
    assert Tensor([True, False]).dtype == bool


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64"])
def test_ndarrays_keep_their_dtype(dtype):
    array = np.arange(6).reshape(2, 3).astype(dtype)
    t = Tensor(array)
    assert t.dtype == dtype
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), array)


def test_explicit_dtype_and_numpy_scalars():
    assert Tensor([1, 2], dtype="float64").dtype == np.float64
    assert Tensor(np.float64(1.5)).dtype == np.float64
    scalar = Tensor(np.float32(1.5))
    assert isinstance(scalar.numpy(), np.ndarray) and scalar.shape == ()


def test_op_outputs_hold_ndarrays_even_for_0d_results():
    out = ops.sum(Tensor([1.0, 2.0]))
    assert isinstance(out.numpy(), np.ndarray)
    assert out.shape == () and out.item() == 3.0


# --- backward --------------------------------------------------------------------------------

def test_backward_of_a_scalar():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0, 6.0])
    assert x.grad.dtype == np.float32


def test_backward_with_an_explicit_gradient():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 3.0
    y.backward(np.array([[1.0, 0.0], [0.5, 2.0]]))
    np.testing.assert_array_equal(x.grad, [[3.0, 0.0], [1.5, 6.0]])
    assert x.grad.dtype == np.float32
    x.zero_grad()
    assert x.grad is None
    (x * 2.0).backward(Tensor(np.ones((2, 2))))
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 2.0))


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"backward.*\(2,\)"):
        (x * 2.0).backward()


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"expected a gradient of shape \(2,\).*\(3,\)"):
        (x * 2.0).backward(np.ones(3))


def test_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0 + 2.0, 3.0 + 4.0])


@pytest.mark.parametrize("expr, derivative", [
    (lambda x: x * x, lambda x: 2 * x),
    (lambda x: x + x, lambda x: np.full_like(x, 2.0)),
    (lambda x: x * x * x - x, lambda x: 3 * x ** 2 - 1),
    # diamond: a feeds two branches that meet again; y = 4x^2 (2x + 3)
    (lambda x: (lambda a: (a * a) * (a + 3.0))(x * 2.0), lambda x: 24 * x ** 2 + 24 * x),
])
def test_a_tensor_used_twice_sums_its_gradients(expr, derivative):
    values = np.array([-1.5, 0.5, 2.0], dtype=np.float32)
    x = Tensor(values, requires_grad=True)
    expr(x).sum().backward()
    np.testing.assert_allclose(x.grad, derivative(values), rtol=1e-6)


def test_accumulation_matches_pytorch():
    torch = pytest.importorskip("torch")
    values = np.array([0.3, -1.2, 2.0], dtype=np.float32)
    x = Tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    for lib_x, lib in ((x, ops), (tx, torch)):
        a = lib_x * 2.0
        (lib.exp(a) * a + a).sum().backward()
        (lib_x * lib_x).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_only_leaves_that_require_grad_receive_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    hidden = x * c
    out = hidden.sum()
    out.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert c.grad is None and hidden.grad is None and out.grad is None


def test_gradients_are_writable_and_not_shared_between_tensors():
    x = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    y = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    (x + y).sum().backward()
    x.grad *= 0.5                              # in-place edits (clipping, scaling) must work
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 0.5))
    np.testing.assert_array_equal(y.grad, np.ones((2, 3)))


def test_a_deep_chain_backpropagates_without_recursion():
    x = Tensor(np.float32(1.0), requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0 + 0.5
    y.backward()
    assert y.item() == pytest.approx(5001.0)
    assert x.grad == pytest.approx(1.0)


# --- sweeping a recording ------------------------------------------------------------------

def _loss(w, v, before):
    """sum((w v + before)^2 w) + sum(v^2): w is used twice, once through reshapes (views)."""
    hidden = ops.square(w * v + before)
    return (ops.reshape(hidden, (12,)) * ops.reshape(w, (12,))).sum() + (v * v).sum()


def test_a_recorded_sweep_gives_the_searched_sweeps_gradients():
    rng = np.random.default_rng(0)
    w = Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    v = Tensor(rng.standard_normal(4), requires_grad=True)
    made_before = ops.exp(w) * 0.5                    # a node made before the recording
    with graph.recording() as nodes:
        unrelated = ops.exp(v)                        # on the tape, not on the loss's path
        loss = _loss(w, v, made_before)
    recorded = {id(node) for node in nodes}
    assert id(unrelated) in recorded and id(made_before) not in recorded and nodes[-1] is loss
    searched = graph.backpropagate(loss, wanted={w, v})
    swept = graph.backpropagate(loss, wanted={w, v}, recorded=nodes)
    for leaf in (w, v):
        np.testing.assert_allclose(swept[leaf], searched[leaf], rtol=1e-12)
    inner = w.data * v.data + made_before.data
    exact = inner ** 2 + 2 * w.data * inner * (v.data + made_before.data)
    np.testing.assert_allclose(swept[w], exact, rtol=1e-10)


def test_a_recording_inside_another_adds_to_the_outer_list():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with graph.recording() as outer:
        a = x * 2.0
        with graph.recording() as inner:
            b = a * a
        c = b + a
    assert inner is outer and outer == [a, b, c]
    assert graph._recorded is None                    # both closed
    np.testing.assert_allclose(graph.backpropagate(c.sum(), recorded=outer)[x],
                               8 * x.data + 2)       # d/dx (4x^2 + 2x)


def test_a_recording_ends_after_an_exception_and_keeps_no_graph_free_ops():
    x = Tensor([1.0])
    with pytest.raises(KeyError):
        with graph.recording() as nodes:
            _ = x * 2.0                               # no input requires grad: not a node
            with no_grad():
                _ = Tensor([1.0], requires_grad=True) * 2.0
            raise KeyError("inside")
    assert nodes == [] and graph._recorded is None


def test_backward_of_a_leaf_gives_its_seed():
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.backward(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


# --- grad modes ------------------------------------------------------------------------------

def test_no_grad_records_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2.0 + 1.0
    assert is_grad_enabled()
    assert not y.requires_grad
    np.testing.assert_array_equal(y.numpy(), [3.0, 5.0])
    z = (x * 2.0).sum()
    assert z.requires_grad


def test_no_grad_nests_and_enable_grad_reopens_recording():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        with no_grad():
            assert not (x * 1.0).requires_grad
        assert not is_grad_enabled()
        with enable_grad():
            assert is_grad_enabled()
            y = x * 3.0
        assert not (x * 1.0).requires_grad
    assert is_grad_enabled()
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0])


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("inside")
    assert is_grad_enabled()


def test_detach_cuts_the_graph():
    x = Tensor([2.0, 3.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad
    np.testing.assert_array_equal(d.numpy(), x.numpy())
    (x * d).sum().backward()                   # d is a constant: d(x*d)/dx = d, not 2x
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


# --- GradientTape ----------------------------------------------------------------------------

def test_tape_gradient_with_respect_to_variables():
    w = Variable(np.array([1.0, -2.0], dtype=np.float32), name="w")
    b = Variable(np.float32(0.5), name="b")
    with GradientTape() as tape:
        loss = ops.square(w * 3.0 + b).sum()
    grad_w, grad_b = tape.gradient(loss, [w, b])
    residual = np.array([3.0 + 0.5, -6.0 + 0.5])
    assert isinstance(grad_w, Tensor) and grad_w.dtype == np.float32
    np.testing.assert_allclose(grad_w.numpy(), 2 * residual * 3.0)
    np.testing.assert_allclose(grad_b.numpy(), 2 * residual.sum())
    assert w.grad is None                      # the tape returns gradients, it does not store them


def test_tape_gradient_with_respect_to_watched_constants():
    x = Tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).item() == 6.0


def test_unwatched_or_unconnected_sources_get_none():
    used = Variable(np.ones(2, dtype=np.float32))
    unused = Variable(np.ones(2, dtype=np.float32))
    frozen = Variable(np.ones(2, dtype=np.float32), trainable=False)
    constant = Tensor([1.0, 1.0])
    with GradientTape() as tape:
        y = (used * frozen * constant).sum()
    grads = tape.gradient(y, [used, unused, frozen, constant])
    np.testing.assert_array_equal(grads[0].numpy(), [1.0, 1.0])
    assert grads[1:] == [None, None, None]


def test_tape_preserves_nested_structures():
    a, b, c = (Variable(np.float32(v)) for v in (1.0, 2.0, 3.0))
    with GradientTape() as tape:
        y = a * 1.0 + b * 2.0 + c * 3.0
    grads = tape.gradient(y, {"first": [a, (b,)], "second": {"c": c}})
    assert set(grads) == {"first", "second"}
    assert isinstance(grads["first"], list) and isinstance(grads["first"][1], tuple)
    assert grads["first"][0].item() == 1.0
    assert grads["first"][1][0].item() == 2.0
    assert grads["second"]["c"].item() == 3.0


def test_tape_gradient_with_respect_to_an_intermediate_tensor():
    v = Variable(np.array([1.0, 2.0], dtype=np.float32))
    with GradientTape() as tape:
        h = v * 2.0
        y = (h * h).sum()
    np.testing.assert_array_equal(tape.gradient(y, h).numpy(), [4.0, 8.0])


def test_tape_takes_values_made_before_it_began_as_constants():
    # TensorFlow's rule: a target computed outside the tape (a DQN's bootstrapped target)
    # passes no gradient; torch.autograd would differentiate through it (4 w + 3).
    w = Variable(np.array([1.0, -2.0]))
    doubled = w * 2.0                                  # made outside the tape
    with GradientTape() as tape:
        loss = (doubled * w).sum() + (w * 3.0).sum()   # doubled * w + 3 w, doubled fixed
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), doubled.data + 3)
    with GradientTape() as tape:
        inside = (w * 2.0 * w).sum()
    with pytest.warns(UserWarning, match="not computed inside the tape"):
        assert tape.gradient(inside * 1.0, w) is None      # an op after the tape closed


def test_tape_without_watching_accessed_variables_differentiates_the_watched_only():
    v, u = Variable(np.array([1.0, 2.0, 3.0])), Variable(np.array(2.0))
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(u)
        loss = (v * v).sum() * u
    grad_v, grad_u = tape.gradient(loss, [v, u])
    assert grad_v is None and grad_u.numpy() == pytest.approx(14.0)


def test_tape_rejects_a_source_that_is_not_a_tensor():
    v = Variable(np.array(2.0))
    with GradientTape() as tape:
        y = v * v
    with pytest.raises(TypeError, match=r"`sources`, received a ndarray"):
        tape.gradient(y, [v, np.array(1.0)])


def test_a_gradient_of_a_gradient_raises_instead_of_missing_silently():
    """WGAN-GP's penalty differentiates an inner tape's gradient: refused with an error
    naming the cause (the backward passes are not recorded ops)."""
    w = Variable(np.array([1.0, -2.0]))
    x = Tensor([0.5, 3.0])
    with GradientTape() as outer:
        with GradientTape() as inner:
            inner.watch(x)
            y = ops.exp(w * x).sum()
        grad_x = inner.gradient(y, x)
        penalty = ((grad_x * grad_x).sum() - 1.0) ** 2
    with pytest.raises(NotImplementedError, match="gradient of a gradient"):
        outer.gradient(penalty, w)


def test_nested_tapes_give_first_order_gradients_of_what_does_not_use_the_inner_ones():
    w = Variable(np.array([1.0, -2.0]))
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = (w * w).sum()
        inner_grad = inner.gradient(y, w)                          # 2 w
        loss = (w * 3.0).sum() + y
    np.testing.assert_allclose(inner_grad.numpy(), 2 * w.data)
    np.testing.assert_allclose(outer.gradient(loss, w).numpy(), 3 + 2 * w.data)


def test_gradients_of_an_outermost_tape_are_plain_constants():
    w = Variable(np.array([1.0, -2.0]))
    with GradientTape() as tape:
        y = (w * w).sum()
    assert not tape.gradient(y, w).requires_grad


def test_non_persistent_tape_refuses_a_second_call():
    v = Variable(np.float32(2.0))
    with GradientTape() as tape:
        y = v * v
    tape.gradient(y, v)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, v)


def test_persistent_tape_allows_several_calls():
    v = Variable(np.float32(2.0))
    with GradientTape(persistent=True) as tape:
        y = v * v
        z = y * y
    assert tape.gradient(y, v).item() == 4.0
    assert tape.gradient(z, v).item() == 32.0    # d(v^4)/dv = 4 v^3


def test_output_gradients_weight_the_target():
    v = Variable(np.array([1.0, 2.0], dtype=np.float32))
    with GradientTape() as tape:
        y = v * 3.0
    grad = tape.gradient(y, v, output_gradients=np.array([1.0, -2.0]))
    np.testing.assert_array_equal(grad.numpy(), [3.0, -6.0])


def test_non_scalar_target_is_differentiated_as_its_sum():
    v = Variable(np.array([1.0, 2.0], dtype=np.float32))
    with GradientTape() as tape:
        y = v * v
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0])


def test_tape_records_inside_no_grad():
    v = Variable(np.float32(3.0))
    with no_grad():
        with GradientTape() as tape:
            y = v * v
        assert not is_grad_enabled()
    assert tape.gradient(y, v).item() == 6.0


# --- Variable --------------------------------------------------------------------------------

def test_variable_from_an_initializer_and_its_facts():
    v = Variable(lambda shape, dtype: np.full(shape, 0.25, dtype=dtype or "float32"),
                 shape=(2, 3), name="kernel")
    assert v.shape == (2, 3) and v.dtype == np.float32 and v.name == "kernel"
    assert v.trainable and v.requires_grad
    frozen = Variable(np.zeros(2, dtype=np.float32), trainable=False)
    assert not frozen.trainable and not frozen.requires_grad


def test_variable_from_an_initializer_name():
    ones = Variable("ones", shape=(2,), dtype="int32")            # as keras.Variable
    assert ones.dtype == np.int32 and ones.numpy().tolist() == [1, 1]
    drawn = Variable("glorot_uniform", shape=(3, 2), name="w")
    assert drawn.shape == (3, 2) and drawn.dtype == np.float32
    assert np.abs(drawn.numpy()).max() <= np.sqrt(6 / 5)
    with pytest.raises(ValueError, match="nope"):
        Variable("nope", shape=(2,))
    with pytest.raises(ValueError, match="the `shape` argument should be specified"):
        Variable("ones")


def test_variable_rejects_an_initial_value_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"'w'.*\(2, 2\).*\(3,\)"):
        Variable(np.zeros(3), shape=(2, 2), name="w")


def test_variable_assign_assign_add_assign_sub():
    v = Variable(np.array([1.0, 2.0], dtype=np.float32), name="v")
    data = v.data
    v.assign(np.array([5.0, 6.0]))                 # float64 values, stored as float32 in place
    assert v.data is data and v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(np.array([0.5, 2.0]))
    np.testing.assert_array_equal(v.numpy(), [5.5, 5.0])
    assert v.data is data and v.dtype == np.float32
    scalar = Variable(np.float32(1.0))
    scalar.assign(4.0)
    assert scalar.item() == 4.0


def test_variable_assign_of_the_wrong_shape_raises():
    v = Variable(np.zeros((2, 3), dtype=np.float32), name="bias")
    with pytest.raises(ValueError, match=r"'bias'.*\(3, 2\).*\(2, 3\)"):
        v.assign(np.zeros((3, 2)))


def test_variable_does_not_write_into_the_callers_array():
    initial = np.zeros(3, dtype=np.float32)
    v = Variable(initial)
    v.assign_add(1.0)
    np.testing.assert_array_equal(initial, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0, 1.0])


def test_variable_value_is_a_tensor_outside_the_graph():
    v = Variable(np.array([1.0, 2.0], dtype=np.float32))
    value = v.value
    assert isinstance(value, Tensor) and not value.requires_grad
    np.testing.assert_array_equal(value.numpy(), [1.0, 2.0])


def test_equality_is_element_wise_and_tensors_stay_hashable_by_identity():
    a, b = Tensor(np.array([[1], [2]])), Tensor(np.array([[1], [3]]))
    np.testing.assert_array_equal((a == b).data, [[True], [False]])
    np.testing.assert_array_equal((a != b).data, [[False], [True]])
    np.testing.assert_array_equal((a == 2).data, [[False], [True]])
    twin = Tensor(np.array([[1], [2]]))
    seen = {a: "a", twin: "twin"}                      # equal values, two keys
    assert seen[a] == "a" and seen[twin] == "twin" and len({a, twin, a}) == 2


def test_a_variables_numpy_is_a_snapshot_as_in_keras():
    v = Variable(np.zeros(3, dtype=np.float32))
    before = v.numpy()
    v.assign(np.ones(3, dtype=np.float32))
    v.assign_add(np.ones(3, dtype=np.float32))
    np.testing.assert_array_equal(before, np.zeros(3))
    np.testing.assert_array_equal(v.numpy(), np.full(3, 2.0))
