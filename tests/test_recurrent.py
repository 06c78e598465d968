import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import Tensor, backend
from neuronet.autograd import GradientTape
from neuronet.layers import (GRU, LSTM, Bidirectional, Dense, Embedding, Masking, SimpleRNN,
                             TimeDistributed)
from neuronet.layers.symbolic import SymbolicTensor
from neuronet.ops import math as m
from neuronet.ops.recurrent import gru, lstm, simple_rnn
from neuronet.testing import gradcheck, run_layer_test

B, T, F, U = 3, 4, 3, 2          # batch, time, features, units of the small gradient checks

# op, gate blocks, bias shape, number of states, extra op arguments
OPS = {
    "simple_rnn": (simple_rnn, 1, (U,), 1, {}),
    "lstm": (lstm, 4, (4 * U,), 2, {}),
    "gru": (gru, 3, (2, 3 * U), 1, {}),
    "gru_reset_before": (gru, 3, (3 * U,), 1, {"reset_after": False}),
}


def _weights(rng, gates, bias_shape, scale=0.6):
    return [rng.standard_normal((F, gates * U)) * scale,
            rng.standard_normal((U, gates * U)) * scale, rng.standard_normal(bias_shape) * 0.3]


def _flat(outputs):
    """Every output of an op as one (batch, n) Tensor, so one gradcheck covers them all."""
    return m.concatenate([m.reshape(o, (o.shape[0], -1)) for o in outputs], axis=1)


def _mask(rng):
    mask = rng.random((B, T)) > 0.4
    mask[0] = [False, True, False, True]                # a skipped first step
    mask[1, -1] = False                                 # a skipped last step
    return mask


# --- the ops: gradients against finite differences (float64) -----------------------------------

@pytest.mark.parametrize("options", [
    {},
    {"mask": "mask"},
    {"mask": "mask", "zero_output_for_mask": True},
    {"go_backwards": True, "mask": "mask"},
    {"return_sequences": False},
    {"return_sequences": False, "mask": "mask", "go_backwards": True},
    {"recurrent_dropout_mask": "dropout"},
], ids=["plain", "mask", "mask_zero_output", "go_backwards_mask", "last", "last_mask_backwards",
        "recurrent_dropout"])
@pytest.mark.parametrize("name", list(OPS))
def test_op_gradcheck_wrt_inputs_weights_and_initial_states(name, options, rng):
    op, gates, bias_shape, states, extra = OPS[name]
    options = dict(options)
    if options.get("mask") == "mask":
        options["mask"] = _mask(rng)
    if "recurrent_dropout_mask" in options:
        options["recurrent_dropout_mask"] = (rng.random((B, U)) > 0.5) / 0.5
    x = rng.standard_normal((B, T, F))
    initial = [rng.standard_normal((B, U)) for _ in range(states)]

    def fn(x, kernel, recurrent_kernel, bias, *initial_state):
        return _flat(op(x, kernel, recurrent_kernel, bias, initial_state=list(initial_state),
                        **extra, **options))
    gradcheck(fn, [x] + _weights(rng, gates, bias_shape) + initial)


@pytest.mark.parametrize("name, activation, recurrent_activation", [
    ("simple_rnn", "linear", None), ("simple_rnn", "relu", None), ("simple_rnn", "sigmoid", None),
    ("lstm", "linear", "hard_sigmoid"), ("lstm", "hard_sigmoid", "tanh"),
    ("gru", "relu", "hard_sigmoid"), ("gru_reset_before", "sigmoid", "linear"),
])
def test_op_gradcheck_with_other_activations(name, activation, recurrent_activation, rng):
    op, gates, bias_shape, _, extra = OPS[name]
    kwargs = {"activation": activation}
    if recurrent_activation is not None:
        kwargs["recurrent_activation"] = recurrent_activation

    def fn(x, kernel, recurrent_kernel, bias):
        return _flat(op(x, kernel, recurrent_kernel, bias, **extra, **kwargs))
    gradcheck(fn, [rng.standard_normal((B, T, F))] + _weights(rng, gates, bias_shape))


def test_op_gradcheck_without_bias_or_initial_state(rng):
    x = rng.standard_normal((B, T, F))
    kernel, recurrent_kernel, _ = _weights(rng, 4, (4 * U,))
    gradcheck(lambda *a: _flat(lstm(*a)), [x, kernel, recurrent_kernel])


