"""EinsumDense, GroupQueryAttention, ReversibleEmbedding, SpectralNormalization,
HashedCrossing, Pipeline and layers.serialize/deserialize: against Keras 3 itself (same
weights), TensorFlow's published hash values, gradients, training, configs and errors."""
import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.autograd import GradientTape, Tensor
from neuronet.testing import gradcheck

B, T, S, D = 2, 3, 4, 5                  # batch, query positions, key positions, features


def _normal(*shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype("float32")


def _random_weights(layer, seed=10, scale=0.5):
    """Give every weight of `layer` random values (biases too), and return them."""
    values = [_normal(*w.shape, seed=seed + i, scale=scale) for i, w in enumerate(layer.weights)]
    layer.set_weights(values)
    return values


def _close(ours, theirs, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=rtol, atol=atol)


def _swapped(layer, names, fn):
    """g(*inputs, *weights): fn(*inputs) with the attributes `names` of `layer` (a list of
    (sublayer, attribute)) replaced by the given tensors, so that gradcheck varies them."""
    def g(*tensors):
        inputs, weights = tensors[:len(tensors) - len(names)], tensors[len(tensors) - len(names):]
        saved = [getattr(owner, attr) for owner, attr in names]
        for (owner, attr), w in zip(names, weights):
            object.__setattr__(owner, attr, w)
        try:
            return fn(*inputs)
        finally:
            for (owner, attr), w in zip(names, saved):
                object.__setattr__(owner, attr, w)
    return g


# --- EinsumDense ----------------------------------------------------------------------------

EQUATIONS = [("ab,bc->ac", 4, "c", (B, 3)),
             ("abc,cd->abd", (None, 4), "d", (B, 5, 3)),
             ("abc,cde->abde", (None, 4, 2), "d", (B, 5, 3)),       # bias (4, 1)
             ("...b,bc->...c", 4, None, (B, 2, 5, 3)),
             ("ab...,bc->ac...", 4, "c", (B, 3, 5))]


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape", EQUATIONS)
def test_einsum_dense_matches_keras(real_keras, equation, output_shape, bias_axes, input_shape):
    theirs = real_keras.layers.EinsumDense(equation, output_shape, activation="tanh",
                                           bias_axes=bias_axes, kernel_initializer="zeros")
    ours = layers.EinsumDense(equation, output_shape, activation="tanh", bias_axes=bias_axes)
    x = _normal(*input_shape, seed=1)
    expected = theirs(x)
    ours(x)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    theirs.set_weights(_random_weights(ours))
    out = ours(x)
    _close(out, theirs(x))
    assert out.dtype == np.float32 and out.shape == tuple(expected.shape)
    assert ours.compute_output_shape((None,) + input_shape[1:]) == (None,) + out.shape[1:]


def test_einsum_dense_glorot_counts_fans_along_input_and_output_axes():
    # kernel (30, 4, 5): fan_in 30 (c), fan_out 20 (d, e), as Keras counts them for einsums
    layer = layers.EinsumDense("abc,cde->abde", (None, 4, 5),
                               kernel_initializer=nn.initializers.GlorotUniform(seed=3))
    layer.build((None, 2, 30))
    limit = np.sqrt(6.0 / (30 + 20))
    kernel = layer.kernel.data
    assert kernel.shape == (30, 4, 5) and kernel.dtype == np.float32
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.95 * limit


def test_einsum_dense_gradcheck_wrt_input_kernel_and_bias():
    layer = layers.EinsumDense("abc,cde->abde", (None, 3, 2), bias_axes="d", activation="tanh",
                               dtype="float64")
    layer.build((None, 4, 3))
    fn = _swapped(layer, [(layer, "kernel"), (layer, "bias")], layer)
    gradcheck(fn, [_normal(2, 4, 3, seed=1), _normal(3, 3, 2, seed=2), _normal(3, 1, seed=3)])


def test_einsum_dense_trains_in_a_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3
    model = nn.Sequential([nn.Input((4, 3)),
                           layers.EinsumDense("abc,cd->abd", (None, 1), bias_axes="d")])
    model.compile(optimizer=nn.optimizers.Adam(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]


def test_einsum_dense_config_round_trip_and_keras_config(real_keras):
    ours = layers.EinsumDense("abc,cde->abde", (None, 4, 2), activation="relu", bias_axes="e",
                              kernel_regularizer="l2", name="proj")
    clone = layers.EinsumDense.from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    theirs = real_keras.layers.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d",
                                           kernel_initializer="zeros")
    x = _normal(B, 5, 3, seed=4)
    theirs(x)
    theirs.set_weights([_normal(*w.shape, seed=30 + i) for i, w in enumerate(theirs.weights)])
    expected = theirs(x)
    loaded = layers.deserialize(real_keras.layers.serialize(theirs))
    assert isinstance(loaded, layers.EinsumDense) and loaded.built
    loaded.set_weights([np.asarray(w) for w in theirs.get_weights()])
    _close(loaded(x), expected)


@pytest.mark.parametrize("kwargs,shape,message", [
    (dict(equation="ab->b", output_shape=2), (B, 3), "invalid equation"),
    (dict(equation="ab,bc->ac", output_shape=(2, 3)), (B, 3), "output_shape to give 1"),
    (dict(equation="ab,bc->ac", output_shape=2, bias_axes="x"), (B, 3), "bias_axes='x'"),
    (dict(equation="abc,cd->abd", output_shape=(7, 2)), (B, 5, 3), "shared dimension 'b'"),
    (dict(equation="abc,cd->abd", output_shape=(None, 2)), (B, 3), "rank 3"),
    (dict(equation="ab,bcd->acd", output_shape=(2, None)), (B, 3), "kernel dimension 'd'"),
])
def test_einsum_dense_errors_name_the_layer(kwargs, shape, message):
    with pytest.raises(ValueError, match="EinsumDense") as error:
        layers.EinsumDense(**kwargs)(np.zeros(shape, "float32"))
    assert message in str(error.value)


def test_einsum_dense_checks_the_input_against_its_kernel():
    layer = layers.EinsumDense("ab,bc->ac", 2)
    layer(np.zeros((B, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis 1 of input shape to have value 3"):
        layer(np.zeros((B, 4), "float32"))


# --- GroupQueryAttention --------------------------------------------------------------------

def _masks():
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0], [1, 0, 1, 0]], bool)
    return query_mask, value_mask


def _gqa_pair(real_keras, seed=20, **kwargs):
    """Keras' GroupQueryAttention and ours (4 query heads, 2 key/value heads), built on
    query (B, T, D), value and key (B, S, D), with the same random weights (Keras' layer
    starts from zeros: its random initializers take seconds to compile)."""
    query, value, key = _normal(B, T, D, seed=1), _normal(B, S, D, seed=2), _normal(B, S, D, seed=3)
    theirs = real_keras.layers.GroupQueryAttention(2, 4, 2, kernel_initializer="zeros", **kwargs)
    ours = layers.GroupQueryAttention(2, 4, 2, **kwargs)
    theirs(query, value, key)
    ours(query, value, key)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    theirs.set_weights(_random_weights(ours, seed=seed))
    return theirs, ours, query, value, key


# (call options, whether to pass the masks, an attention mask, a key of its own); fully
# masked query rows (query_mask) give zeros with scores and Keras' fused path without
CALLS = [(dict(), False, False, False),
         (dict(use_causal_mask=True), True, False, False),
         (dict(use_causal_mask=True, return_attention_scores=True), True, False, False),
         (dict(return_attention_scores=True), False, True, True)]


def test_group_query_attention_matches_keras(real_keras):
    theirs, ours, query, value, key = _gqa_pair(real_keras)
    attention_mask = np.random.default_rng(5).random((B, T, S)) > 0.3
    for options, masks, with_attention_mask, with_key in CALLS:
        kwargs = dict(options)
        if masks:
            kwargs["query_mask"], kwargs["value_mask"] = _masks()
        if with_attention_mask:
            kwargs["attention_mask"] = attention_mask
        if with_key:
            kwargs["key"] = key
        expected, out = theirs(query, value, **kwargs), ours(query, value, **kwargs)
        if options.get("return_attention_scores"):
            (expected, expected_scores), (out, scores) = expected, out
            assert scores.shape == (B, 4, T, S)
            _close(scores, expected_scores)
        assert out.dtype == np.float32
        _close(out, expected)


@pytest.mark.parametrize("kwargs", [dict(use_gate=True, use_bias=False),
                                    dict(sliding_window=2)])
def test_group_query_attention_options_match_keras(real_keras, kwargs):
    theirs, ours, query, value, _ = _gqa_pair(real_keras, **kwargs)
    _close(ours(query, query, use_causal_mask=True), theirs(query, query, use_causal_mask=True))
    _close(ours(query, value, return_attention_scores=True)[1],
           theirs(query, value, return_attention_scores=True)[1])


def test_group_query_attention_takes_the_masks_the_inputs_carry():
    ours = layers.GroupQueryAttention(2, 4, 1)
    query_mask, value_mask = _masks()
    query, value = Tensor(_normal(B, T, D, seed=1)), Tensor(_normal(B, S, D, seed=2))
    expected = ours(query, value, query_mask=query_mask, value_mask=value_mask,
                    return_attention_scores=True)
    query._keras_mask, value._keras_mask = query_mask, value_mask
    out, scores = ours(query, value, return_attention_scores=True)
    _close(out, expected[0])
    _close(scores, expected[1])
    assert np.all(scores.data[~value_mask[:, None, None, :].repeat(T, 2).repeat(4, 1)] == 0)
    np.testing.assert_array_equal(out._keras_mask, query_mask)


@pytest.mark.parametrize("return_scores", [False, True])
def test_group_query_attention_gradcheck(return_scores):
    layer = layers.GroupQueryAttention(2, 4, 2, dtype="float64")
    query_mask, value_mask = _masks()
    query, value = _normal(B, T, D, seed=1), _normal(B, S, D, seed=2)
    layer(query, value)
    _random_weights(layer)
    names = [(layer._query_dense, "kernel"), (layer._key_dense, "kernel"),
             (layer._output_dense, "bias")]

    def attend(q, v):
        out = layer(q, v, value_mask=value_mask, use_causal_mask=True,
                    return_attention_scores=return_scores)
        return out[0] if return_scores else out
    weights = [w.data for w in (layer._query_dense.kernel, layer._key_dense.kernel,
                                layer._output_dense.bias)]
    gradcheck(_swapped(layer, names, attend), [query, value] + weights)


def test_group_query_attention_dropout_acts_in_training_only():
    layer = layers.GroupQueryAttention(2, 4, 2, dropout=0.5, seed=1)
    query, value = _normal(B, T, D, seed=1), _normal(B, S, D, seed=2)
    out, scores = layer(query, value, return_attention_scores=True)
    again, _ = layer(query, value, return_attention_scores=True)
    _close(out, again)
    trained, trained_scores = layer(query, value, return_attention_scores=True, training=True)
    assert not np.allclose(trained.data, out.data)
    _close(trained_scores, scores)                   # the scores come before dropout


def test_group_query_attention_trains_in_a_functional_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4, 6)).astype("float32")
    y = x.sum(axis=(1, 2), keepdims=False)[:, None] * 0.2
    inputs = nn.Input((4, 6))
    h = layers.GroupQueryAttention(3, 2, 1)(inputs, inputs, use_causal_mask=True)
    assert h.shape == (None, 4, 6)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling1D()(h))
    model = nn.Model(inputs, outputs)
    model.compile(optimizer=nn.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_group_query_attention_config_round_trip_and_keras_config(real_keras):
    theirs, _, query, value, _ = _gqa_pair(real_keras, use_gate=True, dropout=0.1, seed=3)
    loaded = layers.deserialize(real_keras.layers.serialize(theirs))
    assert isinstance(loaded, layers.GroupQueryAttention) and loaded.built
    assert loaded.name == theirs.name
    assert layers.GroupQueryAttention(2, 2, 1).name.startswith("grouped_query_attention")
    loaded.set_weights([np.asarray(w) for w in theirs.get_weights()])
    _close(loaded(query, value), theirs(query, value))
    config = loaded.get_config()
    clone = layers.GroupQueryAttention.from_config(config)
    assert clone.get_config() == config
    again = layers.deserialize(layers.serialize(loaded))
    assert again.get_config() == config and len(again.weights) == len(loaded.weights)


@pytest.mark.parametrize("kwargs,message", [
    (dict(head_dim=2, num_query_heads=3, num_key_value_heads=2), "multiple of"),
    (dict(head_dim=2, num_query_heads=2, num_key_value_heads=2, flash_attention=True),
     "flash_attention"),
    (dict(head_dim=0, num_query_heads=2, num_key_value_heads=2), "head_dim"),
    (dict(head_dim=2, num_query_heads=2, num_key_value_heads=2, dropout=1.5), "dropout|rate"),
])
def test_group_query_attention_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match="GroupQueryAttention") as error:
        layers.GroupQueryAttention(**kwargs)
    assert any(word in str(error.value) for word in message.split("|"))


