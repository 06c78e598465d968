"""Seconds per epoch of `model.fit`: neuronet, PyTorch, plain NumPy, scikit-learn, and
Keras 3 (on JAX unless KERAS_BACKEND says otherwise) where installed.

    python benchmarks/fit.py [mlp] [small]

Workloads: an MLP 784-256-128-10 (SGD, batch 128, 60,000 samples) and a 20-16-1 network
(Adam, batch 32, 10,000 samples: per-step overhead). Also `import neuronet` time and the
first epoch against later ones: neuronet's in fresh processes of its own, Keras' in turns
with the peers (Keras compiles its training step in its first). The peers take turns, one
epoch each per round, so that the slow spells of a shared machine fall on all of them
alike; medians of the rounds after the first, all in the same run, and for the ratios the
median over the rounds of each peer's time divided by neuronet's in the same round.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import functools
import os
import statistics
import subprocess
import sys

import numpy as np


def data(n, features, classes, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    y = rng.integers(0, classes, n) if classes > 1 else (x[:, 0] > 0).astype(np.float32)
    return x, y


WORKLOADS = {      # rounds: epochs of each peer, the first left out (more of the quick ones)
    "mlp": dict(sizes=(784, 256, 128, 10), n=60000, batch=128, optimizer="sgd", lr=0.01,
                rounds=8),
    "small": dict(sizes=(20, 16, 1), n=10000, batch=32, optimizer="adam", lr=0.001,
                  rounds=16),
}


def epoch_keras(keras, w):
    """One epoch of `fit` of the model in Keras code, run by `keras` (neuronet or Keras 3)."""
    x, y = data(w["n"], w["sizes"][0], w["sizes"][-1])
    layers = [keras.Input((w["sizes"][0],))]
    layers += [keras.layers.Dense(units, activation="relu") for units in w["sizes"][1:-1]]
    last = w["sizes"][-1]
    layers.append(keras.layers.Dense(last, activation="sigmoid" if last == 1 else "softmax"))
    model = keras.Sequential(layers)
    optimizer = (keras.optimizers.SGD(w["lr"]) if w["optimizer"] == "sgd"
                 else keras.optimizers.Adam(w["lr"]))
    model.compile(optimizer=optimizer, loss="binary_crossentropy" if last == 1 else
                  "sparse_categorical_crossentropy")
    return lambda: model.fit(x, y, batch_size=w["batch"], epochs=1, verbose=0)


def epoch_torch(w):
    import torch
    x, y = data(w["n"], w["sizes"][0], w["sizes"][-1])
    modules = []
    for n_in, n_out in zip(w["sizes"][:-2], w["sizes"][1:-1]):
        modules += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    modules.append(torch.nn.Linear(w["sizes"][-2], w["sizes"][-1]))
    binary = w["sizes"][-1] == 1
    if binary:
        modules.append(torch.nn.Flatten(0))            # one logit per sample: (n, 1) -> (n,)
    model = torch.nn.Sequential(*modules)
    optimizer = (torch.optim.SGD(model.parameters(), lr=w["lr"]) if w["optimizer"] == "sgd"
                 else torch.optim.Adam(model.parameters(), lr=w["lr"]))
    loss_fn = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)
    return lambda: common.torch_train_epoch(model, optimizer, loss_fn, xt, yt, w["batch"])


def epoch_numpy(w):
    """The same training written by hand in NumPy: the floor for a NumPy framework."""
    x, y = data(w["n"], w["sizes"][0], w["sizes"][-1])
    rng = np.random.default_rng(1)
    sizes, batch, lr = w["sizes"], w["batch"], w["lr"]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [(rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32),
                   np.zeros(n_out, np.float32)]
    adam = w["optimizer"] == "adam"
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    binary = sizes[-1] == 1
    step = 0

    def epoch():
        nonlocal step
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch):
            index = order[i:i + batch]
            xb, yb = x[index], y[index]
            acts = [xb]
            for k in range(0, len(params), 2):
                z = acts[-1] @ params[k] + params[k + 1]
                acts.append(np.maximum(z, 0) if k < len(params) - 2 else z)
            z = acts[-1]
            if binary:
                g = (1 / (1 + np.exp(-z[:, 0])) - yb)[:, None] / len(xb)
            else:
                p = np.exp(z - z.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                p[np.arange(len(xb)), yb] -= 1
                g = p / len(xb)
            grads = [None] * len(params)
            for k in range(len(params) - 2, -1, -2):
                grads[k], grads[k + 1] = acts[k // 2].T @ g, g.sum(axis=0)
                if k:
                    g = (g @ params[k].T) * (acts[k // 2] > 0)
            step += 1
            for p, gr, mm, vv in zip(params, grads, m, v):
                if adam:
                    mm += (1 - 0.9) * (gr - mm)
                    vv += (1 - 0.999) * (gr * gr - vv)
                    alpha = lr * np.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
                    p -= alpha * mm / (np.sqrt(vv) + 1e-7)
                else:
                    p -= lr * gr
    return epoch


def epoch_sklearn(w):
    from sklearn.neural_network import MLPClassifier
    x, y = data(w["n"], w["sizes"][0], w["sizes"][-1])
    model = MLPClassifier(hidden_layer_sizes=w["sizes"][1:-1], batch_size=w["batch"],
                          learning_rate_init=w["lr"], solver=w["optimizer"])
    classes = np.unique(y)
    return lambda: model.partial_fit(x, y, classes=classes)


def import_time():
    """Median seconds of `import neuronet` in fresh processes, from compiled bytecode as an
    installed package imports (a first, untimed run writes it where PYTHONDONTWRITEBYTECODE
    had kept Python from doing so)."""
    code = "import time; t = time.perf_counter(); import neuronet; print(time.perf_counter() - t)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, env=env).stdout) for _ in range(6)]
    return statistics.median(runs[1:])


FIRST_EPOCH_ROUNDS = 4
FIRST_EPOCH_PROCESSES = 5


def first_epoch_alone(name):
    """(first, later, ratio) for neuronet's `fit` of workload `name`, each in a fresh process
    that loads no other framework, FIRST_EPOCH_PROCESSES of them: the median first epoch,
    the median of the later ones, and the median over the processes of the first epoch
    divided by the median of that process's later ones (the machine's slow spells, which
    last several epochs, cancel out of it). In turns with the peers, neuronet's first epoch
    runs right after every peer's data and model are built, and came out slower there in
    most runs, though not in a process of its own."""
    firsts, laters, ratios = [], [], []
    for _ in range(FIRST_EPOCH_PROCESSES):
        out = subprocess.run([sys.executable, __file__, "--first-epoch", name],
                             capture_output=True, text=True, check=True).stdout
        first, *later = (float(t) for t in out.split())
        firsts.append(first)
        laters += later
        ratios.append(first / statistics.median(later))
    return statistics.median(firsts), statistics.median(laters), statistics.median(ratios)


def _time_first_epochs(name):
    """The run that `first_epoch_alone` starts: prints the seconds of each epoch."""
    import time
    import neuronet
    epoch = epoch_keras(neuronet, WORKLOADS[name])
    for _ in range(FIRST_EPOCH_ROUNDS):
        time.sleep(common.PAUSE)
        start = time.perf_counter()
        epoch()
        print(time.perf_counter() - start)


def main():
    if sys.argv[1:2] == ["--first-epoch"]:
        _time_first_epochs(sys.argv[2])
        return
    print(f"BLAS: {common.blas_report()}")
    print(f"import neuronet: {import_time():.3f} s (median of 5 fresh processes)")
    chosen = sys.argv[1:] or list(WORKLOADS)
    for name in chosen:       # while this process has loaded no peer: loaded, they slowed it
        first, later, ratio = first_epoch_alone(name)
        print(f"{name}: {common.NEURONET} first epoch {first:.3f} s, later epochs {later:.3f} s, "
              f"first / later {ratio:.2f} (medians over {FIRST_EPOCH_PROCESSES} fresh processes "
              "with neuronet alone)")
    import neuronet
    frameworks = common.peer_frameworks()
    peers = {common.NEURONET: functools.partial(epoch_keras, neuronet),
             "plain NumPy (hand-written)": epoch_numpy}
    if common.TORCH in frameworks:
        peers[common.TORCH] = epoch_torch
    if common.KERAS in frameworks:
        peers[common.KERAS] = functools.partial(epoch_keras, frameworks[common.KERAS])
    for name, w in ((n, WORKLOADS[n]) for n in chosen):
        print()
        epochs = {}
        for peer, make in list(peers.items()) + ([("scikit-learn MLP", epoch_sklearn)]
                                                  if name == "small" else []):
            try:
                epochs[peer] = make(w)
            except ImportError as error:
                print(f"{peer} cannot be imported ({error}): skipped")
        rounds = w["rounds"]
        times = common.interleaved_times(epochs, rounds)
        for peer in (common.NEURONET, common.KERAS):
            if peer in times:
                print(f"{name}: {peer} first epoch {times[peer][0]:.3f} s, later epochs "
                      f"(median) {statistics.median(times[peer][1:]):.3f} s (in turns with "
                      "the peers)")
        later = {peer: t[1:] for peer, t in times.items()}
        common.print_table(f"{name} {w['sizes']} batch {w['batch']}, {w['n']} samples, "
                           f"{w['optimizer']}: seconds per epoch (median of {rounds - 1}, "
                           "after the first)", later, common.NEURONET)
        common.print_quotients(later, common.NEURONET)


if __name__ == "__main__":
    main()
