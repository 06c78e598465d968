"""One epoch of a text classifier, Embedding 64 -> LSTM 64 -> Dense 1 (sigmoid), Adam:
neuronet's `model.fit` against a hand-written PyTorch loop, in the same run.

    python benchmarks/lstm.py [epochs]

Data: 5,000 random sequences of length 100 over a 10,000-word vocabulary, batch 64.
Prints the median seconds per epoch of each framework and their ratio.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import statistics
import sys
import time

import numpy as np

SAMPLES, LENGTH, VOCABULARY, WIDTH, BATCH = 5000, 100, 10000, 64, 64


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, VOCABULARY, (SAMPLES, LENGTH)).astype(np.int32)
    y = (x[:, -10:] < VOCABULARY // 2).mean(axis=1).round().astype(np.float32)
    return x, y


def epoch_times_neuronet(epochs):
    import neuronet as nn
    x, y = data()
    model = nn.Sequential([nn.Input((LENGTH,), dtype="int32"),
                           nn.layers.Embedding(VOCABULARY, WIDTH),
                           nn.layers.LSTM(WIDTH),
                           nn.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=nn.optimizers.Adam(1e-3), loss="binary_crossentropy")
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    return times


def epoch_times_torch(epochs):
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(VOCABULARY, WIDTH)
            self.lstm = torch.nn.LSTM(WIDTH, WIDTH, batch_first=True)
            self.dense = torch.nn.Linear(WIDTH, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.embedding(ids))
            return self.dense(h[-1]).squeeze(1)

    x, y = data()
    xt, yt = torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y)
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(SAMPLES)
        for i in range(0, SAMPLES, BATCH):
            index = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[index]), yt[index])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"BLAS: {common.blas_report()}")
    results = {"neuronet (model.fit)": statistics.median(epoch_times_neuronet(epochs))}
    try:
        import torch
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
        results["PyTorch (hand-written loop)"] = statistics.median(epoch_times_torch(epochs))
    except ImportError:
        print("PyTorch not installed: its column is skipped")
    common.print_table(f"Embedding {WIDTH} -> LSTM {WIDTH} -> Dense 1, {SAMPLES} sequences of "
                       f"length {LENGTH}, batch {BATCH}: seconds per epoch (median of {epochs})",
                       {name: seconds for name, seconds in results.items()},
                       "neuronet (model.fit)")
    if len(results) == 2:
        ratio = results["neuronet (model.fit)"] / results["PyTorch (hand-written loop)"]
        print(f"  neuronet time / PyTorch time: {ratio:.2f} (below 1: neuronet is faster)")


if __name__ == "__main__":
    main()