# --- the ops: Keras semantics written out step by step -----------------------------------------

def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _lstm_steps(x, kernel, recurrent_kernel, bias, mask, h, c):
    """A plain loop over time steps with Keras' mask rule (the test's oracle): a skipped
    step keeps the states, and its output is the kept h."""
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=1)
        c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h_new = _sigmoid(o) * np.tanh(c_new)
        keep = mask[:, t:t + 1]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c


def test_lstm_mask_keeps_states_and_repeats_outputs(rng):
    x = rng.standard_normal((B, T, F))
    kernel, recurrent_kernel, bias = _weights(rng, 4, (4 * U,))
    mask = _mask(rng)
    h0, c0 = rng.standard_normal((B, U)), rng.standard_normal((B, U))
    outputs, h, c = lstm(x, kernel, recurrent_kernel, bias, initial_state=[h0, c0], mask=mask)
    expected_outputs, expected_h, expected_c = _lstm_steps(x, kernel, recurrent_kernel, bias,
                                                           mask, h0, c0)
    np.testing.assert_allclose(outputs.data, expected_outputs, atol=1e-12)
    np.testing.assert_allclose(h.data, expected_h, atol=1e-12)
    np.testing.assert_allclose(c.data, expected_c, atol=1e-12)
    np.testing.assert_allclose(outputs.data[0, 0], h0[0])   # skipped first step: h0
    zeroed, *_ = lstm(x, kernel, recurrent_kernel, bias, initial_state=[h0, c0], mask=mask,
                      zero_output_for_mask=True)
    np.testing.assert_array_equal(zeroed.data[~mask], 0)
    np.testing.assert_allclose(zeroed.data[mask], expected_outputs[mask], atol=1e-12)


def test_go_backwards_reads_the_sequence_from_the_end(rng):
    x = rng.standard_normal((B, T, F))
    weights = _weights(rng, 3, (2, 3 * U))
    backwards, h = gru(x, *weights, go_backwards=True)
    forwards, h_reversed = gru(x[:, ::-1], *weights)
    np.testing.assert_allclose(backwards.data, forwards.data, atol=1e-12)
    np.testing.assert_allclose(h.data, h_reversed.data, atol=1e-12)


def test_ops_keep_float32_and_check_their_arguments(rng):
    x = rng.standard_normal((B, T, F)).astype(np.float32)
    kernel, recurrent_kernel, bias = (w.astype(np.float32) for w in _weights(rng, 1, (U,)))
    leaves = [Tensor(a, requires_grad=True) for a in (x, kernel, recurrent_kernel, bias)]
    outputs, h = simple_rnn(*leaves)
    assert outputs.dtype == h.dtype == np.float32
    (m.sum(outputs) + m.sum(h)).backward()
    assert all(leaf.grad.dtype == np.float32 for leaf in leaves)
    with pytest.raises(ValueError, match=r"simple_rnn: expected kernel of shape \(3, 2\)"):
        simple_rnn(x, kernel[:2], recurrent_kernel)
    with pytest.raises(ValueError, match=r"lstm: expected 2 initial state\(s\)"):
        lstm(x, np.zeros((F, 4 * U)), np.zeros((U, 4 * U)), initial_state=[np.zeros((B, U))])
    with pytest.raises(ValueError, match=r"expected mask of shape \(3, 4\)"):
        simple_rnn(x, kernel, recurrent_kernel, mask=np.ones((B, T + 1), bool))
    with pytest.raises(ValueError, match="unknown activation 'softsign'.*hard_sigmoid"):
        simple_rnn(x, kernel, recurrent_kernel, activation="softsign")


# --- the ops against PyTorch (float32) ---------------------------------------------------------

def _torch_weights(name, kernel, recurrent_kernel, bias):
    """Keras weights in PyTorch's layout: (weight_ih, weight_hh, bias_ih, bias_hh)."""
    if name == "gru":                                  # Keras z, r, h -> PyTorch r, z, n
        def reorder(w):
            z, r, h = np.split(w, 3, axis=-1)
            return np.concatenate([r, z, h], axis=-1)
        return reorder(kernel).T, reorder(recurrent_kernel).T, reorder(bias[0]), reorder(bias[1])
    return kernel.T, recurrent_kernel.T, bias, np.zeros_like(bias)   # LSTM: i, f, g, o in both


