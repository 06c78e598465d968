"""The demo: compare networks of different depth and activation on the shipped digits."""
import time

from . import backend
from .datasets import digits
from .layers import Dense, Input
from .models import Sequential

VARIANTS = [
    ("logistic regression", [], None),
    ("shallow (1x64 relu)", [64], "relu"),
    ("deep (3x64 relu)", [64, 64, 64], "relu"),
    ("deep (3x64 sigmoid)", [64, 64, 64], "sigmoid"),
    ("deep (3x64 tanh)", [64, 64, 64], "tanh"),
    ("deep (3x64 elu)", [64, 64, 64], "elu"),
    ("deep (3x64 gelu)", [64, 64, 64], "gelu"),
]


def build(hidden, activation, num_inputs=64, num_classes=10):
    """A dense classifier: `hidden` layers of `activation`, then a softmax layer."""
    layers = [Input((num_inputs,))] + [Dense(units, activation=activation) for units in hidden]
    model = Sequential(layers + [Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run(epochs=40, seed=0, plot_path="neuronet-demo.png", print_fn=print):
    """Train every variant, print the comparison table, return its rows."""
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(len(x_train), -1).astype("float32") / 16.0
    x_test = x_test.reshape(len(x_test), -1).astype("float32") / 16.0
    print_fn(f"digits: {len(x_train)} training and {len(x_test)} test images of 8x8 pixels, "
             f"10 classes; {epochs} epochs of Adam, batch 32\n")
    rows, histories = [], {}
    for name, hidden, activation in VARIANTS:
        backend.set_random_seed(seed)
        model = build(hidden, activation)
        start = time.perf_counter()
        history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0,
                            validation_data=(x_test, y_test))
        seconds = time.perf_counter() - start
        train_acc = model.evaluate(x_train, y_train, verbose=0)[1]
        test_acc = model.evaluate(x_test, y_test, verbose=0)[1]
        rows.append((name, model.count_params(), train_acc, test_acc, seconds))
        histories[name] = history.history
    header = f"{'model':<22}{'params':>9}{'train acc':>11}{'test acc':>10}{'seconds':>9}"
    print_fn(header)
    print_fn("-" * len(header))
    for name, params, train_acc, test_acc, seconds in rows:
        print_fn(f"{name:<22}{params:>9,}{train_acc:>11.4f}{test_acc:>10.4f}{seconds:>9.2f}")
    if plot_path:
        _plot(histories, plot_path, print_fn)
    return rows


def _plot(histories, path, print_fn):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print_fn("\n(install matplotlib to get a plot of the learning curves)")
        return
    figure, (loss_axis, acc_axis) = plt.subplots(1, 2, figsize=(11, 4))
    for name, logs in histories.items():
        loss_axis.plot(logs["val_loss"], label=name)
        acc_axis.plot(logs["val_accuracy"], label=name)
    loss_axis.set(xlabel="epoch", ylabel="test loss", yscale="log")
    acc_axis.set(xlabel="epoch", ylabel="test accuracy", ylim=(0.8, 1.0))
    acc_axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    print_fn(f"\nlearning curves written to {path}")
