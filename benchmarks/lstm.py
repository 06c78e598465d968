"""One epoch of a text classifier, Embedding 64 -> LSTM 64 -> Dense 1 (sigmoid), Adam:
neuronet's `model.fit` against a hand-written PyTorch loop and Keras 3's `model.fit` (on
JAX unless KERAS_BACKEND says otherwise), where installed, in the same run.

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


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    common.compare_fit(f"Embedding {WIDTH} -> LSTM {WIDTH} -> Dense 1, {SAMPLES} sequences of "
                       f"length {LENGTH}, batch {BATCH}: seconds per epoch (median of {epochs})",
                       {common.NEURONET: keras_trainer, common.TORCH: torch_trainer,
                        common.KERAS: keras_trainer}, epochs)


if __name__ == "__main__":
    main()