def test_saturated_gates_reach_their_limits_without_warnings(rng):
    """Pre-activations near +-1e4 overflow the exp inside the ops' sigmoid: the gates must
    come out as exactly 0 or 1, with no nan and no RuntimeWarning."""
    x = rng.choice([-1e4, 1e4], (B, T, F)).astype(np.float32)
    kernel = rng.standard_normal((F, 4 * U)).astype(np.float32)
    recurrent_kernel = np.zeros((U, 4 * U), np.float32)          # every step sees only x_t
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs, _, c = lstm(x, kernel, recurrent_kernel)
        rnn, _ = simple_rnn(x, kernel[:, :U], recurrent_kernel[:, :U], activation="sigmoid")

    def sigmoid(a):
        return 0.5 * (1 + np.tanh(a / 2))

    pre = x.astype(np.float64) @ kernel                           # (batch, time, 4 units)
    i, f, g, o = np.split(pre, 4, axis=-1)
    expected_c = np.zeros((B, U))
    for t in range(T):
        expected_c = sigmoid(f[:, t]) * expected_c + sigmoid(i[:, t]) * np.tanh(g[:, t])
        np.testing.assert_allclose(outputs.data[:, t], sigmoid(o[:, t]) * np.tanh(expected_c),
                                   atol=1e-6)
    np.testing.assert_allclose(c.data, expected_c, atol=1e-6)
    np.testing.assert_allclose(rnn.data, sigmoid(pre[..., :U]), atol=1e-6)
    assert set(np.unique(sigmoid(pre[..., :U]).round(6))) <= {0.0, 1.0}   # truly saturated


@pytest.mark.parametrize("name", ["simple_rnn", "lstm", "gru"])
def test_op_matches_torch_forward_and_gradients(name, rng):
    torch = pytest.importorskip("torch")
    op, gates, bias_shape, states, _ = OPS[name]
    b, t, f, u = 5, 7, 4, 6
    x = rng.standard_normal((b, t, f)).astype(np.float32)
    kernel = (rng.standard_normal((f, gates * u)) * 0.5).astype(np.float32)
    recurrent_kernel = (rng.standard_normal((u, gates * u)) * 0.5).astype(np.float32)
    bias = (rng.standard_normal((2, gates * u) if name == "gru" else (gates * u,)) * 0.3
            ).astype(np.float32)
    initial = [(rng.standard_normal((b, u)) * 0.5).astype(np.float32) for _ in range(states)]
    probe = rng.standard_normal((b, t, u)).astype(np.float32)      # d loss / d outputs

    leaves = [Tensor(a, requires_grad=True) for a in [x, kernel, recurrent_kernel, bias] + initial]
    outputs, *finals = op(*leaves[:4], initial_state=leaves[4:])
    (m.sum(outputs * probe) + sum(m.sum(s) for s in finals)).backward()

    module = {"simple_rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[name](
        f, u, batch_first=True)
    with torch.no_grad():
        for parameter, value in zip((module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0,
                                     module.bias_hh_l0), _torch_weights(name, kernel,
                                                                         recurrent_kernel, bias)):
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    tx = torch.from_numpy(x).requires_grad_()
    t_initial = [torch.from_numpy(s[None]).requires_grad_() for s in initial]
    t_out, t_finals = module(tx, tuple(t_initial) if name == "lstm" else t_initial[0])
    t_finals = t_finals if name == "lstm" else (t_finals,)
    (torch.sum(t_out * torch.from_numpy(probe)) + sum(s.sum() for s in t_finals)).backward()

    close = dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outputs.data, t_out.detach().numpy(), **close)
    for ours, theirs in zip(finals, t_finals):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy()[0], **close)
    np.testing.assert_allclose(leaves[0].grad, tx.grad.numpy(), **close)
    for ours, theirs in zip(leaves[4:], t_initial):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy()[0], **close)
    t_grads = _torch_weights(name, *(w.grad for w in leaves[1:3]), leaves[3].grad)
    module_grads = (module.weight_ih_l0.grad, module.weight_hh_l0.grad, module.bias_ih_l0.grad,
                    module.bias_hh_l0.grad)
    for ours, theirs in zip(t_grads[:3], module_grads[:3]):
        np.testing.assert_allclose(ours, theirs.numpy(), **close)
    if name == "gru":
        np.testing.assert_allclose(t_grads[3], module.bias_hh_l0.grad.numpy(), **close)


