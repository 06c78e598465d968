"""Recurrent ops: a SimpleRNN, an LSTM and a GRU over a whole sequence, one op each.

    outputs, h = simple_rnn(x, kernel, recurrent_kernel, bias)
    outputs, h, c = lstm(x, kernel, recurrent_kernel, bias, mask=mask)

Every op
- projects the inputs of all time steps at once: one GEMM with the kernel;
- loops over the time steps in Python, one GEMM per step with the recurrent kernel;
- backpropagates through time by hand: one GEMM per step carries the gradient back to the
  previous state; then one GEMM each, over all the steps stacked, gives the gradients of
  the inputs, the kernel and the recurrent kernel.

Arguments shared by the ops (Keras semantics):
  x: (batch, time, features); kernel: (features, gates * units); recurrent_kernel:
  (units, gates * units); every state: (batch, units).
  initial_state: the state Tensor(s) at the first step (zeros when None).
  mask: booleans (batch, time), False where a step is skipped: the states carry over
  unchanged and the output is the carried state h (as Keras 3 computes it), or zeros
  with zero_output_for_mask=True.
  go_backwards: run from the last step to the first; the outputs come in that order.
  return_sequences: outputs (batch, time, units) for every step; else (batch, units), the
  output of the last step.
  recurrent_dropout_mask: (batch, units) factors applied to the state before every
  recurrent GEMM (the same mask at every step), or None.
  activation, recurrent_activation: names from ACTIVATIONS.
Each op returns (outputs, *final_states).
"""
import numpy as np

from ..autograd.tensor import Tensor, as_array
from .activations import _sigmoid_of_negated
from .math import getitem, sum_rows, tensor

__all__ = ["simple_rnn", "lstm", "gru", "ACTIVATIONS"]


# --- activations: forward(a, out) and derivative(y, out), the derivative written with the
# output y = f(a); both write into `out` (which may be `a` itself). The ops run the forwards
# under np.errstate(over="ignore"): sigmoid's exp may overflow to inf, which gives 0 exactly --

def _tanh(a, out):
    np.tanh(a, out=out)


def _tanh_slope(y, out):                   # tanh' = 1 - tanh^2
    np.multiply(y, y, out=out)
    np.subtract(1, out, out=out)


def _sigmoid(a, out):
    """1 / (1 + e^-a): one exp, cheaper than np.tanh."""
    np.negative(a, out=out)
    _sigmoid_of_negated(out)


def _sigmoid_slope(y, out):                # sigmoid' = s (1 - s)
    np.subtract(1, y, out=out)
    out *= y


def _hard_sigmoid(a, out):
    """relu6(a + 3) / 6, as keras.activations.hard_sigmoid."""
    np.add(a, 3, out=out)
    np.clip(out, 0, 6, out=out)
    out /= 6


def _hard_sigmoid_slope(y, out):           # 1/6 where 0 < y < 1, else 0
    np.copyto(out, (y > 0) & (y < 1))
    out /= 6


def _relu(a, out):
    np.maximum(a, 0, out=out)


def _relu_slope(y, out):                   # 1 where y > 0, else 0
    np.greater(y, 0, out=out)


def _linear(a, out):
    np.copyto(out, a)


def _linear_slope(y, out):
    out[...] = 1


ACTIVATIONS = {
    "tanh": (_tanh, _tanh_slope),
    "sigmoid": (_sigmoid, _sigmoid_slope),
    "hard_sigmoid": (_hard_sigmoid, _hard_sigmoid_slope),
    "relu": (_relu, _relu_slope),
    "linear": (_linear, _linear_slope),
}


def _activation(op, argument, name):
    if name not in ACTIVATIONS:
        raise ValueError(f"{op}: unknown {argument} {name!r}; expected one of "
                         f"{', '.join(sorted(ACTIVATIONS))}")
    return ACTIVATIONS[name]


def _check_shape(op, argument, shape, expected):
    if tuple(shape) != tuple(expected):
        raise ValueError(f"{op}: expected {argument} of shape {tuple(expected)}, "
                         f"received shape {tuple(shape)}")


