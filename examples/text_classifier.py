"""Classify texts two ways: a bag-of-words dense network and an Embedding + LSTM network.

    python examples/text_classifier.py reviews.csv --text-column text --label-column label
    python examples/text_classifier.py reviews/          # one sub-folder of .txt files per class

Prints the test accuracy of each model side by side.
"""
import argparse
import csv
import os

import numpy as np

from neuronet import Input, Sequential, backend
from neuronet.layers import LSTM, Dense, Dropout, Embedding
from neuronet.preprocessing.sequence import pad_sequences
from neuronet.preprocessing.text import Tokenizer
from neuronet.preprocessing.text_dataset import text_dataset_from_directory


def read_texts(source, text_column="text", label_column="label"):
    """(texts, integer labels, class names) from a CSV file or a folder of class folders."""
    if os.path.isdir(source):
        dataset = text_dataset_from_directory(source, batch_size=None, shuffle=False)
        texts, labels = zip(*((str(t), int(l)) for t, l in dataset))
        return list(texts), np.array(labels), list(dataset.class_names)
    with open(source, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    missing = {text_column, label_column} - set(rows[0] if rows else ())
    if missing:
        raise ValueError(f"{source}: missing column(s) {sorted(missing)}; "
                         f"found {sorted(rows[0]) if rows else 'no rows'}")
    class_names = sorted({row[label_column] for row in rows})
    labels = np.array([class_names.index(row[label_column]) for row in rows])
    return [row[text_column] for row in rows], labels, class_names


def bag_of_words_model(num_words, num_classes):
    model = Sequential([Input((num_words,)), Dense(64, activation="relu"), Dropout(0.3),
                        Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def lstm_model(num_words, num_classes, length):
    model = Sequential([Input((length,), dtype="int32"),
                        Embedding(num_words, 32, mask_zero=True), LSTM(32),
                        Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a CSV file or a folder with one sub-folder per class")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--num-words", type=int, default=5000)
    parser.add_argument("--length", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    backend.set_random_seed(0)
    texts, labels, class_names = read_texts(args.source, args.text_column, args.label_column)
    order = backend.rng().permutation(len(texts))
    cut = int(0.8 * len(texts))
    train, test = order[:cut], order[cut:]
    tokenizer = Tokenizer(num_words=args.num_words, oov_token="<unk>")
    tokenizer.fit_on_texts([texts[i] for i in train])
    print(f"{len(texts)} texts, classes {class_names}, vocabulary {len(tokenizer.word_index)} words")

    matrix = tokenizer.texts_to_matrix(texts, mode="tfidf").astype("float32")
    sequences = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=args.length)
    results = {}
    for name, model, x in (
            ("bag of words + dense", bag_of_words_model(args.num_words, len(class_names)), matrix),
            ("embedding + LSTM", lstm_model(args.num_words, len(class_names), args.length), sequences)):
        model.fit(x[train], labels[train], epochs=args.epochs, batch_size=32, verbose=2,
                  validation_split=0.1)
        results[name] = model.evaluate(x[test], labels[test], verbose=0)[1]
    for name, accuracy in results.items():
        print(f"{name:<24} test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