def test_group_query_attention_call_errors():
    layer = layers.GroupQueryAttention(2, 2, 1)
    query, value = _normal(B, T, D), _normal(B, S, D)
    with pytest.raises(ValueError, match="GroupQueryAttention: attention_mask of shape"):
        layer(query, value, attention_mask=np.ones((B, S, T), bool))
    with pytest.raises(ValueError, match="GroupQueryAttention: expected a query of shape"):
        layer(_normal(B, D), value)
    with pytest.raises(ValueError, match="GroupQueryAttention: expected query, value and key"):
        layer(query, value, key=_normal(B, S + 1, D))


# --- ReversibleEmbedding --------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(), dict(tie_weights=False),
                                    dict(logit_soft_cap=2.0, mask_zero=True)])
def test_reversible_embedding_matches_keras_both_ways(real_keras, kwargs):
    ids = np.array([[1, 0, 7, 3], [9, 2, 0, 0]])
    theirs = real_keras.layers.ReversibleEmbedding(10, 4, embeddings_initializer="zeros", **kwargs)
    ours = layers.ReversibleEmbedding(10, 4, **kwargs)
    theirs(ids)
    ours(ids)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    theirs.set_weights(_random_weights(ours, scale=2.0))
    embedded = ours(ids)
    _close(embedded, theirs(ids))
    hidden = _normal(B, 4, 4, seed=3, scale=2.0)
    logits = ours(hidden, reverse=True)
    assert logits.shape == (B, 4, 10) and logits.dtype == np.float32
    assert getattr(logits, "_keras_mask", None) is None
    _close(logits, theirs(hidden, reverse=True))
    if kwargs.get("mask_zero"):
        np.testing.assert_array_equal(embedded._keras_mask, ids != 0)
        assert np.abs(logits.data).max() <= 2.0


