"""MultiHeadAttention, Attention and AdditiveAttention: gradients, PyTorch and NumPy
references, masks, attention scores, Keras itself, configs, the functional API."""
import numpy as np
import pytest

import neuronet as nn
from neuronet import layers
from neuronet.testing import gradcheck

B, T, S = 2, 3, 4                 # batch, query positions, key/value positions


def _normal(*shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype("float32")


def _masks(seed=0):
    """A query mask (B, T) and a value mask (B, S), each row keeping its first position."""
    rng = np.random.default_rng(seed)
    query_mask, value_mask = rng.random((B, T)) > 0.4, rng.random((B, S)) > 0.4
    query_mask[:, 0] = value_mask[:, 0] = True
    query_mask[0, 1], value_mask[1, 2] = False, False
    return query_mask, value_mask


def _softmax_where(logits, keep):
    """softmax over the last axis among the kept positions; rows keeping none are zeros."""
    shifted = np.where(keep, logits, -np.inf)
    top = shifted.max(axis=-1, keepdims=True)
    e = np.where(keep, np.exp(shifted - np.where(np.isfinite(top), top, 0)), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1)


def _reference_mha(query, value, key, weights, keep):
    """Multi-head attention in NumPy from Keras-layout weights; keep (B, T, S) or None."""
    wq, bq, wk, bk, wv, bv, wo, bo = [np.asarray(w, np.float64) for w in weights]
    q = np.einsum("btd,dhk->bthk", query, wq) + bq
    k = np.einsum("bsd,dhk->bshk", key, wk) + bk
    v = np.einsum("bsd,dhv->bshv", value, wv) + bv
    logits = np.einsum("bthk,bshk->bhts", q, k) / np.sqrt(wq.shape[-1])
    keep = np.ones(logits.shape, bool) if keep is None else np.broadcast_to(keep[:, None],
                                                                            logits.shape)
    p = _softmax_where(logits, keep)
    heads = np.einsum("bhts,bshv->bthv", p, v)
    return np.einsum("bthv,hvo->bto", heads, wo) + bo, p


def _mha_and_inputs(dtype="float32", **kwargs):
    """A built MultiHeadAttention (2 heads) with random biases, and query, value, key."""
    query, value, key = _normal(B, T, 5, seed=1), _normal(B, S, 3, seed=2), _normal(B, S, 4, seed=3)
    layer = layers.MultiHeadAttention(2, 2, value_dim=3, dtype=dtype, **kwargs)
    layer(query, value, key)
    layer.set_weights([_normal(*w.shape, seed=10 + i, scale=0.5)
                       for i, w in enumerate(layer.weights)])
    return layer, query, value, key


def _with_sublayer_weights(layer, fn):
    """g(*inputs, *weights): fn(*inputs) with the kernel and bias of every projection
    replaced by the given tensors (so that gradcheck varies them)."""
    sublayers = [layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense]

    def g(*tensors):
        inputs, weights = tensors[:-8], tensors[-8:]
        saved = [(s.kernel, s.bias) for s in sublayers]
        for i, sub in enumerate(sublayers):
            sub.kernel, sub.bias = weights[2 * i], weights[2 * i + 1]
        try:
            return fn(*inputs)
        finally:
            for sub, (kernel, bias) in zip(sublayers, saved):
                sub.kernel, sub.bias = kernel, bias
    return g


# --- gradients ------------------------------------------------------------------------------

def test_multi_head_attention_gradcheck_wrt_inputs_and_weights_with_masks():
    layer, query, value, key = _mha_and_inputs("float64")
    query_mask, value_mask = _masks()

    def fn(q, v, k):
        return layer(q, v, key=k, query_mask=query_mask, value_mask=value_mask,
                     use_causal_mask=True)
    gradcheck(_with_sublayer_weights(layer, fn), [query, value, key] + layer.get_weights())


@pytest.mark.parametrize("make", [
    lambda: layers.Attention(dtype="float64"),
    lambda: layers.Attention(use_scale=True, dtype="float64"),
    lambda: layers.Attention(use_scale=True, score_mode="concat", dtype="float64"),
    lambda: layers.AdditiveAttention(dtype="float64"),
], ids=["dot", "dot_scaled", "concat_scaled", "additive"])
def test_attention_gradcheck_wrt_inputs_and_weights_with_masks(make):
    layer = make()
    query, value, key = _normal(B, T, 3, seed=1), _normal(B, S, 2, seed=2), _normal(B, S, 3, seed=3)
    layer([query, value, key])
    names = [w.name for w in layer.weights]
    query_mask, value_mask = _masks()

    def fn(q, v, k, *weights):
        saved = [getattr(layer, n) for n in names]
        for n, w in zip(names, weights):
            setattr(layer, n, w)
        try:
            return layer([q, v, k], mask=[query_mask, value_mask], use_causal_mask=True)
        finally:
            for n, w in zip(names, saved):
                setattr(layer, n, w)
    weights = [w.data + 0.3 for w in layer.weights]
    gradcheck(fn, [query, value, key] + weights)


# --- PyTorch as the oracle ------------------------------------------------------------------

def test_multi_head_attention_matches_torch_with_converted_weights():
    torch = pytest.importorskip("torch")
    embed, heads, kdim, vdim = 6, 2, 4, 5
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(embed, heads, kdim=kdim, vdim=vdim, batch_first=True)
    with torch.no_grad():
        theirs.in_proj_bias.normal_()
    query = _normal(B, T, embed, seed=1)
    key, value = _normal(B, S, kdim, seed=2), _normal(B, S, vdim, seed=3)
    _, value_mask = _masks()

    head = embed // heads
    w = {name: p.detach().numpy() for name, p in theirs.named_parameters()}
    bias = w["in_proj_bias"].reshape(3, heads, head)
    ours = layers.MultiHeadAttention(heads, head)
    ours.build(query.shape, value.shape, key.shape)
    ours.set_weights([w["q_proj_weight"].T.reshape(embed, heads, head), bias[0],
                      w["k_proj_weight"].T.reshape(kdim, heads, head), bias[1],
                      w["v_proj_weight"].T.reshape(vdim, heads, head), bias[2],
                      w["out_proj.weight"].T.reshape(heads, head, embed), w["out_proj.bias"]])

    causal = np.tri(T, S, dtype=bool)
    out, scores = ours(query, value, key=key, value_mask=value_mask, use_causal_mask=True,
                       return_attention_scores=True)
    expected, expected_scores = theirs(torch.from_numpy(query), torch.from_numpy(key),
                                       torch.from_numpy(value),
                                       key_padding_mask=torch.from_numpy(~value_mask),
                                       attn_mask=torch.from_numpy(~causal),
                                       average_attn_weights=False)
    assert out.dtype == np.float32 and scores.dtype == np.float32
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores.data, expected_scores.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("causal", [False, True])
def test_attention_matches_torch_scaled_dot_product_attention(causal):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    query, value, key = _normal(B, T, 4, seed=1), _normal(B, S, 3, seed=2), _normal(B, S, 4, seed=3)
    _, value_mask = _masks()
    keep = value_mask[:, None, :] & (np.tri(T, S, dtype=bool) if causal else True)
    q, v, k = (torch.from_numpy(a) for a in (query, value, key))

    plain = layers.Attention()([query, value, key], mask=[None, value_mask], use_causal_mask=causal)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.from_numpy(keep), scale=1.0)
    np.testing.assert_allclose(plain.data, expected.numpy(), rtol=1e-5, atol=1e-6)

    scaled = layers.Attention(use_scale=True)
    scaled([query, value, key])
    scaled.set_weights([np.float32(0.5)])              # SDPA's default: 1 / sqrt(4)
    out = scaled([query, value, key], mask=[None, value_mask], use_causal_mask=causal)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.from_numpy(keep))
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-5, atol=1e-6)


