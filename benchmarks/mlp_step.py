"""Forward + backward + SGD step of an MLP 784-256-128-10: neuronet, PyTorch, plain NumPy.

    python benchmarks/mlp_step.py

Prints the median time of a training step per framework and batch size, and the ratios,
all measured in the same run: the frameworks take turns, 50 steps each per round.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import statistics

import numpy as np

import neuronet as nn

STEPS = 50
ROUNDS = 10                # the frameworks take turns, STEPS steps each per round
SIZES = (784, 256, 128, 10)
LR = 0.01


def make_data(batch, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], batch)
    return x, y


def neuronet_steps(batch):
    x, y = make_data(batch)
    model = nn.Sequential([nn.Input((SIZES[0],)), nn.layers.Dense(SIZES[1], activation="relu"),
                           nn.layers.Dense(SIZES[2], activation="relu"), nn.layers.Dense(SIZES[3])])
    loss_fn = nn.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = nn.optimizers.SGD(LR)
    xt = nn.Tensor(x)

    def run():
        for _ in range(STEPS):
            with nn.GradientTape() as tape:
                loss = loss_fn(y, model(xt, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)
    return run


def torch_steps(batch):
    import torch
    x, y = make_data(batch)
    model = torch.nn.Sequential(torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(),
                                torch.nn.Linear(SIZES[1], SIZES[2]), torch.nn.ReLU(),
                                torch.nn.Linear(SIZES[2], SIZES[3]))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def run():
        for _ in range(STEPS):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            optimizer.step()
    return run


def numpy_steps(batch):
    """The same math written by hand: the floor a NumPy framework can reach."""
    x, y = make_data(batch)
    rng = np.random.default_rng(1)
    weights = [((rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32),
                np.zeros(n_out, np.float32)) for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]
    rows = np.arange(batch)

    def run():
        for _ in range(STEPS):
            activations = [x]
            for i, (w, b) in enumerate(weights):
                z = activations[-1] @ w + b
                activations.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
            logits = activations[-1]
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[rows, y] -= 1
            g = p / batch
            for i in reversed(range(len(weights))):
                w, b = weights[i]
                a = activations[i]
                gw, gb = a.T @ g, g.sum(axis=0)
                if i:
                    g = (g @ w.T) * (a > 0)
                w -= LR * gw
                b -= LR * gb
    return run


def main():
    print(f"BLAS: {common.blas_report()}")
    frameworks = {"neuronet": neuronet_steps, "plain NumPy (hand-written)": numpy_steps}
    try:
        import torch
        torch.set_num_threads(max(1, torch.get_num_threads()))
        frameworks["PyTorch (hand-written loop)"] = torch_steps
    except ImportError:
        print("PyTorch not installed: its column is skipped")
    for batch in (128, 32):
        times = common.interleaved_times({name: make(batch) for name, make in frameworks.items()},
                                         ROUNDS, pause=0.3)
        later = {name: t[1:] for name, t in times.items()}
        ratios = common.print_table(
            f"MLP 784-256-128-10, batch {batch}: seconds per training step (median)",
            later, "neuronet", scale=1 / STEPS)
        if "PyTorch (hand-written loop)" in ratios:
            to_numpy = statistics.median(
                n / p for n, p in zip(later["neuronet"], later["plain NumPy (hand-written)"]))
            print(f"  PyTorch time / neuronet time: {ratios['PyTorch (hand-written loop)']:.2f} "
                  f"(above 1: neuronet is faster); neuronet time / plain NumPy time: "
                  f"{to_numpy:.2f} (medians over the rounds)")

if __name__ == "__main__":
    main()