def test_reversible_embedding_reverse_dtype():
    layer = layers.ReversibleEmbedding(6, 3, reverse_dtype="float64")
    layer(np.array([[1, 2]]))
    hidden = _normal(2, 3, seed=1)
    logits = layer(hidden, reverse=True)
    assert logits.dtype == np.float64 and layer.embeddings.dtype == np.float32
    _close(logits, hidden.astype("float64") @ layer.embeddings.data.astype("float64").T)


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding_gradcheck_reverse(tie_weights):
    layer = layers.ReversibleEmbedding(5, 3, tie_weights=tie_weights, logit_soft_cap=3.0,
                                       dtype="float64")
    layer(np.array([[0, 1]]))
    name = "embeddings" if tie_weights else "reverse_embeddings"
    fn = _swapped(layer, [(layer, name)], lambda h: layer(h, reverse=True))
    gradcheck(fn, [_normal(2, 2, 3, seed=1), getattr(layer, name).data])


def test_reversible_embedding_in_a_functional_model_keeps_the_mask():
    ids = nn.Input((4,), dtype="int32")
    embedding = layers.ReversibleEmbedding(7, 3, mask_zero=True)
    hidden = embedding(ids)
    logits = embedding(layers.Dense(3)(hidden), reverse=True)
    assert hidden.shape == (None, 4, 3) and logits.shape == (None, 4, 7)
    assert hidden._mask_shape == (None, 4)
    assert embedding.compute_output_shape((None, 4, 3), reverse=True) == (None, 4, 7)
    model = nn.Model(ids, logits)
    data = np.array([[1, 2, 0, 0], [3, 4, 5, 6]])
    assert model.predict(data, verbose=0).shape == (2, 4, 7)