@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_masked_final_states_match_torch_packed_sequences(name, rng):
    torch = pytest.importorskip("torch")
    op, gates, _, _, _ = OPS[name]
    b, t, f, u = 4, 6, 3, 5
    lengths = np.array([6, 2, 4, 1])
    mask = np.arange(t)[None, :] < lengths[:, None]               # right-padded sequences
    x = rng.standard_normal((b, t, f)).astype(np.float32)
    kernel = (rng.standard_normal((f, gates * u)) * 0.5).astype(np.float32)
    recurrent_kernel = (rng.standard_normal((u, gates * u)) * 0.5).astype(np.float32)
    bias = (rng.standard_normal((2, 3 * u) if name == "gru" else (4 * u,)) * 0.3).astype(np.float32)
    outputs, *finals = op(x, kernel, recurrent_kernel, bias, mask=mask)

    module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[name](f, u, batch_first=True)
    with torch.no_grad():
        for parameter, value in zip((module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0,
                                     module.bias_hh_l0), _torch_weights(name, kernel,
                                                                         recurrent_kernel, bias)):
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))
        packed = torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x), lengths,
                                                         batch_first=True, enforce_sorted=False)
        _, t_finals = module(packed)
    t_finals = t_finals if name == "lstm" else (t_finals,)
    for ours, theirs in zip(finals, t_finals):
        np.testing.assert_allclose(ours.data, theirs.numpy()[0], rtol=1e-5, atol=1e-6)
    last = outputs.data[np.arange(b), lengths - 1]
    np.testing.assert_allclose(outputs.data[:, -1], last, atol=0)   # padding repeats the last


# --- the layers against Keras 3 itself (JAX backend, CPU) -------------------------------------

KERAS_CASES = [
    ("SimpleRNN", {"units": 3, "return_sequences": True, "go_backwards": True}),
    ("LSTM", {"units": 3, "return_sequences": True, "return_state": True}),
    ("LSTM", {"units": 2, "return_state": True, "go_backwards": True}),
    ("GRU", {"units": 3, "return_sequences": True, "return_state": True}),
    ("GRU", {"units": 2, "return_sequences": True, "reset_after": False, "go_backwards": True}),
    # activations the recurrent ops do not compute: the layer steps through its cell
    ("SimpleRNN", {"units": 3, "activation": "softsign", "return_sequences": True}),
    ("LSTM", {"units": 3, "activation": "elu", "recurrent_activation": "softsign",
              "return_state": True, "go_backwards": True}),
    ("GRU", {"units": 2, "activation": "gelu", "return_sequences": True,
             "reset_after": False}),
    ("GRU", {"units": 2, "recurrent_activation": "hard_silu", "return_state": True}),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")      # raised inside Keras
@pytest.mark.parametrize("name, kwargs", KERAS_CASES,
                         ids=[f"{n}-{'-'.join(sorted(k))}" for n, k in KERAS_CASES])
def test_recurrent_layers_match_keras_with_masks_and_initial_states(name, kwargs, rng,
                                                                    real_keras):
    real = real_keras
    x = rng.standard_normal((3, 5, 4)).astype(np.float32)
    mask = np.array([[False, True, True, False, True], [True] * 5,
                     [True, True, True, False, False]])
    states = [(rng.standard_normal((3, kwargs["units"])) * 0.5).astype(np.float32)
              for _ in range(2 if name == "LSTM" else 1)]
    theirs = getattr(real.layers, name)(**kwargs)
    expected = theirs(x, mask=mask, initial_state=states)
    ours = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}[name](**kwargs)
    ours(x)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    got = ours(x, mask=mask, initial_state=states)
    expected, got = (list(v) if isinstance(v, (list, tuple)) else [v] for v in (expected, got))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g.data, np.asarray(e), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_bidirectional_and_embedding_match_keras(real_keras):
    real = real_keras
    ids = np.array([[4, 2, 7, 0, 0], [3, 9, 1, 5, 8]])

    def stack(library):                      # the same model, written once for both libraries
        return library.Sequential([
            library.Input((5,), dtype="int32"), library.layers.Embedding(10, 4, mask_zero=True),
            library.layers.Bidirectional(library.layers.LSTM(3, return_sequences=True)),
            library.layers.Bidirectional(library.layers.GRU(2), merge_mode="ave")])
    theirs, ours = stack(real), stack(keras)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(ours(ids).data, np.asarray(theirs(ids)), rtol=1e-5, atol=1e-6)


# --- the layers --------------------------------------------------------------------------------