def _stacked(a):
    """(time, batch, n) -> (time * batch, n): every step's rows, one GEMM operand."""
    return a.reshape(-1, a.shape[-1])


def _blocks(matrix, gates):
    """(rows, gates * units) -> (gates, rows, units): one block per gate (a view).

    The ops keep per-step gate values gate-major, so that each gate of a step is one
    contiguous (batch, units) array: NumPy runs elementwise work fastest on those."""
    return matrix.reshape(matrix.shape[0], gates, -1).transpose(1, 0, 2)


def _gate_columns(a, order):
    """a (..., gates * units) with its gate blocks rearranged: block k of the result (a new
    array) is block order[k] of `a`."""
    blocks = a.reshape(a.shape[:-1] + (len(order), -1))
    return blocks[..., list(order), :].reshape(a.shape)


def _inverse(order):
    """The block order that undoes `order`."""
    return tuple(int(k) for k in np.argsort(order))


# --- what the three ops share -----------------------------------------------------------------

class _Sequence:
    """Checked arguments, the inputs in time-major step order, the step mask, the packed
    outputs and the gradients of the inputs and the kernel."""

    def __init__(self, op, x, kernel, recurrent_kernel, gates, bias, bias_shape, initial_state,
                 state_count, mask, go_backwards, return_sequences, zero_output_for_mask,
                 recurrent_dropout_mask):
        kernel = tensor(kernel)
        recurrent_kernel = tensor(recurrent_kernel, like=kernel)
        x = tensor(x, like=kernel)
        if x.dtype.kind != "f":
            x = Tensor(x.data.astype(kernel.dtype))
        if x.ndim != 3 or x.shape[1] == 0:
            raise ValueError(f"{op}: expected x of shape (batch, time, features) with time >= 1, "
                             f"received shape {x.shape}")
        batch, time, features = x.shape
        units = recurrent_kernel.shape[0]
        self.op, self.dtype = op, kernel.dtype
        self.batch, self.time, self.units = batch, time, units
        _check_shape(op, "kernel", kernel.shape, (features, gates * units))
        _check_shape(op, "recurrent_kernel", recurrent_kernel.shape, (units, gates * units))
        if bias is not None:
            bias = tensor(bias, like=kernel)
            _check_shape(op, "bias", bias.shape, bias_shape)
        self.x, self.kernel, self.recurrent_kernel, self.bias = x, kernel, recurrent_kernel, bias
        self.initial_states, given = self._initial_states(initial_state, state_count)
        self.parents = [x, kernel, recurrent_kernel] + ([bias] if bias is not None else []) + given
        self.state_count, self.has_initial_state = state_count, bool(given)
        self.go_backwards, self.return_sequences = go_backwards, return_sequences

        steps = x.data.transpose(1, 0, 2)                              # (time, batch, features)
        if go_backwards:
            steps = steps[::-1]
        self.inputs = _stacked(np.ascontiguousarray(steps, dtype=self.dtype))

        self.keep = self.skip = self.output_scale = None               # no mask: every step counts
        if mask is not None:
            keep = as_array(mask).astype(bool)
            _check_shape(op, "mask", keep.shape, (batch, time))
            if not keep.all():
                keep = keep.T[::-1] if go_backwards else keep.T
                self.keep = np.ascontiguousarray(keep)[:, :, None]    # (time, batch, 1)
                self.skip = ~self.keep
                if zero_output_for_mask:                               # else the carried state
                    self.output_scale = self.keep.astype(self.dtype)

        self.recurrent_mask = None
        if recurrent_dropout_mask is not None:
            self.recurrent_mask = as_array(recurrent_dropout_mask, self.dtype)
            _check_shape(op, "recurrent_dropout_mask", self.recurrent_mask.shape, (batch, units))

    def _initial_states(self, initial_state, count):
        shape = (self.batch, self.units)
        if initial_state is None:
            return [np.zeros(shape, self.dtype) for _ in range(count)], []
        states = (list(initial_state) if isinstance(initial_state, (list, tuple))
                  else [initial_state])
        if len(states) != count:
            raise ValueError(f"{self.op}: expected {count} initial state(s) of shape {shape}, "
                             f"received {len(states)}")
        states = [tensor(s, like=self.kernel) for s in states]
        for k, s in enumerate(states):
            _check_shape(self.op, f"initial_state[{k}]", s.shape, shape)
        return [s.data.astype(self.dtype, copy=False) for s in states], states

    # forward helpers
    def project(self, gates, bias, order=None, scale=None):
        """x_t @ kernel + bias for every step at once: (time, gates, batch, units), a view of
        a gate-first array (gates, time, batch, units), so that each gate of a step, and
        each gate over all the steps, is contiguous. With `order`, block k of the kernel's
        and the bias' gate blocks is their block order[k]; with `scale` (gates,), block k
        comes out multiplied by scale[k].

        One batched GEMM over all the steps stacked, (time * batch, features) @ (gates,
        features, units); the bias rides along as an extra kernel row that meets a column
        of ones appended to the inputs."""
        kernel = self.kernel.data
        if order is not None:
            kernel = _gate_columns(kernel, order)
            bias = None if bias is None else _gate_columns(bias, order)
        inputs, weights = self.inputs, _blocks(kernel, gates)  # weights (gates, features, units)
        if bias is not None:
            inputs = np.concatenate([inputs, np.ones((len(inputs), 1), self.dtype)], axis=1)
            weights = np.concatenate([weights, bias.reshape(gates, 1, -1)], axis=1)
        weights = (np.ascontiguousarray(weights) if scale is None
                   else weights * scale.reshape(gates, 1, 1))
        out = np.matmul(inputs, weights)                    # (gates, time * batch, units)
        return out.reshape(gates, self.time, self.batch, self.units).transpose(1, 0, 2, 3)

    def state_buffer(self, k):
        """(time + 1, batch, units), the initial state k in row 0; row t + 1 is set at step t."""
        states = np.empty((self.time + 1, self.batch, self.units), self.dtype)
        states[0] = self.initial_states[k]
        return states

    def recurrent_input(self, h):
        """The state as the recurrent GEMM sees it (after recurrent dropout)."""
        return h if self.recurrent_mask is None else h * self.recurrent_mask

    def carry(self, t, states):
        """At skipped steps the state keeps its previous value."""
        if self.skip is not None:
            np.copyto(states[t + 1], states[t], where=self.skip[t])

    def finish(self, h, finals, backward):
        """One packed Tensor (batch, steps + states, units), sliced into (outputs, *states)."""
        scale = self.output_scale
        n = len(finals)
        if self.return_sequences:
            outputs = h[1:] if scale is None else h[1:] * scale        # (time, batch, units)
            packed = np.empty((self.batch, self.time + n, self.units), self.dtype)
            packed[:, :self.time] = outputs.transpose(1, 0, 2)
        else:
            packed = np.empty((self.batch, 1 + n, self.units), self.dtype)
            packed[:, 0] = h[-1] if scale is None else h[-1] * scale[-1]
        for k, state in enumerate(finals):
            packed[:, k - n] = state
        core = Tensor.from_op(packed, self.parents, backward)
        if self.return_sequences:
            outputs = getitem(core, (slice(None), slice(0, self.time)))
        else:
            outputs = getitem(core, (slice(None), 0))
        return (outputs,) + tuple(getitem(core, (slice(None), k - n)) for k in range(n))

    # backward helpers
    def output_grads(self, g):
        """The packed gradient split: per-step output grads (time, batch, units) or None,
        and the final states' grads (fresh arrays, the last output's grad added to h's)."""
        n = self.state_count
        finals = [np.array(g[:, k - n]) for k in range(n)]
        scale = self.output_scale
        if not self.return_sequences:
            finals[0] += g[:, 0] if scale is None else g[:, 0] * scale[-1]
            return None, finals
        per_step = g[:, :self.time].transpose(1, 0, 2)
        per_step = np.ascontiguousarray(per_step) if scale is None else per_step * scale
        return per_step, finals

    def mask_slopes(self, t, slopes):
        """A skipped step sends no gradient through its gates: zero slopes in its rows."""
        if self.keep is not None:
            slopes *= self.keep[t]

    def recurrent_grad(self, g):
        """The gradient w.r.t. the state from that w.r.t. its recurrent-GEMM input."""
        if self.recurrent_mask is not None:
            g *= self.recurrent_mask
        return g

    def pass_skipped(self, t, grad_previous, grad):
        """At skipped steps the state's gradient passes to the previous state unchanged."""
        if self.skip is not None:
            np.copyto(grad_previous, grad, where=self.skip[t])

    def recurrent_inputs(self, states):
        """The states before every step as the recurrent GEMM saw them: (time * batch, units)."""
        previous = states[:-1]
        if self.recurrent_mask is not None:
            previous = previous * self.recurrent_mask
        return _stacked(previous)

    def needs(self, tensor_):
        return tensor_ is not None and tensor_.requires_grad

    def grads(self, d_projection, d_recurrent_kernel, d_bias, d_states, order=None):
        """Gradients in parent order; one GEMM each for the inputs and the kernel.

        order: the gate block order of d_projection's columns when it is not the kernel's
        (as in project)."""
        d_stacked = _stacked(d_projection)                   # (time * batch, gates * units)
        kernel = self.kernel.data if order is None else _gate_columns(self.kernel.data, order)
        dx = dk = None
        if self.x.requires_grad:
            steps = (d_stacked @ kernel.T).reshape(self.time, self.batch, -1)
            if self.go_backwards:
                steps = steps[::-1]
            dx = np.ascontiguousarray(steps.transpose(1, 0, 2)).astype(self.x.dtype, copy=False)
        if self.kernel.requires_grad:
            dk = self.inputs.T @ d_stacked                   # (features, gates * units)
            if order is not None:
                dk = _gate_columns(dk, _inverse(order))
        grads = [dx, dk, d_recurrent_kernel]
        if self.bias is not None:
            grads.append(d_bias)
        if self.has_initial_state:
            grads.extend(d_states)
        return tuple(grads)