# --- masks against NumPy ----------------------------------------------------------------------

def test_multi_head_attention_masks_match_numpy():
    layer, query, value, key = _mha_and_inputs()
    query_mask, value_mask = _masks()
    key_mask = np.ones((B, S), bool)
    key_mask[0, 3] = False
    attention_mask = np.random.default_rng(4).random((B, T, S)) > 0.3
    attention_mask[:, :, 0] = True
    attention_mask[1, 2] = False                       # a query row that sees nothing
    causal = np.tri(T, S, dtype=bool)[None]
    cases = [
        ({}, None),
        ({"value_mask": value_mask}, value_mask[:, None, :]),
        ({"key_mask": key_mask, "value_mask": value_mask}, (key_mask & value_mask)[:, None, :]),
        ({"query_mask": query_mask}, np.broadcast_to(query_mask[:, :, None], (B, T, S))),
        ({"use_causal_mask": True}, np.broadcast_to(causal, (B, T, S))),
        ({"attention_mask": attention_mask, "use_causal_mask": True}, attention_mask & causal),
        ({"attention_mask": attention_mask[:, None].repeat(2, axis=1)}, None),   # per head
    ]
    for kwargs, keep in cases:
        out, scores = layer(query, value, key=key, return_attention_scores=True, **kwargs)
        if "attention_mask" in kwargs and keep is None:
            keep = attention_mask                       # the same mask for both heads
        expected, expected_scores = _reference_mha(query, value, key, layer.get_weights(),
                                                   None if keep is None else np.broadcast_to(
                                                       keep, (B, T, S)))
        np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5, err_msg=str(kwargs))
        np.testing.assert_allclose(scores.data, expected_scores, rtol=1e-5, atol=1e-6,
                                   err_msg=str(kwargs))