CONTRACT_CASES = [
    ("simple_rnn", SimpleRNN, {"units": 3}, (4, 5, 2), (4, 3), 3),
    ("simple_rnn_sequences_relu", SimpleRNN, {"units": 3, "activation": "relu",
                                               "return_sequences": True}, (4, 5, 2), (4, 5, 3), 3),
    ("lstm", LSTM, {"units": 3}, (4, 5, 2), (4, 3), 3),
    ("lstm_sequences_backwards", LSTM, {"units": 2, "return_sequences": True,
                                        "go_backwards": True}, (4, 3, 2), (4, 3, 2), 3),
    ("lstm_dropout", LSTM, {"units": 3, "dropout": 0.3, "recurrent_dropout": 0.3},
     (4, 5, 2), (4, 3), 3),
    ("gru", GRU, {"units": 3}, (4, 5, 2), (4, 3), 3),
    ("gru_reset_before_no_bias", GRU, {"units": 3, "reset_after": False, "use_bias": False},
     (4, 5, 2), (4, 3), 2),
    ("bidirectional_concat", Bidirectional, {"layer": LSTM(2, return_sequences=True)},
     (4, 3, 2), (4, 3, 4), 6),
    ("bidirectional_ave_gru", Bidirectional, {"layer": GRU(3), "merge_mode": "ave"},
     (4, 3, 2), (4, 3), 6),
    ("time_distributed", TimeDistributed, {"layer": Dense(3)}, (4, 5, 2), (4, 5, 3), 2),
    ("masking", Masking, {"mask_value": 0.0}, (4, 5, 2), (4, 5, 2), 0),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape, n_trainable",
                         [c[1:] for c in CONTRACT_CASES], ids=[c[0] for c in CONTRACT_CASES])
def test_layer_contract(cls, kwargs, shape, out_shape, n_trainable):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=0)


def test_weight_layouts_and_initial_values():
    x = np.zeros((2, 3, 5), np.float32)
    rnn, lstm_layer, gru_layer = SimpleRNN(4), LSTM(4), GRU(4)
    for layer in (rnn, lstm_layer, gru_layer, GRU(4, reset_after=False)):
        layer(x)
    assert [w.shape for w in rnn.weights] == [(5, 4), (4, 4), (4,)]
    assert [w.shape for w in lstm_layer.weights] == [(5, 16), (4, 16), (16,)]
    assert [w.shape for w in gru_layer.weights] == [(5, 12), (4, 12), (2, 12)]
    assert [w.name for w in gru_layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    np.testing.assert_array_equal(lstm_layer.bias.data, np.repeat([0, 1, 0, 0], 4))
    u = lstm_layer.recurrent_kernel.data                 # orthogonal: rows orthonormal
    np.testing.assert_allclose(u @ u.T, np.eye(4), atol=1e-5)
    plain = LSTM(4, unit_forget_bias=False, bias_initializer="ones")
    plain(x)
    np.testing.assert_array_equal(plain.bias.data, np.ones(16))


def test_layer_defaults_follow_keras():
    layer = LSTM(8)
    assert (layer.return_sequences, layer.return_state, layer.go_backwards) == (False, False, False)
    assert (layer.dropout, layer.recurrent_dropout, layer.unit_forget_bias) == (0.0, 0.0, True)
    config = GRU(8).get_config()
    assert config["activation"] == "tanh" and config["recurrent_activation"] == "sigmoid"
    assert config["reset_after"] is True
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert SimpleRNN(2).get_config()["activation"] == "tanh"


def test_return_state_and_initial_state(rng):
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    layer = LSTM(4, return_sequences=True, return_state=True)
    outputs, h, c = layer(x)
    assert outputs.shape == (2, 5, 4) and h.shape == c.shape == (2, 4)
    np.testing.assert_array_equal(outputs.data[:, -1], h.data)
    # running the second half from the first half's states equals running it all at once
    first, h1, c1 = layer(x[:, :2])
    second, h2, c2 = layer(x[:, 2:], initial_state=[h1, c1])
    np.testing.assert_allclose(second.data, outputs.data[:, 2:], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c2.data, c.data, rtol=1e-5, atol=1e-6)
    state = GRU(4, return_state=True)(x)
    assert len(state) == 2 and state[1].shape == (2, 4)
    symbolic = LSTM(4, return_state=True)(SymbolicTensor((None, 5, 3)))
    assert [s.shape for s in symbolic] == [(None, 4)] * 3


def test_layers_consume_the_mask_and_pass_it_on_for_sequences():
    ids = np.array([[5, 2, 7, 0, 0], [3, 0, 0, 0, 0]])
    embedded = Embedding(10, 3, mask_zero=True)(ids)
    sequences = GRU(4, return_sequences=True)(embedded)
    np.testing.assert_array_equal(sequences._keras_mask, ids != 0)
    np.testing.assert_array_equal(sequences.data[1, 1:], np.repeat(sequences.data[1, :1], 4, 0))
    last = GRU(4)(embedded)
    assert getattr(last, "_keras_mask", None) is None
    # padding at the end does not change the final output
    trimmed = LSTM(4, seed=0)
    full = LSTM.from_config(trimmed.get_config())
    short = trimmed(embedded[:, :3])
    full(embedded)
    full.set_weights(trimmed.get_weights())
    np.testing.assert_allclose(full(embedded).data[0], short.data[0], rtol=1e-6)


def test_masking_layer_zeroes_and_masks_padded_steps():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], np.float32)
    out = Masking()(x)
    np.testing.assert_array_equal(out._keras_mask, [[True, False, True]])
    np.testing.assert_array_equal(out.data, x)
    x[0, 1] = -1.0
    out = Masking(mask_value=-1.0)(x)
    np.testing.assert_array_equal(out._keras_mask, [[True, False, True]])
    np.testing.assert_array_equal(out.data[0, 1], [0, 0])
    followed = SimpleRNN(2, return_sequences=True)(out)
    np.testing.assert_array_equal(followed.data[0, 1], followed.data[0, 0])