def test_reversible_embedding_config_and_errors():
    layer = layers.ReversibleEmbedding(6, 3, tie_weights=False, logit_soft_cap=5.0,
                                       reverse_dtype="float32", mask_zero=True)
    config = layer.get_config()
    assert (config["tie_weights"], config["logit_soft_cap"], config["reverse_dtype"]) == \
        (False, 5.0, "float32")
    assert layers.ReversibleEmbedding.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="ReversibleEmbedding: .*logit_soft_cap"):
        layers.ReversibleEmbedding(6, 3, logit_soft_cap=-1.0)
    with pytest.raises(ValueError, match="ReversibleEmbedding: .*reverse_dtype"):
        layers.ReversibleEmbedding(6, 3, reverse_dtype="int32")


# --- SpectralNormalization ------------------------------------------------------------------

def _spectral_pair(real_keras, make, input_shape):
    x = _normal(*input_shape, seed=1)
    theirs = real_keras.layers.SpectralNormalization(make(real_keras.layers))
    ours = layers.SpectralNormalization(make(layers))
    theirs(x)
    ours(x)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in theirs.weights]
    values = _random_weights(ours, scale=0.7)
    theirs.set_weights(values)
    return theirs, ours, x


@pytest.mark.parametrize("make,input_shape", [
    (lambda ls: ls.Dense(3, kernel_initializer="zeros"), (B, 4)),
    (lambda ls: ls.Conv2D(3, 2, kernel_initializer="zeros"), (1, 5, 5, 2)),
], ids=["Dense", "Conv2D"])
def test_spectral_normalization_matches_keras_over_training_calls(real_keras, make, input_shape):
    theirs, ours, x = _spectral_pair(real_keras, make, input_shape)
    before = ours.kernel.data.copy()
    _close(ours(x), theirs(x))                        # inference: the kernel as it is
    np.testing.assert_array_equal(ours.kernel.data, before)
    for _ in range(2):
        _close(ours(x, training=True), theirs(x, training=True), rtol=1e-5, atol=2e-6)
        _close(ours.kernel.data, np.asarray(theirs.layer.kernel), rtol=1e-5, atol=1e-6)
        _close(ours.vector_u.data, np.asarray(theirs.vector_u), rtol=1e-5, atol=1e-6)
    w = ours.kernel.data.reshape(-1, ours.kernel.shape[-1])
    assert abs(np.linalg.svd(w, compute_uv=False)[0] - 1.0) < 0.05   # normalized
    assert ours.vector_u.data.dtype == np.float32


