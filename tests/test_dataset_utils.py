"""dataset_utils: indexing, shuffling, splitting and batching shared by the *_dataset_from_directory."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.preprocessing import dataset_utils as du
from neuronet.preprocessing.image import ImageDataset
from neuronet.preprocessing.text_dataset import TextDataset


@pytest.fixture
def folder(tmp_path):
    """a/: 3 files (one nested), b/: 2 files, plus files that are skipped."""
    for name in ["a/1.txt", "a/2.TXT", "a/sub/3.txt", "b/4.txt", "b/5.txt", "b/skip.md",
                 ".hidden/6.txt", "root.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    return tmp_path


def names(paths, root):
    return [str(p)[len(str(root)) + 1:] for p in paths]


def test_index_directory_inferred_labels_and_keras_shuffle(folder, capsys):
    paths, labels, classes = du.index_directory(folder, "inferred", (".txt",), shuffle=False,
                                                caller="f", kind="text")
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
    assert names(paths, folder) == ["a/1.txt", "a/2.TXT", "a/sub/3.txt", "b/4.txt", "b/5.txt"]
    assert labels.dtype == np.int32 and labels.tolist() == [0, 0, 0, 1, 1]
    assert classes == ["a", "b"]
    shuffled, shuffled_labels, _ = du.index_directory(folder, "inferred", (".txt",), seed=5,
                                                      verbose=False, caller="f", kind="text")
    expected = list(zip(paths, labels.tolist()))
    np.random.RandomState(5).shuffle(expected)               # the permutation Keras draws
    assert list(zip(shuffled, shuffled_labels.tolist())) == expected


def test_index_directory_given_labels_and_errors(folder):
    paths, labels, classes = du.index_directory(folder, [2, 0, 2, 2, 0, 0, 2], (".txt",),
                                                shuffle=False, verbose=False, caller="f",
                                                kind="text")
    assert names(paths, folder)[:3] == ["root.txt", ".hidden/6.txt", "a/1.txt"]  # walk order
    assert len(paths) == 7
    assert classes == ["0", "2"] and labels.tolist() == [2, 0, 2, 2, 0, 0, 2]
    with pytest.raises(ValueError, match="f: labels must match the number of files, one label "
                                         "per text file: received 2 labels for 7 files"):
        du.index_directory(folder, [0, 1], (".txt",), verbose=False, caller="f", kind="text")
    with pytest.raises(ValueError, match="list of ints, received an array of shape .* float64"):
        du.index_directory(folder, [0.5] * 7, (".txt",), verbose=False, caller="f", kind="text")
    with pytest.raises(ValueError, match=r"class_names did not match .* classes \['c'\] have no"):
        du.index_directory(folder, "inferred", (".txt",), ["a", "c"], caller="f", kind="text")
    with pytest.raises(FileNotFoundError, match="f: the folder .*nope' does not exist"):
        du.index_directory(folder / "nope", None, (".txt",), caller="f", kind="text")


def test_encode_labels_and_the_validation_split():
    labels = np.array([0, 1, 1], np.int32)
    assert du.encode_labels(labels, "int", ["x", "y"], "f") is labels
    np.testing.assert_array_equal(du.encode_labels(labels, "categorical", ["x", "y"], "f"),
                                  [[1, 0], [0, 1], [0, 1]])
    binary = du.encode_labels(labels, "binary", ["x", "y"], "f")
    assert binary.dtype == np.float32 and binary.tolist() == [[0], [1], [1]]
    with pytest.raises(ValueError, match=r"label_mode='categorical' needs labels in \[0, 0\]"):
        du.encode_labels(labels, "categorical", ["x"], "f")
    with pytest.raises(ValueError, match="label_mode='binary' needs exactly 2 classes, found 3"):
        du.encode_labels(labels, "binary", ["x", "y", "z"], "f")
    samples = list("abcdefghij")
    train, _ = du.get_training_or_validation_split(samples, None, 0.25, "training", False)
    val, val_labels = du.get_training_or_validation_split(samples, np.arange(10), 0.25,
                                                          "validation", False)
    assert train == samples[:8] and val == ["i", "j"] and val_labels.tolist() == [8, 9]


@pytest.mark.parametrize("kwargs, message", [
    ({"validation_split": 0.2}, "subset and validation_split must be given together"),
    ({"validation_split": 0.2, "subset": "training"}, "pass a seed"),
    ({"validation_split": 1.0, "subset": "training", "seed": 1}, "between 0 and 1"),
    ({"subset": "test"}, "invalid subset='test'"),
    ({"seed": -1}, r"seed must be None or an int in \[0, 2\*\*32\)"),
    ({"batch_size": 0}, "batch_size must be None or an int >= 1, received batch_size=0"),
    ({"labels": "folders"}, "labels must be 'inferred', None or a list of ints"),
    ({"labels": [0, 1], "class_names": ["a"]}, "class_names can only be given with labels="),
    ({"label_mode": None, "class_names": ["a"]}, "class_names cannot be given without labels"),
    ({"label_mode": "sparse"}, "invalid label_mode='sparse'"),
])
def test_check_dataset_args_errors(kwargs, message):
    args = dict(labels="inferred", label_mode="int", class_names=None, batch_size=32,
                shuffle=True, seed=None, validation_split=None, subset=None)
    with pytest.raises(ValueError, match=message):
        du.check_dataset_args(**{**args, **kwargs}, caller="f")


def test_check_dataset_args_draws_a_seed_only_to_shuffle():
    args = dict(labels="inferred", label_mode=None, class_names=None, batch_size=None,
                seed=None, validation_split=None, subset=None, caller="f")
    labels, label_mode, seed = du.check_dataset_args(shuffle=True, **args)
    assert labels is None and label_mode is None and isinstance(seed, int)
    assert du.check_dataset_args(shuffle=False, **args)[2] is None


def passes(dataset, count=3):
    return [[int(i) for batch in dataset for i in (batch[0] if isinstance(batch, tuple) else
                                                  batch)] for _ in range(count)]


def test_file_dataset_batches_labels_and_single_samples():
    load = np.array                                       # a "file" is its own index here
    labels = np.arange(10, 15)
    dataset = ImageDataset(list(range(5)), labels, ["a"], 2, False, None, load)
    assert len(dataset) == 3 and dataset[-1][0].tolist() == [4]
    x, y = dataset[1]
    assert x.tolist() == [2, 3] and y.tolist() == [12, 13]
    single = TextDataset(list(range(5)), None, None, None, False, None, load)
    assert len(single) == 5 and single[3] == 3
    assert repr(dataset) == "<ImageDataset: 5 files, 3 batches of 2, 1 classes>"
    with pytest.raises(IndexError, match="TextDataset: batch index 5 is out of range for 5"):
        single[5]


def test_image_dataset_orders_each_pass_from_seed_and_pass_number():
    dataset = ImageDataset(list(range(7)), np.arange(7), None, 3, True, 42, np.array)
    assert passes(dataset) == [np.random.default_rng([42, e]).permutation(7).tolist()
                               for e in range(3)]
    x, y = dataset[0]
    np.testing.assert_array_equal(x, y)                  # labels follow their files


def test_text_dataset_keeps_the_file_order_first_then_draws_from_one_stream():
    dataset = TextDataset(list(range(7)), None, None, 3, True, 42, np.array)
    stream = np.random.default_rng((42, 1))
    assert passes(dataset) == [list(range(7)), stream.permutation(7).tolist(),
                               stream.permutation(7).tolist()]
    assert passes(TextDataset(list(range(7)), None, None, 3, False, 42, np.array), 2) == \
        [list(range(7))] * 2


@pytest.mark.parametrize("labels, num_classes", [
    ([0, 2, 1], None), ([[1], [0]], 3), (np.array([[0, 1], [2, 0]]), None), (["0", "2"], None),
    (np.array([1.0, 0.0]), 2)])
def test_to_categorical_gives_keras_one_hot_rows(real_keras, labels, num_classes):
    ours = keras.utils.to_categorical(labels, num_classes)
    theirs = np.asarray(real_keras.utils.to_categorical(labels, num_classes))
    assert ours.dtype == np.float32                          # floatx (Keras 3: float64)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("labels, message", [
    ([0.5, 1], "integer class labels"), ([-1, 0], "labels must be >= 0"),
    (["a", "b"], r"integer class labels, received values such as \['a', 'b'\]")])
def test_to_categorical_refuses_what_is_not_a_class_label(labels, message):
    with pytest.raises(ValueError, match=message):
        keras.utils.to_categorical(labels)
