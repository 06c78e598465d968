"""Santa or not? Compare logistic regression, a deep dense network and a CNN on pictures.

    python examples/image_classifier.py PICTURES --image-size 64 --epochs 10

PICTURES holds one sub-folder per class (e.g. santa/ and not_santa/), or train/ and
validation/ folders that each hold the class sub-folders.
"""
import argparse
import time

from neuronet import backend
from neuronet.image_classification import build_model, data_iterators


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    rows = []
    for kind, title in (("logreg", "logistic regression"), ("mlp", "deep dense network"),
                        ("cnn", "convolutional network")):
        backend.set_random_seed(0)
        train, validation = data_iterators(args.directory, args.image_size, args.batch_size)
        model = build_model(kind, args.image_size, train.num_classes)
        print(f"\n== {title} ==")
        model.summary()
        start = time.perf_counter()
        history = model.fit(train, epochs=args.epochs, validation_data=validation, verbose=2)
        rows.append((title, model.count_params(), history.history["accuracy"][-1],
                     history.history["val_accuracy"][-1], time.perf_counter() - start))

    print(f"\n{'model':<24}{'params':>12}{'train acc':>11}{'val acc':>9}{'seconds':>9}")
    for title, params, train_acc, val_acc, seconds in rows:
        print(f"{title:<24}{params:>12,}{train_acc:>11.4f}{val_acc:>9.4f}{seconds:>9.1f}")


if __name__ == "__main__":
    main()