def test_multi_head_attention_reads_the_keras_masks_of_its_inputs():
    layer, query, value, key = _mha_and_inputs()
    query_mask, value_mask = _masks()
    masked_query, masked_value = nn.Tensor(query), nn.Tensor(value)
    masked_query._keras_mask, masked_value._keras_mask = query_mask, value_mask
    out = layer(masked_query, masked_value, key=key)
    explicit = layer(query, value, key=key, query_mask=query_mask, value_mask=value_mask)
    np.testing.assert_array_equal(out.data, explicit.data)
    np.testing.assert_array_equal(out._keras_mask, query_mask)     # the output keeps it
    assert not np.allclose(out.data, layer(query, value, key=key).data)


def test_attention_masks_match_numpy():
    query, value, key = _normal(B, T, 4, seed=1), _normal(B, S, 3, seed=2), _normal(B, S, 4, seed=3)
    query_mask, value_mask = _masks()
    out, weights = layers.Attention()([query, value, key], mask=[query_mask, value_mask],
                                      use_causal_mask=True, return_attention_scores=True)
    keep = value_mask[:, None, :] & np.tri(T, S, dtype=bool)
    expected_weights = _softmax_where(np.einsum("btd,bsd->bts", query, key), keep)
    expected = np.einsum("bts,bsd->btd", expected_weights, value) * query_mask[:, :, None]
    np.testing.assert_allclose(weights.data, expected_weights, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-6)


def test_concat_and_additive_scores_match_numpy():
    query, value, key = _normal(B, T, 3, seed=1), _normal(B, S, 2, seed=2), _normal(B, S, 3, seed=3)
    pair_tanh = np.tanh(0.7 * (query[:, :, None, :] + key[:, None, :, :]))    # (B, T, S, 3)
    concat = layers.Attention(use_scale=True, score_mode="concat")
    concat([query, value, key])
    concat.set_weights([np.float32(0.7), np.float32(1.5)])                  # scale, weight
    additive = layers.AdditiveAttention()
    additive([query, value, key])
    additive.set_weights([np.array([0.5, -1.0, 2.0], "float32")])
    pair_sums = np.tanh(query[:, :, None, :] + key[:, None, :, :])
    for layer, scores in ((concat, 1.5 * pair_tanh.sum(-1)),
                          (additive, (pair_sums * [0.5, -1.0, 2.0]).sum(-1))):
        out, weights = layer([query, value, key], return_attention_scores=True)
        expected = _softmax_where(scores, np.ones(scores.shape, bool))
        np.testing.assert_allclose(weights.data, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out.data, expected @ value, rtol=1e-5, atol=1e-6)


def test_attention_reads_the_keras_masks_of_its_inputs_in_a_functional_model():
    tokens = nn.Input((S,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    model = nn.Model(tokens, layers.Attention()([embedded, embedded]))
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 5]])
    vectors = model.layers[1].embeddings.data[ids]
    mask = ids != 0
    expected = layers.Attention()([vectors, vectors], mask=[mask, mask])
    np.testing.assert_allclose(model.predict(ids, verbose=0), expected.data, rtol=1e-6)
    assert np.all(model.predict(ids, verbose=0)[~mask] == 0)       # masked queries give zeros


# --- attention scores -------------------------------------------------------------------------