# --- SimpleRNN ---------------------------------------------------------------------------------

def simple_rnn(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
               activation="tanh", go_backwards=False, return_sequences=True,
               zero_output_for_mask=False, recurrent_dropout_mask=None):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias).

    kernel (features, units), recurrent_kernel (units, units), bias (units,).
    Returns (outputs, h).
    """
    n = np.shape(recurrent_kernel)[0]
    s = _Sequence("simple_rnn", x, kernel, recurrent_kernel, 1, bias, (n,), initial_state, 1,
                  mask, go_backwards, return_sequences, zero_output_for_mask,
                  recurrent_dropout_mask)
    act, act_grad = _activation("simple_rnn", "activation", activation)
    u = s.recurrent_kernel.data
    pre = s.project(1, None if s.bias is None else s.bias.data)[:, 0]  # (time, batch, units)
    h = s.state_buffer(0)
    with np.errstate(over="ignore"):
        for t in range(s.time):
            pre[t] += s.recurrent_input(h[t]) @ u
            act(pre[t], h[t + 1])
            s.carry(t, h)

    def backward(g):
        d_out, (dh,) = s.output_grads(g)
        u_t = np.ascontiguousarray(u.T)
        d_pre = np.empty_like(pre)
        for t in reversed(range(s.time)):
            if d_out is not None:
                dh += d_out[t]
            act_grad(h[t + 1], d_pre[t])                         # f'(pre) from h_t = f(pre)
            s.mask_slopes(t, d_pre[t])
            d_pre[t] *= dh                                       # through the activation
            dh_previous = s.recurrent_grad(d_pre[t] @ u_t)       # (batch, units)
            s.pass_skipped(t, dh_previous, dh)
            dh = dh_previous
        du = s.recurrent_inputs(h).T @ _stacked(d_pre) if s.needs(s.recurrent_kernel) else None
        db = sum_rows(_stacked(d_pre)) if s.needs(s.bias) else None
        return s.grads(d_pre, du, db, [dh])
    return s.finish(h, [h[-1]], backward)


# --- LSTM --------------------------------------------------------------------------------------

# The op keeps its gate blocks in the order o, i, f, g (Keras' blocks 3, 0, 1, 2): the three
# recurrent_activation gates side by side, and side by side the three whose gradient is dc_t
# times a local derivative.
_LSTM_ORDER = (3, 0, 1, 2)


def lstm(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
         activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
         return_sequences=True, zero_output_for_mask=False, recurrent_dropout_mask=None):
    """Long short-term memory, gates in Keras' order i, f, c, o:

        [i, f, g, o] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, o = recurrent_activation(.), g = activation(.)
        c_t = f c_{t-1} + i g,  h_t = o activation(c_t)

    kernel (features, 4 units), recurrent_kernel (units, 4 units), bias (4 units,);
    initial_state: (h0, c0). Returns (outputs, h, c).
    """
    n = np.shape(recurrent_kernel)[0]
    s = _Sequence("lstm", x, kernel, recurrent_kernel, 4, bias, (4 * n,), initial_state, 2, mask,
                  go_backwards, return_sequences, zero_output_for_mask, recurrent_dropout_mask)
    act, act_grad = _activation("lstm", "activation", activation)
    gate, gate_grad = _activation("lstm", "recurrent_activation", recurrent_activation)
    time, batch = s.time, s.batch
    # With the default activations one exp takes all four gates: sigmoid(a) = 1 / (1 + e^-a)
    # and tanh(a) = 2 sigmoid(2a) - 1, the factors -1 (o, i, f) and -2 (g) folded into the
    # weights (exact: powers of two).
    one_exp = gate is _sigmoid and act is _tanh
    scale = np.array([-1, -1, -1, -2], s.dtype) if one_exp else np.ones(4, s.dtype)
    u = _gate_columns(s.recurrent_kernel.data, _LSTM_ORDER)      # (n, 4n), blocks o, i, f, g
    u_blocks = _blocks(u, 4) * scale[:, None, None]             # (4, n, n)
    # (time, 4, batch, n): the input part of the (scaled) pre-activations, then the gate values
    gates = s.project(4, None if s.bias is None else s.bias.data, _LSTM_ORDER, scale)
    o, i, f, g = (gates[:, k] for k in range(4))                # each (time, batch, n)
    h, c = s.state_buffer(0), s.state_buffer(1)                 # (time + 1, batch, n)
    act_c = np.empty((time, batch, n), s.dtype)                 # activation(c_t)
    recurrent = np.empty((4, batch, n), s.dtype)
    ig = np.empty((batch, n), s.dtype)
    with np.errstate(over="ignore"):
        for t in range(time):
            z = gates[t]                                        # (4, batch, n)
            np.matmul(s.recurrent_input(h[t]), u_blocks, out=recurrent)
            z += recurrent                                      # pre-activations
            if one_exp:
                _sigmoid_of_negated(z)                          # o, i, f; sigmoid(2 pre_g)
                z[3] *= 2
                z[3] -= 1                                       # g
            else:
                gate(z[:3], z[:3])                              # o, i, f
                act(z[3], z[3])                                 # g
            np.multiply(f[t], c[t], out=c[t + 1])               # c_t = f c_{t-1} + i g
            np.multiply(i[t], g[t], out=ig)
            c[t + 1] += ig
            act(c[t + 1], act_c[t])
            np.multiply(o[t], act_c[t], out=h[t + 1])           # h_t = o act(c_t)
            s.carry(t, h)
            s.carry(t, c)

    def backward(grad):
        d_out, (dh, dc) = s.output_grads(grad)
        # Every step's local derivatives at once, (time, 4, batch, n), each through its
        # activation: d pre_o / dh_t, and d pre / dc_t for i, f, g.
        local = np.empty_like(gates)
        gate_grad(gates[:, :3], local[:, :3])                   # f'(pre) from the gate values
        act_grad(g, local[:, 3])
        local[:, 0] *= act_c                                    # dL/do = dh act(c_t)
        local[:, 1] *= g                                        # dL/di = dc_t g
        local[:, 2] *= c[:-1]                                   # dL/df = dc_t c_{t-1}
        local[:, 3] *= i                                        # dL/dg = dc_t i
        if s.keep is not None:                                  # skipped steps: no gate grads
            local *= s.keep[:, None]
        dc_dh = np.empty_like(act_c)                            # dc_t / dh_t = o act'(c_t)
        act_grad(act_c, dc_dh)
        dc_dh *= o
        u_t = np.ascontiguousarray(u.T)                         # (4n, n)
        d_pre = np.empty((time, batch, 4 * n), s.dtype)         # dL/d pre-activations
        dz = np.empty((4, batch, n), s.dtype)                   # ... of one step, gate-major
        dc_t = np.empty_like(dc)                                # (batch, n)
        dh_previous, dc_previous = np.empty_like(dh), np.empty_like(dc)
        for t in reversed(range(time)):
            if d_out is not None:
                dh += d_out[t]
            np.multiply(dh, dc_dh[t], out=dc_t)                 # dL/dc_t = dc + dh o act'(c_t)
            dc_t += dc
            np.multiply(dh, local[t, 0], out=dz[0])             # o
            np.multiply(dc_t, local[t, 1:], out=dz[1:])         # i, f, g
            _blocks(d_pre[t], 4)[...] = dz                      # cheaper than writing the view
            np.matmul(d_pre[t], u_t, out=dh_previous)           # (batch, n)
            s.recurrent_grad(dh_previous)
            np.multiply(dc_t, f[t], out=dc_previous)            # dL/dc_{t-1} = dc_t f
            s.pass_skipped(t, dh_previous, dh)
            s.pass_skipped(t, dc_previous, dc)
            dh, dh_previous = dh_previous, dh
            dc, dc_previous = dc_previous, dc
        keras_order = _inverse(_LSTM_ORDER)
        du = db = None
        if s.needs(s.recurrent_kernel):                         # one GEMM over all steps
            du = _gate_columns(s.recurrent_inputs(h).T @ _stacked(d_pre), keras_order)
        if s.needs(s.bias):
            db = _gate_columns(sum_rows(_stacked(d_pre)), keras_order)
        return s.grads(d_pre, du, db, [dh, dc], order=_LSTM_ORDER)
    return s.finish(h, [h[-1], c[-1]], backward)


# --- GRU ---------------------------------------------------------------------------------------

def gru(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None, activation="tanh",
        recurrent_activation="sigmoid", go_backwards=False, return_sequences=True,
        zero_output_for_mask=False, recurrent_dropout_mask=None, reset_after=True):
    """Gated recurrent unit, gates in Keras' order z (update), r (reset), h (candidate):

        z, r = recurrent_activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)[z, r]
        reset_after=True:  hh = activation(x_t @ k_h + b_h + r (h_{t-1} @ u_h + b'_h))
        reset_after=False: hh = activation(x_t @ k_h + b_h + (r h_{t-1}) @ u_h)
        h_t = z h_{t-1} + (1 - z) hh

    kernel (features, 3 units), recurrent_kernel (units, 3 units); bias (2, 3 units), the
    input and the recurrent bias, with reset_after=True, else (3 units,). Returns (outputs, h).
    """
    n = np.shape(recurrent_kernel)[0]
    bias_shape = (2, 3 * n) if reset_after else (3 * n,)
    s = _Sequence("gru", x, kernel, recurrent_kernel, 3, bias, bias_shape, initial_state, 1, mask,
                  go_backwards, return_sequences, zero_output_for_mask, recurrent_dropout_mask)
    act, act_grad = _activation("gru", "activation", activation)
    gate, gate_grad = _activation("gru", "recurrent_activation", recurrent_activation)
    b = None if s.bias is None else s.bias.data
    input_bias, recurrent_bias = (b, None) if b is None or not reset_after else (b[0], b[1])
    u = s.recurrent_kernel.data
    u_blocks = np.ascontiguousarray(_blocks(u, 3))              # (3, n, n)
    gates = s.project(3, input_bias)                            # (time, 3, batch, n), then in place
    h = s.state_buffer(0)
    # reset_after: h_{t-1} @ u + b' for every step; otherwise r h_{t-1} (what d/dr needs)
    saved = np.empty((s.time, 3, s.batch, n) if reset_after else (s.time, s.batch, n), s.dtype)
    recurrent = np.empty((2, s.batch, n), s.dtype)
    with np.errstate(over="ignore"):
        for t in range(s.time):
            z = gates[t]                                        # (3, batch, n): z, r, hh
            h_in = s.recurrent_input(h[t])
            if reset_after:
                inner = saved[t]
                np.matmul(h_in, u_blocks, out=inner)
                if recurrent_bias is not None:
                    inner += recurrent_bias.reshape(3, 1, n)
                z[:2] += inner[:2]
                gate(z[:2], z[:2])                              # z, r
                np.multiply(z[1], inner[2], out=recurrent[0])
                z[2] += recurrent[0]
            else:
                np.matmul(h_in, u_blocks[:2], out=recurrent)
                z[:2] += recurrent
                gate(z[:2], z[:2])                              # z, r
                np.multiply(z[1], h_in, out=saved[t])
                z[2] += saved[t] @ u_blocks[2]
            act(z[2], z[2])                                     # hh
            np.subtract(h[t], z[2], out=h[t + 1])               # h_t = hh + z (h_{t-1} - hh)
            h[t + 1] *= z[0]
            h[t + 1] += z[2]
            s.carry(t, h)

    def backward(grad):
        d_out, (dh,) = s.output_grads(grad)
        u_t = np.ascontiguousarray(u.T)
        d_pre = np.empty((s.time, s.batch, 3 * n), s.dtype)     # dL/d input projections
        d_inner = np.empty_like(d_pre) if reset_after else None  # dL/d (h_{t-1} @ u + b')
        dz = np.empty((3, s.batch, n), s.dtype)                 # one step, gate-major
        slopes = np.empty_like(dz)                              # each gate's f'(pre) at a step
        for t in reversed(range(s.time)):
            if d_out is not None:
                dh += d_out[t]
            z, r, hh = gates[t]
            gate_grad(gates[t, :2], slopes[:2])
            act_grad(hh, slopes[2])
            s.mask_slopes(t, slopes)
            np.subtract(h[t], hh, out=dz[0])                    # dL/dz = dh (h_{t-1} - hh)
            dz[0] *= dh
            dh_previous = dh * z                                # the direct path z h_{t-1}
            np.subtract(dh, dh_previous, out=dz[2])             # dL/dhh = dh (1 - z)
            dz[2] *= slopes[2]                                  # through the activation
            if reset_after:                                     # dL/dr
                np.multiply(dz[2], saved[t, 2], out=dz[1])
            else:
                d_rh = dz[2] @ u_blocks[2].T                    # dL/d(r h_{t-1})
                np.multiply(d_rh, s.recurrent_input(h[t]), out=dz[1])
            dz[:2] *= slopes[:2]                                # through the gate activation
            _blocks(d_pre[t], 3)[...] = dz
            if reset_after:                                     # dL/d(h_{t-1} @ u + b')
                inner = _blocks(d_inner[t], 3)
                inner[:2] = dz[:2]
                np.multiply(dz[2], r, out=inner[2])
                d_h_in = d_inner[t] @ u_t
            else:
                d_h_in = d_rh * r + d_pre[t][:, :2 * n] @ u[:, :2 * n].T
            dh_previous += s.recurrent_grad(d_h_in)
            s.pass_skipped(t, dh_previous, dh)
            dh = dh_previous
        du = db = None
        if s.needs(s.recurrent_kernel):
            h_in = s.recurrent_inputs(h)
            if reset_after:
                du = h_in.T @ _stacked(d_inner)
            else:
                du = np.concatenate([h_in.T @ _stacked(d_pre[..., :2 * n]),
                                     _stacked(saved).T @ _stacked(d_pre[..., 2 * n:])], axis=1)
        if s.needs(s.bias):
            db = sum_rows(_stacked(d_pre))
            if reset_after:
                db = np.stack([db, sum_rows(_stacked(d_inner))])
        return s.grads(d_pre, du, db, [dh])
    return s.finish(h, [h[-1]], backward)
