"""Forward + backward of each activation on float32 arrays: neuronet's op against
PyTorch's (torch.nn.functional), in the same run.

    python benchmarks/activations.py [rounds]

Two sizes: a hidden layer of a small dense network (32 x 64) and a convolution's output
(64 x 26 x 26 x 32). The two libraries take turns, one timing of each per round; prints
the median time of each and the median over the rounds of neuronet's time over PyTorch's.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import statistics
import sys

import numpy as np

SHAPES = ((32, 64), (64, 26, 26, 32))
# neuronet name: the PyTorch function of the same activation (Keras' defaults)
PEERS = {
    "relu": lambda F, t: F.relu(t), "sigmoid": lambda F, t: F.sigmoid(t),
    "tanh": lambda F, t: F.tanh(t), "leaky_relu": lambda F, t: F.leaky_relu(t, 0.2),
    "relu6": lambda F, t: F.relu6(t), "elu": lambda F, t: F.elu(t),
    "selu": lambda F, t: F.selu(t), "softplus": lambda F, t: F.softplus(t),
    "silu": lambda F, t: F.silu(t), "gelu": lambda F, t: F.gelu(t),
    "mish": lambda F, t: F.mish(t), "softmax": lambda F, t: F.softmax(t, dim=-1),
}


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import torch
    import neuronet
    from neuronet.autograd import Tensor
    print(f"BLAS: {common.blas_report()}; PyTorch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    F = torch.nn.functional
    for shape in SHAPES:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        repeats = 200 if x.size < 10_000 else 5
        print(f"\n{' x '.join(map(str, shape))} float32, forward + backward: median of "
              f"{rounds} rounds (each the fastest of {repeats} runs)")
        print(f"  {'activation':<12}{'neuronet':>12}{'PyTorch':>12}{'ratio':>8}")
        for name, peer in PEERS.items():
            ours_fn = neuronet.activations.get(name)
            ours_x = Tensor(x, requires_grad=True)
            theirs_x = torch.from_numpy(x.copy()).requires_grad_()
            grad = np.ones(shape, np.float32)
            theirs_grad = torch.from_numpy(grad)

            def ours():
                ours_fn(ours_x).backward(grad)
                ours_x.grad = None

            def theirs():
                peer(F, theirs_x).backward(theirs_grad)
                theirs_x.grad = None

            times = {"ours": [], "theirs": []}
            for _ in range(rounds):
                times["ours"].append(common.fastest(ours, repeats))
                times["theirs"].append(common.fastest(theirs, repeats))
            ratio = statistics.median(o / t for o, t in zip(times["ours"], times["theirs"]))
            print(f"  {name:<12}{statistics.median(times['ours']) * 1e3:>10.3f} ms"
                  f"{statistics.median(times['theirs']) * 1e3:>10.3f} ms{ratio:>7.2f}x")


if __name__ == "__main__":
    main()