def test_multi_head_attention_scores_shape_rows_and_masked_keys():
    layer, query, value, key = _mha_and_inputs()
    query_mask, value_mask = _masks()
    out, scores = layer(query, value, key=key, query_mask=query_mask, value_mask=value_mask,
                        return_attention_scores=True)
    assert out.shape == (B, T, 5) and scores.shape == (B, 2, T, S)
    sums = scores.data.sum(axis=-1)                                # (B, heads, T)
    per_query = sums.transpose(0, 2, 1)                             # (B, T, heads)
    np.testing.assert_allclose(per_query[query_mask], 1, rtol=1e-6)
    assert np.all(per_query[~query_mask] == 0)                      # masked queries: no attention
    masked_keys = np.broadcast_to(~value_mask[:, None, None, :], scores.shape)
    assert masked_keys.any() and np.all(scores.data[masked_keys] == 0)   # masked keys get 0
    np.testing.assert_allclose(out.data[~query_mask], np.broadcast_to(
        layer.output_dense.bias.data, (int((~query_mask).sum()), 5)), rtol=1e-6)


def test_attention_scores_shape_rows_and_masked_keys():
    query, value = _normal(B, T, 4, seed=1), _normal(B, S, 2, seed=2)
    _, value_mask = _masks()
    for layer in (layers.Attention(), layers.AdditiveAttention()):
        with pytest.raises(ValueError, match="expected inputs"):
            layer([query, value, value, value])
        out, weights = layer([query, value, _normal(B, S, 4)], mask=[None, value_mask],
                             return_attention_scores=True)
        assert out.shape == (B, T, 2) and weights.shape == (B, T, S)
        np.testing.assert_allclose(weights.data.sum(axis=-1), 1, rtol=1e-6)
        assert np.all(weights.data[np.broadcast_to(~value_mask[:, None, :], (B, T, S))] == 0)


def test_multi_head_attention_over_two_axes_and_output_shape():
    x = _normal(B, 2, 3, 4, seed=1)
    layer = layers.MultiHeadAttention(2, 3, output_shape=(2, 5), attention_axes=(1, 2))
    out, scores = layer(x, x, return_attention_scores=True)
    assert out.shape == (B, 2, 3, 2, 5) and scores.shape == (B, 2, 2, 3, 2, 3)
    assert [w.shape for w in layer.weights][-2:] == [(2, 3, 2, 5), (2, 5)]
    # the same as attention over the flattened positions, reshaped back
    flat = layers.MultiHeadAttention(2, 3, output_shape=(2, 5))
    flat(x.reshape(B, 6, 4), x.reshape(B, 6, 4))
    flat.set_weights(layer.get_weights())
    np.testing.assert_allclose(flat(x.reshape(B, 6, 4), x.reshape(B, 6, 4)).data,
                               out.data.reshape(B, 6, 2, 5), rtol=1e-6)


# --- dropout --------------------------------------------------------------------------------

def test_dropout_acts_on_the_attention_probabilities_in_training_only():
    query, value = _normal(B, T, 4, seed=1), _normal(B, S, 4, seed=2)
    layer = layers.Attention(dropout=0.5, seed=3)
    _, probabilities = layer([query, value], return_attention_scores=True)
    _, dropped = layer([query, value], return_attention_scores=True, training=True)
    kept = dropped.data != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(dropped.data[kept], 2 * probabilities.data[kept], rtol=1e-6)

    mha = layers.MultiHeadAttention(2, 2, dropout=0.5, seed=3)
    inference = mha(query, value).data
    np.testing.assert_array_equal(mha(query, value, training=False).data, inference)
    trained = mha(query, value, training=True).data
    assert not np.allclose(trained, inference)
    again = layers.MultiHeadAttention.from_config(mha.get_config())
    again(query, value)
    again.set_weights(mha.get_weights())
    np.testing.assert_array_equal(again(query, value, training=True).data, trained)   # seeded


# --- Keras itself ---------------------------------------------------------------------------

def test_multi_head_attention_matches_keras_itself(real_keras):
    query, value, key = _normal(B, T, 5, seed=1), _normal(B, S, 3, seed=2), _normal(B, S, 4, seed=3)
    _, value_mask = _masks()
    value_mask[1] = False                               # a batch whose queries see nothing
    # zeros: Keras' random initializers cost seconds of JAX compilation
    theirs = real_keras.layers.MultiHeadAttention(2, 2, value_dim=3, output_shape=6,
                                                  kernel_initializer="zeros")
    ours = layers.MultiHeadAttention(2, 2, value_dim=3, output_shape=6)
    for layer in (theirs, ours):
        layer.build(query.shape, value.shape, key.shape)
    ours.set_weights([_normal(*w.shape, seed=20 + i) for i, w in enumerate(ours.weights)])
    theirs.set_weights(ours.get_weights())              # same order and shapes as Keras
    kwargs = dict(value_mask=value_mask, use_causal_mask=True, return_attention_scores=True)
    for a, b in zip(theirs(query, value, key=key, **kwargs), ours(query, value, key=key, **kwargs)):
        np.testing.assert_allclose(np.asarray(a), b.data, rtol=1e-5, atol=1e-5)