def test_spectral_normalization_skips_an_all_zero_kernel_and_gradients_reach_the_kernel():
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    x = _normal(B, 3, seed=1)
    layer(x)
    u = layer.vector_u.data.copy()
    layer(x, training=True)
    np.testing.assert_array_equal(layer.vector_u.data, u)
    assert not layer.kernel.data.any()
    # with a kernel: the training call stores kernel / sigma, and the gradient is the one of
    # the wrapped layer at that stored kernel
    layer.layer.kernel.assign(_normal(3, 2, seed=2))
    with GradientTape() as tape:
        loss = nn.ops.sum(nn.ops.square(layer(x, training=True)))
    grad = tape.gradient(loss, layer.layer.kernel)
    stored = layer.kernel.data
    expected = 2 * x.T @ (x @ stored + layer.layer.bias.data)
    _close(grad, expected, rtol=1e-5, atol=1e-5)
    assert len(layer.trainable_weights) == 2 and layer.non_trainable_weights == [layer.vector_u]


def test_spectral_normalization_gradcheck_wrt_inputs_and_weights():
    layer = layers.SpectralNormalization(layers.Dense(2, activation="tanh", dtype="float64"),
                                         dtype="float64")
    layer(np.zeros((1, 3)))
    names = [(layer.layer, "kernel"), (layer.layer, "bias")]
    gradcheck(_swapped(layer, names, layer), [_normal(B, 3, seed=1), _normal(3, 2, seed=2),
                                              _normal(2, seed=3)])