def test_dropout_only_in_training(rng):
    x = rng.standard_normal((4, 6, 3)).astype(np.float32)
    layer = GRU(5, dropout=0.5, recurrent_dropout=0.5, seed=3)
    np.testing.assert_array_equal(layer(x).data, layer(x, training=False).data)
    assert not np.allclose(layer(x, training=True).data, layer(x).data)


def test_bidirectional_runs_a_backward_copy_and_merges(rng):
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    wrapper = Bidirectional(SimpleRNN(2, return_sequences=True), merge_mode=None)
    forward_out, backward_out = wrapper(x)
    assert wrapper.forward_layer.name.startswith("forward_")
    assert wrapper.backward_layer.go_backwards and not wrapper.forward_layer.go_backwards
    forward = SimpleRNN(2, return_sequences=True)
    backward = SimpleRNN(2, return_sequences=True, go_backwards=True)
    forward(x), backward(x)
    forward.set_weights(wrapper.forward_layer.get_weights())
    backward.set_weights(wrapper.backward_layer.get_weights())
    np.testing.assert_allclose(forward_out.data, forward(x).data, rtol=1e-6)
    np.testing.assert_allclose(backward_out.data, backward(x).data[:, ::-1], rtol=1e-6)
    expected = {"concat": np.concatenate([forward_out.data, backward_out.data], -1),
                "sum": forward_out.data + backward_out.data,
                "mul": forward_out.data * backward_out.data,
                "ave": (forward_out.data + backward_out.data) / 2}
    for mode, value in expected.items():
        merged = Bidirectional(SimpleRNN(2, return_sequences=True), merge_mode=mode)
        merged(x)
        merged.set_weights(wrapper.get_weights())
        np.testing.assert_allclose(merged(x).data, value, rtol=1e-6, atol=1e-7)


def test_bidirectional_states_masks_and_errors(rng):
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    outputs = Bidirectional(LSTM(2, return_state=True))(x)
    assert [o.shape for o in outputs] == [(2, 4)] + [(2, 2)] * 4
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    sequences = Bidirectional(GRU(2, return_sequences=True))(x, mask=mask)
    np.testing.assert_array_equal(sequences._keras_mask, mask)
    np.testing.assert_array_equal(sequences.data[0, 2:], 0)     # masked steps: zero outputs
    with pytest.raises(ValueError, match="merge_mode 'max'"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ValueError, match="recurrent layer"):
        Bidirectional(Dense(2))


def test_bidirectional_gradcheck_wrt_inputs_and_initial_states(float64, rng):
    layer = Bidirectional(LSTM(2, return_sequences=True), merge_mode="concat")
    mask = _mask(rng)
    x = rng.standard_normal((B, T, F))
    layer(x)
    states = [rng.standard_normal((B, 2)) for _ in range(4)]
    gradcheck(lambda x, *s: layer(x, initial_state=list(s), mask=mask), [x] + states)


