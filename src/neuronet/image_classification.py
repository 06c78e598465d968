"""Train and use image classifiers on a folder of pictures, one sub-folder per class.

The work behind `neuronet train` and `neuronet predict`, and the example comparing
logistic regression, a deep dense network and a CNN on the same pictures.
"""
import json
import os
import time

import numpy as np

from . import backend
from .layers import Conv2D, Dense, Flatten, Input, MaxPooling2D, Rescaling
from .models import Sequential
from .preprocessing.image import ImageDataGenerator, img_to_array, load_img

MODEL_KINDS = ("logreg", "mlp", "cnn")
_VALIDATION_FOLDERS = ("validation", "valid", "val", "test")


def build_model(kind, image_size, num_classes, channels=3):
    """A classifier of `image_size` x `image_size` pictures: 'logreg', 'mlp' or 'cnn'.

    Pixels go in as 0..255; the model rescales them to 0..1 itself.
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"build_model: expected kind in {MODEL_KINDS}, received {kind!r}")
    layers = [Input((image_size, image_size, channels)), Rescaling(1.0 / 255)]
    if kind == "cnn":
        layers += [Conv2D(16, 3, padding="same", activation="relu"), MaxPooling2D(),
                   Conv2D(32, 3, padding="same", activation="relu"), MaxPooling2D(),
                   Conv2D(64, 3, padding="same", activation="relu"), MaxPooling2D()]
    layers.append(Flatten())
    if kind == "mlp":
        layers += [Dense(128, activation="relu"), Dense(64, activation="relu")]
    if kind == "cnn":
        layers.append(Dense(64, activation="relu"))
    layers.append(Dense(num_classes, activation="softmax"))
    model = Sequential(layers, name=kind)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def data_iterators(directory, image_size, batch_size=32, validation_split=0.2, seed=0):
    """(train, validation) iterators: a sibling validation folder if there is one
    (`directory/train` + `directory/validation`), else a split of `directory`."""
    size = (image_size, image_size)
    train_dir = os.path.join(directory, "train")
    sibling = next((os.path.join(directory, name) for name in _VALIDATION_FOLDERS
                    if os.path.isdir(os.path.join(directory, name))), None)
    if os.path.isdir(train_dir) and sibling is not None:
        generator = ImageDataGenerator()
        return (generator.flow_from_directory(train_dir, size, batch_size=batch_size, seed=seed),
                generator.flow_from_directory(sibling, size, batch_size=batch_size, shuffle=False))
    generator = ImageDataGenerator(validation_split=validation_split)
    return (generator.flow_from_directory(directory, size, batch_size=batch_size, seed=seed,
                                          subset="training"),
            generator.flow_from_directory(directory, size, batch_size=batch_size, shuffle=False,
                                          subset="validation"))


def confusion_matrix(labels, predictions, num_classes):
    """counts[i, j]: pictures of class i predicted as class j."""
    pairs = np.asarray(labels) * num_classes + np.asarray(predictions)
    return np.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def report(model, iterator, class_names, print_fn=print):
    """Print per-class precision and recall and the confusion matrix; return accuracy."""
    iterator.reset()
    probabilities = model.predict(iterator, verbose=0)
    predicted = probabilities.argmax(axis=1)
    labels = iterator.classes[:len(predicted)]
    counts = confusion_matrix(labels, predicted, len(class_names))
    width = max(len(name) for name in class_names) + 2
    print_fn(f"{'class':<{width}}{'precision':>10}{'recall':>8}{'pictures':>10}")
    for index, name in enumerate(class_names):
        predicted_as = counts[:, index].sum()
        actual = counts[index].sum()
        precision = counts[index, index] / predicted_as if predicted_as else 0.0
        recall = counts[index, index] / actual if actual else 0.0
        print_fn(f"{name:<{width}}{precision:>10.3f}{recall:>8.3f}{actual:>10d}")
    print_fn("\nconfusion matrix (rows: true class, columns: predicted class)")
    print_fn(" " * width + "".join(f"{name[:8]:>9}" for name in class_names))
    for index, name in enumerate(class_names):
        print_fn(f"{name:<{width}}" + "".join(f"{c:>9d}" for c in counts[index]))
    return float(np.trace(counts) / max(counts.sum(), 1))


def train(directory, image_size=64, kind="cnn", epochs=10, batch_size=32, out=None, seed=0,
          verbose=1, print_fn=print):
    """Train a `kind` model on the pictures in `directory`, print a report, save to `out`."""
    backend.set_random_seed(seed)
    train_iterator, validation_iterator = data_iterators(directory, image_size, batch_size, seed=seed)
    class_names = sorted(train_iterator.class_indices, key=train_iterator.class_indices.get)
    print_fn(f"{train_iterator.samples} training and {validation_iterator.samples} validation "
             f"pictures, classes: {', '.join(class_names)}")
    model = build_model(kind, image_size, len(class_names))
    start = time.perf_counter()
    history = model.fit(train_iterator, epochs=epochs, validation_data=validation_iterator,
                        verbose=verbose)
    seconds = time.perf_counter() - start
    print_fn(f"\n{kind}: {model.count_params():,} parameters, {seconds:.1f} s")
    print_fn(f"train accuracy {history.history['accuracy'][-1]:.4f}, validation accuracy "
             f"{history.history['val_accuracy'][-1]:.4f}\n")
    report(model, validation_iterator, class_names, print_fn)
    if out:
        model.save(out)
        with open(_classes_path(out), "w", encoding="utf-8") as file:
            json.dump({"class_names": class_names, "image_size": image_size}, file)
        print_fn(f"\nmodel saved to {out}")
    return model, history


def _classes_path(model_path):
    return model_path + ".classes.json"


def predict(model_path, image_paths, print_fn=print):
    """Print the predicted class and its probability for each picture."""
    from .saving import load_model
    model = load_model(model_path)
    try:
        with open(_classes_path(model_path), encoding="utf-8") as file:
            meta = json.load(file)
    except FileNotFoundError:
        raise FileNotFoundError(f"predict: {_classes_path(model_path)} is missing; it holds the "
                                f"class names that `neuronet train --out` writes beside the model")
    size = (meta["image_size"], meta["image_size"])
    images = np.stack([img_to_array(load_img(path, target_size=size)) for path in image_paths])
    probabilities = model.predict(images, verbose=0)
    results = []
    for path, row in zip(image_paths, probabilities):
        best = int(row.argmax())
        results.append((path, meta["class_names"][best], float(row[best])))
        print_fn(f"{path}: {meta['class_names'][best]} ({row[best]:.3f})")
    return results