# --- weights, configs, errors ---------------------------------------------------------------

def test_weights_follow_the_keras_layout():
    layer = layers.MultiHeadAttention(3, 4, value_dim=2, use_bias=False,
                                      kernel_regularizer="l2", name="mha")
    layer.build((None, 5, 7), (None, 6, 8))
    assert [(w.path, w.shape) for w in layer.weights] == [
        ("query/kernel", (7, 3, 4)), ("key/kernel", (8, 3, 4)), ("value/kernel", (8, 3, 2)),
        ("attention_output/kernel", (3, 2, 7))]
    assert len(layer.losses) == 4
    additive = layers.AdditiveAttention()
    additive([_normal(B, T, 3), _normal(B, S, 3)])
    assert [(w.name, w.shape) for w in additive.weights] == [("scale", (3,))]
    attention = layers.Attention(use_scale=True, score_mode="concat")
    attention([_normal(B, T, 3), _normal(B, S, 3)])
    assert [(w.name, w.shape) for w in attention.weights] == [("scale", ()),
                                                              ("concat_score_weight", ())]
    np.testing.assert_array_equal(attention.get_weights(), [1, 1])


@pytest.mark.parametrize("make", [
    lambda: layers.MultiHeadAttention(2, 3, value_dim=4, dropout=0.1, use_bias=False,
                                      output_shape=5, attention_axes=1,
                                      kernel_initializer="he_normal", bias_regularizer="l1",
                                      kernel_constraint="non_neg", seed=7),
    lambda: layers.Attention(use_scale=True, score_mode="concat", dropout=0.2, seed=1),
    lambda: layers.AdditiveAttention(use_scale=False, dropout=0.3),
], ids=["mha", "attention", "additive"])
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    restored = nn.saving.deserialize_keras_object(nn.saving.serialize_keras_object(layer))
    assert type(restored) is type(layer) and restored.get_config() == config


def test_build_config_records_the_shapes_as_keras_does():
    layer = layers.MultiHeadAttention(2, 3)
    layer(_normal(B, T, 4), _normal(B, S, 2))
    config = layer.get_build_config()
    assert config == {"shapes_dict": {"query_shape": [None, T, 4], "value_shape": [None, S, 2],
                                      "key_shape": [None, S, 2]}}
    again = layers.MultiHeadAttention.from_config(layer.get_config())
    again.build_from_config(config)
    assert [w.shape for w in again.weights] == [w.shape for w in layer.weights]
    assert layers.MultiHeadAttention(2, 3).get_build_config() is None


def test_configs_name_keras_arguments():
    config = layers.MultiHeadAttention(2, 3).get_config()
    assert {k: config[k] for k in ("num_heads", "key_dim", "value_dim", "dropout", "use_bias",
                                   "output_shape", "attention_axes", "seed")} == {
        "num_heads": 2, "key_dim": 3, "value_dim": 3, "dropout": 0.0, "use_bias": True,
        "output_shape": None, "attention_axes": None, "seed": None}
    assert layers.AdditiveAttention().get_config()["use_scale"] is True
    assert "score_mode" not in layers.AdditiveAttention().get_config()
    assert layers.Attention().get_config()["score_mode"] == "dot"


def test_clear_errors():
    x = _normal(B, T, 4)
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 2)
    with pytest.raises(ValueError, match="value_dim"):
        layers.MultiHeadAttention(2, 2, value_dim=1.5)
    with pytest.raises(ValueError, match="rate"):
        layers.MultiHeadAttention(2, 2, dropout=2)
    with pytest.raises(ValueError, match="attention_axes=None"):
        layers.MultiHeadAttention(2, 2, attention_axes=2)(x, x)
    with pytest.raises(ValueError, match="score_mode.*'dot', 'concat'"):
        layers.Attention(score_mode="general")
    with pytest.raises(ValueError, match="key shape"):
        layers.MultiHeadAttention(2, 2)(x, x, key=_normal(B, S, 4))
    with pytest.raises(ValueError, match=r"value_mask of shape \(2, 5\)"):
        layers.MultiHeadAttention(2, 2)(x, x, value_mask=np.ones((B, 5), bool))
    with pytest.raises(ValueError, match=r"layer\(query, value\).*not on a list"):
        layers.MultiHeadAttention(2, 2)([x, x])
    with pytest.raises(ValueError, match="one input of shape"):
        layers.Attention()(x)
    with pytest.raises(ValueError, match="expected mask"):
        layers.Attention()([x, x], mask=[None])