def test_time_distributed_applies_the_layer_to_every_step(rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    dense = Dense(2)
    out = TimeDistributed(dense)(x)
    np.testing.assert_allclose(out.data, dense(x.reshape(12, 5)).data.reshape(3, 4, 2), rtol=1e-6)
    assert TimeDistributed(Dense(2)).compute_output_shape((None, 7, 5)) == (None, 7, 2)


@pytest.mark.parametrize("make, message", [
    (lambda: GRU(0), "positive integer for argument 'units'"),
    (lambda: SimpleRNN(2, activation="nope"), "Unknown activation 'nope'"),
    (lambda: GRU(2, dropout=1.5), "between 0 and 1"),
    (lambda: LSTM(2, use_cudnn=True), "use_cudnn"),
])
def test_layer_argument_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_other_activations_step_through_the_cell_with_gradients(float64, rng):
    """An activation the recurrent op does not compute runs the cell step by step: the same
    function as the op's loop, with the gradients of the graph ops (checked here)."""
    layer = LSTM(2, activation="softsign", recurrent_activation="hard_silu",
                 return_sequences=True)
    x = rng.standard_normal((2, 4, 3))
    layer(x)
    assert not layer.cell.fusable and LSTM(2).cell.fusable
    gradcheck(lambda x: layer(x), [x])
    config = layer.get_config()
    assert (config["activation"], config["recurrent_activation"]) == ("softsign", "hard_silu")
    assert LSTM.from_config(config).cell.activation is keras.activations.softsign


def test_recurrent_layer_wants_3d_inputs():
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        LSTM(2)(np.zeros((2, 3), np.float32))


def test_float64_layers_stay_float64(float64, rng):
    out = LSTM(3, return_sequences=True)(rng.standard_normal((2, 3, 4)))
    assert out.dtype == np.float64


# --- learning ----------------------------------------------------------------------------------

def _order_task(rng, n):
    """Sequences of tokens 3..9 with one token 1 and one token 2, padded with 0 at the end
    to length 10; the label says whether 1 comes before 2. Counting tokens cannot solve it."""
    x = np.zeros((n, 10), np.int64)
    lengths = rng.integers(4, 11, n)
    y = np.zeros(n, np.float32)
    for k, length in enumerate(lengths):
        x[k, :length] = rng.integers(3, 10, length)
        first, second = rng.choice(length, 2, replace=False)
        x[k, first], x[k, second] = 1, 2
        y[k] = first < second
    return x, y


def test_lstm_learns_which_token_comes_first():
    rng = np.random.default_rng(7)
    x, y = _order_task(rng, 1200)
    x_test, y_test = _order_task(rng, 400)
    model = keras.Sequential([keras.Input((10,), dtype="int32"),
                              Embedding(10, 8, mask_zero=True),
                              LSTM(16),
                              Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=12, verbose=0)
    accuracy = ((model.predict(x_test, verbose=0)[:, 0] > 0.5) == y_test).mean()
    assert accuracy > 0.95


def test_functional_model_with_bidirectional_and_time_distributed_trains():
    rng = np.random.default_rng(3)
    inputs = keras.Input((6,), dtype="int32")
    hidden = Embedding(20, 4, mask_zero=True)(inputs)
    hidden = Bidirectional(GRU(3, return_sequences=True))(hidden)
    outputs = TimeDistributed(Dense(2, activation="softmax"))(hidden)
    model = keras.Model(inputs, outputs)
    x = rng.integers(1, 20, (16, 6))
    y = (x % 2).astype(np.int64)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert model.predict(x, verbose=0).shape == (16, 6, 2)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_gradient_reaches_every_weight_of_a_stack(rng):
    model = keras.Sequential([keras.Input((5, 3)), SimpleRNN(4, return_sequences=True),
                              GRU(4, return_sequences=True), LSTM(2)])
    with GradientTape() as tape:
        loss = m.sum(model(rng.standard_normal((2, 5, 3)).astype(np.float32)))
    grads = tape.gradient(loss, model.trainable_weights)
    assert len(grads) == 9 and all(g is not None and np.any(g.data != 0) for g in grads)
    assert backend.floatx() == "float32"


def test_functional_initial_state_from_another_layer_links_the_graph():
    encoder_in, decoder_in = keras.Input((None, 3)), keras.Input((None, 2))
    _, h, c = LSTM(4, return_state=True, name="encoder")(encoder_in)
    decoded = LSTM(4, return_sequences=True, name="decoder")(decoder_in, initial_state=[h, c])
    model = keras.Model([encoder_in, decoder_in], Dense(1)(decoded))
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 6, 2))
    out = model([x1, x2])
    assert out.shape == (2, 6, 1)
    encoder = model.get_layer("encoder")
    with GradientTape() as tape:
        loss = m.sum(model([x1, x2]))
    grads = tape.gradient(loss, encoder.trainable_weights)
    assert all(g is not None and np.any(g.data != 0) for g in grads)
    _, h_value, c_value = encoder(x1.astype(np.float32))
    direct = model.get_layer("decoder")(x2.astype(np.float32), initial_state=[h_value, c_value])
    np.testing.assert_allclose(model.layers[-1](direct).data, out.data, rtol=1e-5, atol=1e-6)