def test_spectral_normalization_config_and_errors(real_keras):
    theirs = real_keras.layers.SpectralNormalization(
        real_keras.layers.Dense(3, kernel_initializer="zeros"), power_iterations=2)
    theirs(_normal(B, 4))
    loaded = layers.deserialize(real_keras.layers.serialize(theirs))
    assert isinstance(loaded.layer, layers.Dense) and loaded.power_iterations == 2
    assert layers.SpectralNormalization.from_config(loaded.get_config()).get_config() == \
        loaded.get_config()
    with pytest.raises(ValueError, match="SpectralNormalization: .*power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="SpectralNormalization: .*neither a 'kernel'"):
        layers.SpectralNormalization(layers.Dropout(0.2))(_normal(B, 3))
    with pytest.raises(ValueError, match="SpectralNormalization: expected a Layer"):
        layers.SpectralNormalization("dense")


# --- HashedCrossing -------------------------------------------------------------------------

def test_hashed_crossing_gives_keras_documented_bins():
    # keras.layers.HashedCrossing's docstring example
    features = (np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102]))
    bins = layers.HashedCrossing(num_bins=5)(features)
    assert bins.dtype == np.int64
    np.testing.assert_array_equal(bins, [1, 4, 1, 1, 3])
    one_hot = layers.HashedCrossing(num_bins=5, output_mode="one_hot")(features)
    assert one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot, np.eye(5)[[1, 4, 1, 1, 3]])


def test_hashed_crossing_gives_tensorflow_test_bins():
    # tf.sparse.cross_hashed's own test (sparse_cross_op_test: num_buckets=100 gives 83)
    features = [np.array([["batch1-FC1-F1"]]), np.array([["batch1-FC2-F1"]], dtype=object),
                np.array([[b"batch1-FC3-F1"]])]
    bins = layers.HashedCrossing(100)(features)
    assert bins.shape == (1, 1)
    np.testing.assert_array_equal(bins, [[83]])


def test_hashed_crossing_shapes_and_integer_types():
    strings, numbers = np.array([["x"], ["y"], ["x"]]), np.array([[3], [-4], [3]])
    layer = layers.HashedCrossing(7)
    bins = layer((strings, numbers))
    assert bins.shape == (3, 1) and bins.data[0, 0] == bins.data[2, 0]
    np.testing.assert_array_equal(layer((strings, numbers.astype("int32"))), bins)
    np.testing.assert_array_equal(layer([strings[:, 0], numbers[:, 0]]), bins[:, 0])
    assert layer(("x", 3)).data == bins.data[0, 0]
    one_hot = layers.HashedCrossing(7, output_mode="one_hot")
    assert one_hot((strings, numbers)).shape == (3, 7)
    assert one_hot.compute_output_shape([(None, 1), (None, 1)]) == (None, 7)
    assert layer.compute_output_shape([(None,), (None,)]) == (None,)
    ints = nn.Input((1,), dtype="int32")
    symbolic = one_hot([ints, ints])
    assert symbolic.shape == (None, 7)