# --- models ---------------------------------------------------------------------------------

class TransformerBlock(layers.Layer):
    """Self-attention and a feed-forward layer with residual connections, as on keras.io."""

    def __init__(self, dim, heads, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(heads, dim // heads, dropout=0.1)
        self.feed_forward = layers.Dense(dim, activation="relu")

    def call(self, x, training=None):
        x = x + self.attention(x, x, training=training, use_causal_mask=True)
        return x + self.feed_forward(x)


def test_transformer_block_trains_in_a_functional_model():
    inputs = nn.Input((T, 4))
    x = layers.GlobalAveragePooling1D()(TransformerBlock(4, 2)(inputs))
    model = nn.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer=nn.optimizers.Adam(0.02), loss="mse")
    x_train, y_train = _normal(32, T, 4, seed=5), _normal(32, 1, seed=6)
    history = model.fit(x_train, y_train, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(model.layers[1].trainable_weights) == 10
    np.testing.assert_allclose(model.predict(x_train[:4], verbose=0),
                               model(x_train[:4]).data, rtol=1e-5)


def test_multi_head_attention_in_a_functional_model():
    query, value = nn.Input((T, 4)), nn.Input((S, 2))
    layer = layers.MultiHeadAttention(2, 3)
    out, scores = layer(query, value, use_causal_mask=True, return_attention_scores=True)
    assert out.shape == (None, T, 4) and scores.shape == (None, 2, T, S)
    model = nn.Model([query, value], [out, scores])
    q, v = _normal(B, T, 4, seed=1), _normal(B, S, 2, seed=2)
    for got, expected in zip(model.predict([q, v], verbose=0),
                             layer(q, v, use_causal_mask=True, return_attention_scores=True)):
        np.testing.assert_allclose(got, expected.data, rtol=1e-6)


def test_attention_in_a_functional_model_with_two_inputs():
    query, value = nn.Input((T, 4)), nn.Input((S, 4))
    attention = layers.AdditiveAttention()
    out = attention([query, value])
    assert out.shape == (None, T, 4)
    model = nn.Model([query, value], out)
    q, v = _normal(B, T, 4, seed=1), _normal(B, S, 4, seed=2)
    np.testing.assert_allclose(model.predict([q, v], verbose=0), attention([q, v]).data,
                               rtol=1e-6)


def test_multi_head_attention_kernels_draw_with_keras_fans():
    """Keras counts a projection kernel's fans along its input and output axes: glorot's
    limit for the (64, 8, 8) query kernel is sqrt(6 / (64 + 64)), not that of a
    convolution kernel's fans."""
    x = np.zeros((2, 5, 64), np.float32)
    layer = layers.MultiHeadAttention(8, 8)
    layer(x, x)
    limit = np.sqrt(6 / (64 + 64))
    for weight in layer.weights:
        if weight.numpy().ndim == 3:
            largest = np.abs(weight.numpy()).max()
            assert 0.95 * limit < largest <= limit, weight.name


@pytest.mark.parametrize("layer", ["Attention", "AdditiveAttention"])
def test_attention_scores_carry_no_mask_as_in_keras(real_keras, layer):
    # A layer's single output mask belongs to its first output: the scores get none.
    ids = np.array([[1, 2, 3, 0, 0, 0]])
    for library in (nn, real_keras):
        query = library.Input((6,), dtype="int32")
        embedded = library.layers.Embedding(10, 4, mask_zero=True)(query)
        out, scores = getattr(library.layers, layer)()([embedded, embedded],
                                                       return_attention_scores=True)
        outputs = library.Model(query, [out, scores])(ids)
        masks = [getattr(t, "_keras_mask", None) for t in outputs]
        np.testing.assert_array_equal(np.asarray(masks[0]), ids > 0)
        assert masks[1] is None, library.__name__