def test_recurrent_model_round_trips_through_a_keras_file(tmp_path):
    pytest.importorskip("h5py")
    inputs = keras.Input((6,), dtype="int32")
    hidden = Embedding(20, 4, mask_zero=True)(inputs)
    hidden = Bidirectional(LSTM(3, return_sequences=True), merge_mode="sum")(hidden)
    hidden = GRU(3, return_sequences=True, reset_after=False)(hidden)
    hidden = TimeDistributed(Dense(2))(hidden)
    model = keras.Model(inputs, SimpleRNN(2, go_backwards=True)(hidden))
    ids = np.random.default_rng(0).integers(0, 20, (3, 6))
    ids[:, 4:] = 0
    expected = model.predict(ids, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert [type(layer).__name__ for layer in loaded.layers][1:] == [
        "Embedding", "Bidirectional", "GRU", "TimeDistributed", "SimpleRNN"]
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), expected, rtol=1e-6)


def test_bidirectional_takes_graph_states_in_a_functional_model(rng):
    encoder_in, decoder_in = keras.Input((5, 3)), keras.Input((4, 3))
    _, *states = Bidirectional(GRU(2, return_state=True), name="encoder")(encoder_in)
    assert [s.shape for s in states] == [(None, 2), (None, 2)]
    decoded = Bidirectional(GRU(2, return_sequences=True))(decoder_in, initial_state=states)
    model = keras.Model([encoder_in, decoder_in], decoded)
    x1, x2 = rng.standard_normal((3, 5, 3)), rng.standard_normal((3, 4, 3))
    assert model([x1, x2]).shape == (3, 4, 4)
    with GradientTape() as tape:
        loss = m.sum(model([x1, x2]))
    encoder_weights = model.get_layer("encoder").trainable_weights
    assert all(np.any(g.data != 0) for g in tape.gradient(loss, encoder_weights))


def test_masks_pass_through_dense_and_dropout_and_metrics_skip_masked_steps():
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 9, (6, 5))
    x[:2, :2] = 0                                          # padded steps
    embedding = keras.layers.Embedding(9, 4, mask_zero=True)
    for layer in (keras.layers.Dense(3), keras.layers.Dropout(0.5), keras.layers.Activation("tanh")):
        out = layer(embedding(x), training=True)
        np.testing.assert_array_equal(out._keras_mask, x != 0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(9, 4, mask_zero=True),
                              keras.layers.LSTM(6, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    y = rng.integers(0, 3, (6, 5))
    hits = model.predict(x, verbose=0).argmax(-1) == y
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(hits[x != 0].mean())
    assert hits[x != 0].mean() != pytest.approx(hits.mean())     # the mask changes it


@pytest.mark.parametrize("return_sequences", [False, True])
def test_compute_mask_with_return_state_has_one_entry_per_output(real_keras, return_sequences):
    x = np.zeros((2, 5, 4), np.float32)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    for given in (mask, None):
        masks = []
        for library in (keras, real_keras):
            layer = library.layers.LSTM(3, return_state=True, return_sequences=return_sequences)
            layer(x)
            masks.append([None if k is None else np.asarray(k)
                          for k in layer.compute_mask(x, given)])
        assert len(masks[0]) == len(masks[1]) == 3
        for ours, theirs in zip(*masks):
            assert (ours is None) == (theirs is None)
            if ours is not None:
                np.testing.assert_array_equal(ours, theirs)
