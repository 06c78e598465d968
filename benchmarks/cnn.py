"""Seconds per epoch of a small CNN: neuronet `model.fit` against a PyTorch training loop
and Keras 3's `model.fit` (on JAX unless KERAS_BACKEND says otherwise), where installed.

    python benchmarks/cnn.py [epochs]

10,000 random 28x28x1 images, 10 classes: Conv2D 32 3x3 relu -> MaxPooling 2 ->
Conv2D 64 3x3 relu -> MaxPooling 2 -> Flatten -> Dense 128 relu -> Dense 10 softmax,
Adam, batch 64. Prints the median over the epochs (5 by default) of each, measured in
the same run, and their ratios (Keras' first, compiling epoch is timed apart). On a
machine shared with other jobs, multi-threaded BLAS timings swing widely;
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 compares the libraries on one thread, which
stays stable.
"""
import common  # noqa: F401  (must come first: fixes the BLAS environment)

import sys

import numpy as np

SAMPLES, BATCH, LR = 10000, 64, 1e-3


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((SAMPLES, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, SAMPLES)
    return x, y


def keras_trainer(keras):
    """The model in Keras code, compiled by `keras` (neuronet or Keras 3); returns a
    function that trains it for one epoch."""
    layers = keras.layers
    keras.utils.set_random_seed(0)
    x, y = data()
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(LR), loss="sparse_categorical_crossentropy")
    return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def torch_trainer(torch):
    """The same model in PyTorch; returns a function that trains it for one epoch."""
    torch.manual_seed(0)
    x, y = data()
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()                    # softmax + cross-entropy, fused
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()   # PyTorch wants NCHW
    yt = torch.from_numpy(y)
    return lambda: common.torch_train_epoch(model, optimizer, loss_fn, xt, yt, BATCH)


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    common.compare_fit(f"CNN on {SAMPLES} images 28x28x1, batch {BATCH}, Adam: seconds per "
                       f"epoch (median of {epochs})",
                       {common.NEURONET: keras_trainer, common.TORCH: torch_trainer,
                        common.KERAS: keras_trainer}, epochs)


if __name__ == "__main__":
    main()
