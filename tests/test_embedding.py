import warnings

import numpy as np
import pytest

from neuronet import Tensor, backend
from neuronet.autograd import GradientTape
from neuronet.initializers import RandomUniform
from neuronet.layers import Embedding
from neuronet.ops.embedding import embedding
from neuronet.testing import gradcheck, run_layer_test


def _scatter_reference(indices, grads, rows):
    """Per-row sums of `grads` written with an explicit loop (the test's oracle)."""
    out = np.zeros((rows, grads.shape[-1]))
    for index, grad in zip(indices.ravel(), grads.reshape(-1, grads.shape[-1])):
        out[index] += grad
    return out


# --- the op ------------------------------------------------------------------------------------

def test_embedding_picks_rows():
    table = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    indices = np.array([[3, 0], [1, 3]])
    out = embedding(indices, Tensor(table))
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out.data, table[indices])


@pytest.mark.parametrize("indices", [
    np.array([[0, 2, 2, 5], [5, 5, 1, 0]]),          # repeated indices accumulate
    np.array([3]),
    np.array([[[1, 1], [1, 1]]]),                     # every row the same index
])
def test_embedding_gradcheck_wrt_embeddings(indices, rng):
    table = rng.standard_normal((6, 3))
    gradcheck(lambda t: embedding(indices, t), [table])


def _padded(rng):
    """Padded sequences: index 0 fills most rows, the others occur once to a few times."""
    indices = rng.integers(1, 50, (8, 30))
    indices[:, 10:] = 0
    return indices


@pytest.mark.parametrize("make_indices", [
    lambda rng: rng.integers(0, 50, (8, 30)),          # many repeats of each index
    lambda rng: rng.permutation(50)[:40].reshape(8, 5),  # every index once
    _padded,                                           # one index in a long run
])
def test_embedding_gradient_sums_repeated_rows(make_indices, rng):
    indices = make_indices(rng)
    table = Tensor(rng.standard_normal((50, 4)).astype(np.float32), requires_grad=True)
    g = rng.standard_normal(indices.shape + (4,)).astype(np.float32)
    embedding(indices, table).backward(g)
    assert table.grad.dtype == np.float32
    np.testing.assert_allclose(table.grad, _scatter_reference(indices, g, 50), rtol=1e-5, atol=1e-5)
    unused = np.setdiff1d(np.arange(50), indices)
    assert np.all(table.grad[unused] == 0)


def test_embedding_keeps_float64():
    table = Tensor(np.ones((3, 2)), requires_grad=True)
    out = embedding(np.array([0, 2]), table)
    out.backward(np.ones((2, 2)))
    assert out.dtype == np.float64 and table.grad.dtype == np.float64


def test_embedding_accepts_integral_floats_and_rejects_others():
    table = Tensor(np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(embedding(np.array([2.0, 0.0]), table).data, np.eye(3)[[2, 0]])
    with pytest.raises(ValueError, match="non-integer"):
        embedding(np.array([0.5]), table)
    with pytest.raises(TypeError, match="integer indices"):
        embedding(np.array(["a"]), table)


@pytest.mark.parametrize("bad, shown", [(3, "3"), (-1, "-1")])
def test_embedding_op_rejects_out_of_range(bad, shown):
    with pytest.raises(ValueError, match=rf"index {shown} is out of range.*\[0, 2\]"):
        embedding(np.array([0, bad]), Tensor(np.zeros((3, 2), np.float32)))


# --- the layer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, shape", [
    ({"input_dim": 10, "output_dim": 4}, (4, 5)),
    ({"input_dim": 12, "output_dim": 3, "mask_zero": True}, (4, 2, 3)),
])
def test_embedding_layer_contract(kwargs, shape):
    layer = run_layer_test(Embedding, kwargs, input_shape=shape, input_dtype="int32",
                           expected_output_shape=shape + (kwargs["output_dim"],),
                           expected_num_trainable_weights=1, expected_num_non_trainable_weights=0)
    assert layer.embeddings.shape == (kwargs["input_dim"], kwargs["output_dim"])


def test_embedding_layer_defaults_follow_keras():
    layer = Embedding(1000, 8)
    assert isinstance(layer.embeddings_initializer, RandomUniform)
    initializer = layer.embeddings_initializer
    assert (initializer.minval, initializer.maxval) == (-0.05, 0.05)
    assert layer.mask_zero is False and layer.embeddings_regularizer is None
    layer(np.array([[1, 2]]))
    assert np.abs(layer.embeddings.data).max() <= 0.05
    assert layer.embeddings.dtype == np.float32 and layer.name.startswith("embedding")


def test_embedding_layer_gradcheck_through_the_layer(float64, rng):
    layer = Embedding(5, 3)
    indices = np.array([[4, 1, 1], [0, 4, 2]])
    layer(indices)

    def through_layer(table):
        layer.embeddings = table                     # the layer reads its table from here
        return layer(indices)
    gradcheck(through_layer, [rng.standard_normal((5, 3))])


def test_embedding_layer_trains_only_the_rows_it_used():
    layer = Embedding(6, 2)
    indices = np.array([[1, 3, 3]])
    with GradientTape() as tape:
        loss = (layer(indices) * 1.0).sum()
    (grad,) = tape.gradient(loss, layer.trainable_weights)
    np.testing.assert_array_equal(grad.data[:, 0], [0, 1, 0, 2, 0, 0])


def test_mask_zero_gives_the_mask_of_nonzero_indices():
    layer = Embedding(5, 2, mask_zero=True)
    indices = np.array([[3, 1, 0, 0], [2, 0, 4, 0]])
    out = layer(indices)
    np.testing.assert_array_equal(out._keras_mask, indices != 0)
    np.testing.assert_array_equal(layer.compute_mask(Tensor(indices)), indices != 0)
    assert getattr(Embedding(5, 2)(indices), "_keras_mask", None) is None


def test_embedding_layer_error_names_the_layer_and_the_range():
    layer = Embedding(10, 2, name="words")
    with pytest.raises(ValueError, match=r"Embedding layer 'words'.*index 10.*\[0, 9\]"):
        layer(np.array([[1, 10]]))


@pytest.mark.parametrize("kwargs", [{"input_dim": 0, "output_dim": 2},
                                    {"input_dim": 3, "output_dim": 2.5}])
def test_embedding_layer_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="Embedding: expected a positive integer"):
        Embedding(**kwargs)


def test_input_length_is_accepted_with_a_warning():
    with pytest.warns(UserWarning, match="input_length"):
        layer = Embedding(10, 3, input_length=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert layer(np.zeros((2, 7), np.int64)).shape == (2, 7, 3)
    assert "input_length" not in layer.get_config()


def test_weights_argument_sets_the_table():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    layer = Embedding(3, 2, weights=[table], trainable=False)
    np.testing.assert_array_equal(layer(np.array([2, 0])).data, table[[2, 0]])
    assert layer.trainable_weights == []


def test_float64_layer_outputs_float64():
    backend.set_floatx("float64")
    try:
        out = Embedding(4, 2)(np.array([[0, 3]]))
    finally:
        backend.set_floatx("float32")
    assert out.dtype == np.float64
