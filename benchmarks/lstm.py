"""One epoch of a text classifier, Embedding 64 -> LSTM 64 -> Dense 1 (sigmoid), Adam:
neuronet's `model.fit` against a hand-written PyTorch loop, Keras 3's `model.fit` (on JAX
unless KERAS_BACKEND says otherwise), where installed, and the same training written
directly in plain NumPy, in the same run.

    python benchmarks/lstm.py [epochs]

Data: 5,000 random sequences of length 100 over a 10,000-word vocabulary, batch 64.
Prints the median seconds per epoch of each framework and their ratios (Keras' first,
compiling epoch is timed apart).
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import sys

import numpy as np

SAMPLES, LENGTH, VOCABULARY, WIDTH, BATCH = 5000, 100, 10000, 64, 64


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, VOCABULARY, (SAMPLES, LENGTH)).astype(np.int32)
    y = (x[:, -10:] < VOCABULARY // 2).mean(axis=1).round().astype(np.float32)
    return x, y


def keras_trainer(keras):
    """The model in Keras code, compiled by `keras` (neuronet or Keras 3); returns a
    function that trains it for one epoch."""
    x, y = data()
    model = keras.Sequential([keras.Input((LENGTH,), dtype="int32"),
                              keras.layers.Embedding(VOCABULARY, WIDTH),
                              keras.layers.LSTM(WIDTH),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def torch_trainer(torch):
    """The same model in PyTorch; returns a function that trains it for one epoch."""

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
    return lambda: common.torch_train_epoch(model, optimizer, loss_fn, xt, yt, BATCH)


def numpy_trainer(np_):
    """The same training written directly in NumPy, as a careful hand-written loop would
    be (batch-major gates, one exp for all four gates of a step, the gate slopes of all
    steps at once, np.add.at for the embedding's gradient): what the math costs without a
    framework. Returns one epoch."""
    x, y = data()
    rng = np_.random.default_rng(1)
    n = WIDTH
    limit = np_.sqrt(6 / (WIDTH + 4 * n))
    params = {"embeddings": rng.uniform(-0.05, 0.05, (VOCABULARY, WIDTH)),
              "kernel": rng.uniform(-limit, limit, (WIDTH, 4 * n)),
              "recurrent": rng.standard_normal((n, 4 * n)) * 0.1,
              "bias": np_.r_[np_.zeros(n), np_.ones(n), np_.zeros(2 * n)],
              "dense": rng.uniform(-0.3, 0.3, (n, 1)), "dense_bias": np_.zeros(1)}
    params = {k: v.astype(np_.float32) for k, v in params.items()}
    moments = {k: (np_.zeros_like(v), np_.zeros_like(v)) for k, v in params.items()}
    # sigmoid(a) = 1 / (1 + e^(-a)) for i, f, o; tanh(a) = 2 sigmoid(2a) - 1 for g
    scale = np_.repeat(np_.float32([-1, -1, -2, -1]), n)
    step = 0

    def train_batch(ids, labels):
        nonlocal step
        batch, time = ids.shape
        p = params
        inputs = p["embeddings"][ids.T].reshape(time * batch, WIDTH)   # time-major rows
        gates = ((inputs @ (p["kernel"] * scale)) + p["bias"] * scale).reshape(time, batch, 4 * n)
        u = p["recurrent"] * scale
        h = np_.zeros((time + 1, batch, n), np_.float32)
        c = np_.zeros((time + 1, batch, n), np_.float32)
        tanh_c = np_.empty((time, batch, n), np_.float32)
        with np_.errstate(over="ignore"):
            for t in range(time):
                z = gates[t]
                z += h[t] @ u
                np_.exp(z, out=z)
                z += 1
                np_.reciprocal(z, out=z)                   # i, f, sigmoid(2 a_g), o
                g = z[:, 2 * n:3 * n]
                g *= 2
                g -= 1
                np_.multiply(z[:, n:2 * n], c[t], out=c[t + 1])
                c[t + 1] += z[:, :n] * g
                np_.tanh(c[t + 1], out=tanh_c[t])
                np_.multiply(z[:, 3 * n:], tanh_c[t], out=h[t + 1])
        logits = h[-1] @ p["dense"] + p["dense_bias"]       # (batch, 1)
        d_logits = (1 / (1 + np_.exp(-logits)) - labels[:, None]) / batch
        grads = {"dense": h[-1].T @ d_logits, "dense_bias": d_logits.sum(0)}
        # d pre-activation / d (c_t for i, f, g; h_t for o), every step at once
        i, f, g, o = (gates[..., k * n:(k + 1) * n] for k in range(4))
        slopes = gates * (1 - gates)
        slopes[..., 2 * n:3 * n] = 1 - g * g
        slopes[..., :n] *= g
        slopes[..., n:2 * n] *= c[:-1]
        slopes[..., 2 * n:3 * n] *= i
        slopes[..., 3 * n:] *= tanh_c
        dc_dh = o * (1 - tanh_c * tanh_c)
        d_pre = np_.empty_like(gates)
        dh = d_logits @ p["dense"].T
        dc = np_.zeros_like(dh)
        u_t = np_.ascontiguousarray(p["recurrent"].T)
        for t in reversed(range(time)):
            dc += dh * dc_dh[t]
            d = d_pre[t].reshape(batch, 4, n)
            np_.multiply(slopes[t].reshape(batch, 4, n)[:, :3], dc[:, None], out=d[:, :3])
            np_.multiply(slopes[t, :, 3 * n:], dh, out=d[:, 3])
            dh = d_pre[t] @ u_t
            dc *= f[t]
        d_stacked = d_pre.reshape(time * batch, 4 * n)
        grads["recurrent"] = h[:-1].reshape(time * batch, n).T @ d_stacked
        grads["kernel"] = inputs.T @ d_stacked
        grads["bias"] = d_stacked.sum(0)
        grads["embeddings"] = np_.zeros_like(p["embeddings"])
        np_.add.at(grads["embeddings"], ids.T.ravel(), d_stacked @ p["kernel"].T)
        step += 1
        alpha = 1e-3 * np_.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
        for k, grad in grads.items():
            m, v = moments[k]
            m += 0.1 * (grad - m)
            v += 0.001 * (grad * grad - v)
            p[k] -= alpha * m / (np_.sqrt(v) + 1e-7)

    def epoch():
        order = rng.permutation(len(x))
        for start in range(0, len(x), BATCH):
            index = order[start:start + BATCH]
            train_batch(x[index], y[index])
    return epoch


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    common.compare_fit(f"Embedding {WIDTH} -> LSTM {WIDTH} -> Dense 1, {SAMPLES} sequences of "
                       f"length {LENGTH}, batch {BATCH}: seconds per epoch (median of {epochs})",
                       {common.NEURONET: keras_trainer, common.TORCH: torch_trainer,
                        common.KERAS: keras_trainer, common.NUMPY: numpy_trainer}, epochs)


if __name__ == "__main__":
    main()
