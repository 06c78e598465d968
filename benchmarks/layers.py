"""Forward + backward of the ops that the CNN and LSTM epochs spend their time in, one at a
time on those benchmarks' shapes: neuronet's op against PyTorch's in the same run, and the
NumPy calls of one LSTM time step against the same PyTorch calls.

    python benchmarks/layers.py [rounds]

PyTorch runs these layers on CPU as single fused kernels of oneDNN (its profiler names
them mkldnn_rnn_layer, mkldnn_rnn_layer_backward, mkldnn_convolution); neuronet runs each
as a sequence of NumPy and BLAS calls. The rows tell which ops an epoch's ratio comes from,
and the last table how far one NumPy call is from PyTorch's on the same small array.
The two libraries take turns, one timing of each per round; prints the median time of each
and the median over the rounds of neuronet's (or NumPy's) time over PyTorch's.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import statistics
import sys
import time

import numpy as np

BATCH, LENGTH, WIDTH = 64, 100, 64         # lstm.py: batch 64, 100 steps, Embedding 64, LSTM 64


def layer_cases(torch, ops, Tensor):
    """{name: (neuronet step, PyTorch step)}, each step one forward + backward pass, on the
    memory layouts of the epoch benchmarks."""
    rng = np.random.default_rng(0)
    nn = torch.nn
    cases = {}

    def pair(name, ours, theirs, x, output_shape, trained=True, layout=None):
        """Register `name`: `ours` maps a Tensor x to the pass's output, `theirs` a tensor x
        with its axes in PyTorch's order, x.permute(layout), on x's own memory (for images,
        PyTorch's channels_last format, which cnn.py's data gives PyTorch too: its NCHW
        kernels run max pooling 10x slower here). x trained: whether it gets a gradient."""
        def torch_array(a):
            return torch.from_numpy(a) if layout is None else torch.from_numpy(a).permute(layout)
        grad = rng.standard_normal(output_shape).astype(np.float32)
        ours_x = Tensor(x, requires_grad=trained)
        theirs_x, theirs_grad = torch_array(x).requires_grad_(trained), torch_array(grad)

        def ours_step():
            ours(ours_x).backward(grad)
            ours_x.grad = None                 # as a training step leaves it: no summing

        def theirs_step():
            theirs(theirs_x).backward(theirs_grad)
            theirs_x.grad = None
        cases[name] = (ours_step, theirs_step)

    def weight(parameter, *axes):
        """A PyTorch parameter in neuronet's layout, as a trained Tensor."""
        return Tensor(np.ascontiguousarray(parameter.detach().numpy().transpose(axes)),
                      requires_grad=True)

    # LSTM 64 over 100 steps, the last output only, its input trained (as in lstm.py)
    lstm = nn.LSTM(WIDTH, WIDTH, batch_first=True)
    kernel, recurrent = weight(lstm.weight_ih_l0, 1, 0), weight(lstm.weight_hh_l0, 1, 0)
    bias = Tensor((lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy(), requires_grad=True)
    pair(f"LSTM {WIDTH}, {BATCH} x {LENGTH} steps",
         lambda x: ops.lstm(x, kernel, recurrent, bias, return_sequences=False)[0],
         lambda x: lstm(x)[1][0][-1],
         (rng.standard_normal((BATCH, LENGTH, WIDTH)) * 0.5).astype(np.float32), (BATCH, WIDTH))

    # the CNN of cnn.py: its two convolutions (the first one's input is the data, which gets
    # no gradient) and its two max poolings
    nchw = (0, 3, 1, 2)
    for size, channels, filters in ((28, 1, 32), (13, 32, 64)):
        conv = nn.Conv2d(channels, filters, 3)
        conv_kernel, conv_bias = weight(conv.weight, 2, 3, 1, 0), weight(conv.bias, 0)
        out = size - 2
        first = channels == 1
        pair(f"Conv2D 3x3 {size}x{size}x{channels} -> {filters}"
             + (", no input gradient" if first else ""),
             lambda x, k=conv_kernel, b=conv_bias: ops.conv2d(x, k, b), conv,
             rng.standard_normal((BATCH, size, size, channels)).astype(np.float32),
             (BATCH, out, out, filters), trained=not first, layout=nchw)
        pair(f"MaxPooling2D 2 {out}x{out}x{filters}",
             lambda x: ops.max_pool2d(x, 2), lambda x: nn.functional.max_pool2d(x, 2),
             np.maximum(rng.standard_normal((BATCH, out, out, filters)), 0).astype(np.float32),
             (BATCH, out // 2, out // 2, filters), layout=nchw)
    return cases


def step_cases(torch):
    """{name: (NumPy call, PyTorch call)} on the arrays of one LSTM time step."""
    rng = np.random.default_rng(1)
    gates = rng.standard_normal((BATCH, 4 * WIDTH)).astype(np.float32)
    state = rng.standard_normal((BATCH, WIDTH)).astype(np.float32)
    weights = rng.standard_normal((WIDTH, 4 * WIDTH)).astype(np.float32) * 0.1
    out = np.empty_like(gates)
    t_gates, t_state, t_weights, t_out = map(torch.from_numpy, (gates, state, weights, out))

    def numpy_sigmoid():                   # the form the LSTM op uses: one exp, no select
        np.negative(gates, out=out)
        np.exp(out, out=out)
        np.add(out, 1, out=out)
        np.reciprocal(out, out=out)

    shape = f"{BATCH} x {4 * WIDTH}"
    return {
        f"exp, {shape}": (lambda: np.exp(gates, out=out), lambda: torch.exp(t_gates, out=t_out)),
        f"tanh, {shape}": (lambda: np.tanh(gates, out=out),
                           lambda: torch.tanh(t_gates, out=t_out)),
        f"sigmoid, {shape}": (numpy_sigmoid, lambda: torch.sigmoid(t_gates, out=t_out)),
        f"matmul ({BATCH}, {WIDTH}) @ ({WIDTH}, {4 * WIDTH})": (
            lambda: np.matmul(state, weights, out=out),
            lambda: torch.mm(t_state, t_weights, out=t_out)),
    }


def compare(title, cases, rounds, repeats, labels):
    """Print, per case, the median over `rounds` of each side's fastest of `repeats` runs and
    the median over the rounds of the first side's time over the second's. The sides take
    turns, a pause before each."""
    print(f"\n{title}: median of {rounds} rounds (each the fastest of {repeats} runs)")
    print(f"  {'':<52}{labels[0]:>12}{labels[1]:>12}{'ratio':>8}")
    for name, (ours, theirs) in cases.items():
        times = [[], []]
        for _ in range(rounds):
            for side, step in zip(times, (ours, theirs)):
                time.sleep(common.PAUSE)       # the other side's worker threads stop spinning
                side.append(common.fastest(step, repeats))
        ratio = statistics.median(o / t for o, t in zip(*times))
        unit, scale = ("us", 1e6) if max(times[1]) < 1e-3 else ("ms", 1e3)
        print(f"  {name:<52}" + "".join(f"{statistics.median(t) * scale:>9.2f} {unit}"
                                        for t in times) + f"{ratio:>7.2f}x")


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import torch
    import neuronet.ops as ops
    from neuronet.autograd import Tensor
    print(f"BLAS: {common.blas_report()}; PyTorch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    compare("Forward + backward of one op, float32", layer_cases(torch, ops, Tensor), rounds,
            3, ("neuronet", "PyTorch"))
    compare("One call on the arrays of an LSTM step, float32", step_cases(torch), rounds, 2000,
            ("NumPy", "PyTorch"))


if __name__ == "__main__":
    main()