def test_hashed_crossing_config_and_errors():
    layer = layers.HashedCrossing(9, output_mode="one_hot", name="cross")
    config = layer.get_config()
    assert (config["num_bins"], config["output_mode"], config["sparse"]) == (9, "one_hot", False)
    assert layers.HashedCrossing.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="HashedCrossing: .*output_mode"):
        layers.HashedCrossing(3, output_mode="count")
    with pytest.raises(ValueError, match="HashedCrossing: argument 'sparse'"):
        layers.HashedCrossing(3, sparse=True)
    with pytest.raises(ValueError, match="HashedCrossing: .*num_bins"):
        layers.HashedCrossing(0)
    with pytest.raises(ValueError, match="HashedCrossing: expected a list or tuple of at least"):
        layers.HashedCrossing(3)([np.array([1, 2])])
    with pytest.raises(ValueError, match="HashedCrossing: expected features of one shape"):
        layers.HashedCrossing(3)([np.array([1, 2]), np.array([1, 2, 3])])
    with pytest.raises(ValueError, match="HashedCrossing: expected features of strings or int"):
        layers.HashedCrossing(3)([np.array([1.5, 2.0]), np.array([1, 2])])


# --- Pipeline -------------------------------------------------------------------------------

def test_pipeline_matches_keras(real_keras):
    x = _normal(B, 4, seed=1)
    theirs = real_keras.layers.Pipeline([
        real_keras.layers.Dense(3, activation="relu", kernel_initializer="zeros"),
        real_keras.layers.Rescaling(0.5, offset=1.0),
        real_keras.layers.Dense(2, kernel_initializer="zeros")])
    ours = layers.Pipeline([layers.Dense(3, activation="relu"),
                            layers.Rescaling(0.5, offset=1.0), layers.Dense(2)])
    theirs(x)
    ours(x)
    theirs.set_weights(_random_weights(ours))
    _close(ours(x), theirs(x))
    assert len(ours.layers) == 3 and len(ours.trainable_weights) == 4
    loaded = layers.deserialize(real_keras.layers.serialize(theirs))
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in ours.layers]
    loaded.set_weights([np.asarray(w) for w in theirs.get_weights()])
    _close(loaded(x), theirs(x))


def test_pipeline_trains_its_layers_by_default_and_passes_masks():
    pipeline = layers.Pipeline([layers.Dropout(0.5, seed=1)])
    x = np.ones((4, 8), "float32")
    assert (pipeline(x).data == 0).any()                         # Keras: training=True
    np.testing.assert_array_equal(pipeline(x, training=False), x)
    ids = np.array([[1, 2, 0], [3, 0, 0]])
    masked = layers.Pipeline([layers.Embedding(5, 2, mask_zero=True),
                              layers.Dense(2)])(ids)
    np.testing.assert_array_equal(masked._keras_mask, ids != 0)


def test_pipeline_config_round_trip_and_errors():
    pipeline = layers.Pipeline([layers.Dense(2), layers.Activation("tanh")], name="pre")
    pipeline(np.zeros((1, 3), "float32"))
    config = pipeline.get_config()
    assert set(config) == {"layers", "name"} and config["name"] == "pre"
    clone = layers.Pipeline.from_config(config)
    assert clone.get_config() == config
    assert clone(np.zeros((1, 3), "float32")).shape == (1, 2) and len(clone.weights) == 2
    with pytest.raises(ValueError, match="Pipeline: expected a list of Layer"):
        layers.Pipeline(layers.Dense(2))
    with pytest.raises(ValueError, match="Pipeline.from_config"):
        layers.Pipeline.from_config({"name": "p"})


# --- serialize / deserialize ----------------------------------------------------------------

def test_serialize_writes_keras_3_dicts_and_deserialize_reads_them(real_keras):
    dense = layers.Dense(3, activation="relu", name="d")
    config = layers.serialize(dense)
    assert (config["module"], config["class_name"], config["registered_name"]) == \
        ("keras.layers", "Dense", None)
    assert config["config"]["dtype"]["class_name"] == "DTypePolicy"
    theirs = real_keras.layers.deserialize(config)
    assert isinstance(theirs, real_keras.layers.Dense) and theirs.units == 3
    back = layers.deserialize(config)
    assert isinstance(back, layers.Dense) and back.get_config() == dense.get_config()
    with pytest.raises(ValueError, match="layers.deserialize: the config does not describe a "
                                         "Layer"):
        layers.deserialize(nn.initializers.serialize(nn.initializers.Ones()))
    with pytest.raises(TypeError, match="layers.serialize: expected a Layer"):
        layers.serialize("dense")


# --- the layer contract -----------------------------------------------------------------------

@pytest.mark.parametrize("layer_cls,kwargs,input_shape,input_dtype", [
    (layers.EinsumDense, dict(equation="abc,cde->abde", output_shape=(None, 3, 2),
                              bias_axes="de", activation="relu"), (4, 3, 5), "float32"),
    (layers.ReversibleEmbedding, dict(input_dim=6, output_dim=3, mask_zero=True), (4, 3),
     "int32"),
    (layers.SpectralNormalization, dict(layer=layers.Dense(3), power_iterations=2), (4, 5),
     "float32"),
])
def test_layer_contract(layer_cls, kwargs, input_shape, input_dtype):
    from neuronet.testing import run_layer_test
    data = (np.random.default_rng(0).integers(0, 6, input_shape) if input_dtype == "int32"
            else None)
    run_layer_test(layer_cls, kwargs, input_shape=input_shape, input_data=data,
                   input_dtype=input_dtype)



# --- .keras files, both ways ----------------------------------------------------------------

def test_keras_files_load_here_and_ours_load_in_keras(real_keras, tmp_path):
    kl = real_keras.layers
    ids = real_keras.Input((4,), dtype="int32")
    embedding = kl.ReversibleEmbedding(10, 6, tie_weights=False, embeddings_initializer="zeros")
    h = embedding(ids)
    h = kl.EinsumDense("abc,cd->abd", (None, 6), bias_axes="d", activation="relu",
                       kernel_initializer="zeros")(h)
    h = kl.Pipeline([kl.Dense(6, kernel_initializer="zeros"), kl.Rescaling(0.5)])(h)
    h = kl.SpectralNormalization(kl.Dense(6, kernel_initializer="zeros"))(h)
    h = kl.GroupQueryAttention(3, 2, 1, kernel_initializer="zeros")(h, h)
    model = real_keras.Model(ids, embedding(h, reverse=True))
    values = [_normal(*w.shape, seed=40 + i) for i, w in enumerate(model.weights)]
    model.set_weights(values)
    model.save(tmp_path / "theirs.keras")
    loaded = nn.models.load_model(tmp_path / "theirs.keras")
    assert [type(layer).__name__ for layer in loaded.layers[1:]] == [
        "ReversibleEmbedding", "EinsumDense", "Pipeline", "SpectralNormalization",
        "GroupQueryAttention"]
    wrapper = loaded.layers[4]
    u = next(v for v, w in zip(values, model.weights) if w.name == "vector_u")
    _close(wrapper.vector_u.data, u)
    x = np.array([[1, 2, 0, 9], [3, 3, 4, 5]])
    expected = model.predict(x, verbose=0)
    _close(loaded.predict(x, verbose=0), expected)
    loaded.save(tmp_path / "ours.keras")
    _close(real_keras.models.load_model(tmp_path / "ours.keras").predict(x, verbose=0), expected)
