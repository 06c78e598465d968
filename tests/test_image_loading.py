"""Pictures from files and folders: load_img & co, the iterators, image_dataset_from_directory."""
import os
import sys

import numpy as np
import pytest

Image = pytest.importorskip("PIL.Image")

import neuronet as keras  # noqa: E402
from neuronet import backend  # noqa: E402
from neuronet.preprocessing.image import (DirectoryIterator, NumpyArrayIterator,  # noqa: E402
                                          array_to_img, image_dataset_from_directory,
                                          img_to_array, load_img, save_img, smart_resize)


def colour(label, index):
    """The solid colour of picture `index` of class `label`: it identifies the file."""
    return (40 * label + 10, 10 * index + 5, 200 - label)


def make_folder(root, counts, size=(6, 5), extra_files=True):
    """root/<class>/<index>.png of solid colours; with extra_files, things to be skipped."""
    for label, (name, count) in enumerate(counts.items()):
        os.makedirs(root / name)
        for index in range(count):
            Image.new("RGB", size, colour(label, index)).save(root / name / f"{index:02d}.png")
    if extra_files:
        (root / list(counts)[0] / "notes.txt").write_text("not a picture")
        os.makedirs(root / ".ipynb_checkpoints")
    return root


def pixel_colours(batch_x):
    """The colour of each picture of a batch (top-left pixel), as tuples of ints."""
    return [tuple(int(round(v)) for v in x[0, 0]) for x in batch_x]


class FakeGenerator:
    """The part of ImageDataGenerator the iterators use: +1 then x2, seeds recorded."""

    def __init__(self, validation_split=0.0):
        self._validation_split = validation_split
        self.seeds = []

    def random_transform(self, x, seed=None):
        self.seeds.append(seed)
        return x + 1

    def standardize(self, x):
        return x * 2


# --- single pictures ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode, channels", [("rgb", 3), ("grayscale", 1), ("rgba", 4)])
def test_load_img_color_modes_give_channels(tmp_path, mode, channels):
    Image.new("RGB", (7, 4), (10, 20, 30)).save(tmp_path / "a.png")
    x = img_to_array(load_img(tmp_path / "a.png", color_mode=mode))
    assert x.shape == (4, 7, channels) and x.dtype == np.float32
    if mode == "rgb":
        np.testing.assert_array_equal(x[0, 0], [10, 20, 30])
    if mode == "rgba":
        np.testing.assert_array_equal(x[0, 0], [10, 20, 30, 255])


def test_load_img_target_size_is_height_width_and_keep_aspect_ratio_crops_the_centre(tmp_path):
    # 12 wide, 4 high: red | green | blue thirds; a square crop keeps the green middle.
    x = np.zeros((4, 12, 3), np.uint8)
    x[:, :4, 0] = x[:, 4:8, 1] = x[:, 8:, 2] = 255
    Image.fromarray(x).save(tmp_path / "stripes.png")
    resized = img_to_array(load_img(tmp_path / "stripes.png", target_size=(2, 6)))
    assert resized.shape == (2, 6, 3)
    cropped = img_to_array(load_img(tmp_path / "stripes.png", target_size=(2, 2),
                                    keep_aspect_ratio=True))
    np.testing.assert_array_equal(cropped, np.broadcast_to([0, 255, 0], (2, 2, 3)))


def test_load_img_reports_bad_arguments_and_undecodable_files(tmp_path):
    Image.new("RGB", (3, 3)).save(tmp_path / "ok.png")
    with pytest.raises(ValueError, match="interpolation='cubic'.*'bilinear'"):
        load_img(tmp_path / "ok.png", target_size=(2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="color_mode='rgbx'.*'grayscale'"):
        load_img(tmp_path / "ok.png", color_mode="rgbx")
    with pytest.raises(ValueError, match="target_size"):
        load_img(tmp_path / "ok.png", target_size=(0, 3))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 this is not a JPEG")
    with pytest.raises(OSError, match="broken.jpg"):
        load_img(tmp_path / "broken.jpg")


def test_pillow_missing_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install 'neuronet\[image\]'"):
        load_img(tmp_path / "any.png")


def test_array_to_img_and_img_to_array_round_trip():
    x = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3) * 10
    np.testing.assert_array_equal(img_to_array(array_to_img(x, scale=False)), x)
    scaled = img_to_array(array_to_img(x))                      # min -> 0, max -> 255
    np.testing.assert_allclose(scaled, np.floor(x / x.max() * 255), atol=1)
    first = img_to_array(array_to_img(x.transpose(2, 0, 1), data_format="channels_first",
                                      scale=False), data_format="channels_first")
    np.testing.assert_array_equal(first, x.transpose(2, 0, 1))
    assert img_to_array(array_to_img(x[:, :, :1], scale=False)).shape == (2, 3, 1)
    wide = array_to_img(x[:, :, :1] * 100, scale=False)     # above 255: a 32-bit picture
    assert wide.mode == "I" and img_to_array(wide).max() == 150 * 100
    with pytest.raises(ValueError, match="1, 3 or 4 channels, received 2"):
        array_to_img(x[:, :, :2])
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(x[0])


def test_save_img_writes_a_file_load_img_reads_back(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (5, 4, 3)).astype(np.float32)
    save_img(tmp_path / "x.png", x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / "x.png")), x)
    rgba = np.full((2, 2, 4), 200.0)
    with pytest.warns(UserWarning, match="RGBA"):
        save_img(tmp_path / "y.jpg", rgba, scale=False)
    assert img_to_array(load_img(tmp_path / "y.jpg")).shape == (2, 2, 3)


# --- DirectoryIterator ---------------------------------------------------------------------------
def test_directory_iterator_indexes_classes_and_files(tmp_path):
    make_folder(tmp_path, {"dog": 2, "cat": 3})
    (tmp_path / "dog" / "nested").mkdir()
    Image.new("RGB", (3, 3), colour(1, 9)).save(tmp_path / "dog" / "nested" / "x.jpg")
    it = DirectoryIterator(tmp_path, None, target_size=(4, 3), batch_size=2, shuffle=False)
    assert it.class_indices == {"cat": 0, "dog": 1}
    assert it.filenames == [os.path.join("cat", f"{i:02d}.png") for i in range(3)] + \
        [os.path.join("dog", "00.png"), os.path.join("dog", "01.png"),
         os.path.join("dog", "nested", "x.jpg")]
    assert it.filepaths == [os.path.join(str(tmp_path), f) for f in it.filenames]
    np.testing.assert_array_equal(it.classes, [0, 0, 0, 1, 1, 1])
    assert it.samples == it.n == 6 and it.num_classes == 2 and len(it) == 3
    assert it.image_shape == (4, 3, 3)
    x, y = it[1]
    assert x.shape == (2, 4, 3, 3) and x.dtype == np.float32
    assert pixel_colours(x) == [colour(1, 2), colour(0, 0)]     # colours follow make_folder's order


@pytest.mark.parametrize("class_mode", ["categorical", "binary", "sparse", "input", None])
def test_directory_iterator_class_modes(tmp_path, class_mode):
    make_folder(tmp_path, {"a": 2, "b": 1})
    it = DirectoryIterator(tmp_path, None, target_size=(3, 3), batch_size=3, shuffle=False,
                           class_mode=class_mode)
    batch = it[0]
    x = batch if class_mode is None else batch[0]
    assert isinstance(x, np.ndarray) and x.shape == (3, 3, 3, 3)
    expected = {"categorical": [[1, 0], [1, 0], [0, 1]], "binary": [0, 0, 1],
                "sparse": [0, 0, 1]}
    if class_mode in expected:
        y = batch[1]
        assert y.dtype == np.float32
        np.testing.assert_array_equal(y, expected[class_mode])
    if class_mode == "input":
        np.testing.assert_array_equal(batch[1], x)


@pytest.mark.parametrize("color_mode, channels", [("grayscale", 1), ("rgba", 4)])
def test_directory_iterator_color_mode_and_data_format(tmp_path, color_mode, channels):
    make_folder(tmp_path, {"a": 1, "b": 1})
    it = DirectoryIterator(tmp_path, None, target_size=(5, 2), color_mode=color_mode,
                           data_format="channels_first", batch_size=2)
    assert it.image_shape == (channels, 5, 2)
    assert it[0][0].shape == (2, channels, 5, 2)


def test_directory_iterator_subset_takes_the_first_files_of_each_class(tmp_path):
    make_folder(tmp_path, {"a": 5, "b": 4})
    kwargs = dict(target_size=(2, 2), shuffle=False)
    val = DirectoryIterator(tmp_path, FakeGenerator(0.4), subset="validation", **kwargs)
    train = DirectoryIterator(tmp_path, FakeGenerator(0.4), subset="training", **kwargs)
    # int(5 * 0.4) = 2 and int(4 * 0.4) = 1 validation files.
    assert val.filenames == [os.path.join("a", "00.png"), os.path.join("a", "01.png"),
                             os.path.join("b", "00.png")]
    assert train.samples == 6 and not set(train.filenames) & set(val.filenames)
    with pytest.raises(ValueError, match="validation_split in \\(0, 1\\)"):
        DirectoryIterator(tmp_path, FakeGenerator(0.0), subset="training", **kwargs)
    with pytest.raises(ValueError, match="subset='train'.*'training', 'validation'"):
        DirectoryIterator(tmp_path, FakeGenerator(0.4), subset="train", **kwargs)


def test_directory_iterator_shuffles_reproducibly_with_a_seed(tmp_path):
    make_folder(tmp_path, {"a": 6, "b": 6})

    def epoch_colours(seed):
        it = DirectoryIterator(tmp_path, None, target_size=(2, 2), batch_size=5, seed=seed)
        return [pixel_colours(next(it)[0]) for _ in range(2 * len(it))]

    first = epoch_colours(3)
    assert first == epoch_colours(3)
    assert first != epoch_colours(4)
    one_epoch = sum(first[:3], [])
    assert len(one_epoch) == 12 and sorted(one_epoch) == sorted(
        colour(label, i) for label in range(2) for i in range(6))
    assert one_epoch != sorted(one_epoch)
    assert sum(first[3:], []) != one_epoch                   # a new order in the next epoch


def test_iterator_calls_the_generator_per_sample_with_reproducible_seeds(tmp_path):
    make_folder(tmp_path, {"a": 2, "b": 1})
    generators = [FakeGenerator(), FakeGenerator()]
    batches = [DirectoryIterator(tmp_path, g, target_size=(2, 2), batch_size=3, seed=5,
                                 class_mode="sparse")[0] for g in generators]
    raw = DirectoryIterator(tmp_path, None, target_size=(2, 2), batch_size=3, seed=5,
                            class_mode="sparse")[0]
    np.testing.assert_array_equal(batches[0][0], (raw[0] + 1) * 2)
    np.testing.assert_array_equal(batches[0][1], raw[1])
    assert generators[0].seeds == generators[1].seeds and len(set(generators[0].seeds)) == 3
    assert all(isinstance(s, int) for s in generators[0].seeds)


def test_directory_iterator_errors_name_the_folder_or_file(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="empty'? is empty"):
        DirectoryIterator(tmp_path / "empty", None)
    (tmp_path / "flat").mkdir()
    Image.new("RGB", (2, 2)).save(tmp_path / "flat" / "a.png")
    with pytest.raises(ValueError, match="flat'? has no class sub-folders"):
        DirectoryIterator(tmp_path / "flat", None)
    with pytest.raises(FileNotFoundError, match="missing"):
        DirectoryIterator(tmp_path / "missing", None)
    make_folder(tmp_path / "texts", {"a": 0, "b": 0})
    with pytest.raises(ValueError, match="found no image files.*texts"):
        DirectoryIterator(tmp_path / "texts", None)
    make_folder(tmp_path / "three", {"a": 1, "b": 1, "c": 1})
    with pytest.raises(ValueError, match="class_mode='binary' needs at most 2 classes"):
        DirectoryIterator(tmp_path / "three", None, class_mode="binary")
    with pytest.raises(ValueError, match="classes \\['d'\\] have no sub-folder"):
        DirectoryIterator(tmp_path / "three", None, classes=["a", "d"])
    with pytest.raises(ValueError, match="class_mode='onehot'.*'categorical'"):
        DirectoryIterator(tmp_path / "three", None, class_mode="onehot")
    (tmp_path / "three" / "b" / "bad.jpg").write_bytes(b"not a picture at all")
    it = DirectoryIterator(tmp_path / "three", None, target_size=(2, 2), shuffle=False)
    with pytest.raises(OSError, match="bad.jpg"):
        it[0]
    with pytest.raises(ValueError, match="element 1, but the Sequence has length 1"):
        it[1]


def test_directory_iterator_reads_large_jpegs_at_reduced_scale_close_to_full_decode(tmp_path):
    (tmp_path / "a").mkdir()
    ramp = np.linspace(0, 255, 160, dtype=np.float32)
    picture = np.stack([ramp[:, None] + 0 * ramp, 0 * ramp[:, None] + ramp,
                        np.full((160, 160), 128.0)], axis=-1)
    Image.fromarray(picture.astype(np.uint8)).save(tmp_path / "a" / "big.jpg", quality=95)
    it = DirectoryIterator(tmp_path, None, target_size=(20, 20), interpolation="bilinear")
    full = img_to_array(load_img(tmp_path / "a" / "big.jpg", target_size=(20, 20),
                                 interpolation="bilinear"))
    np.testing.assert_allclose(it[0][0][0], full, atol=6)


def test_numpy_array_iterator_batches_subsets_and_saving(tmp_path):
    x = np.arange(10 * 2 * 2 * 1, dtype=np.float64).reshape(10, 2, 2, 1)
    y = np.array([0, 1] * 5)
    weights = np.linspace(0.1, 1.0, 10)
    it = NumpyArrayIterator(x, y, None, batch_size=4, sample_weight=weights)
    bx, by, bw = it[2]
    assert bx.dtype == np.float32 and len(it) == 3
    np.testing.assert_array_equal(bx, x[8:])
    np.testing.assert_array_equal(by, y[8:])
    np.testing.assert_array_equal(bw, weights[8:])
    val = NumpyArrayIterator(x, y, FakeGenerator(0.3), subset="validation", batch_size=10)
    train = NumpyArrayIterator(x, y, FakeGenerator(0.3), subset="training", batch_size=10)
    np.testing.assert_array_equal(val[0][0], (x[:3] + 1) * 2)    # int(10 * 0.3) = 3 first
    np.testing.assert_array_equal(train[0][1], y[3:])
    with pytest.raises(ValueError, match="different classes"):
        NumpyArrayIterator(x, np.repeat([0, 1], 5), FakeGenerator(0.3), subset="training")
    extras = NumpyArrayIterator((x, np.arange(10)), None, None, batch_size=3)
    inputs = extras[1]
    np.testing.assert_array_equal(inputs[1], [3, 4, 5])
    NumpyArrayIterator(x * 0 + [[[0], [255]]], None, None, batch_size=4, save_to_dir=tmp_path,
                       save_prefix="aug", save_format="png")[0]
    saved = sorted(os.listdir(tmp_path))
    assert len(saved) == 4 and all(name.startswith("aug_") and name.endswith(".png")
                                   for name in saved)
    np.testing.assert_array_equal(img_to_array(load_img(tmp_path / saved[0],
                                                        color_mode="grayscale"))[0, :, 0], [0, 255])
    with pytest.raises(ValueError, match="same length.*y=9"):
        NumpyArrayIterator(x, y[:9], None)
    with pytest.raises(ValueError, match="rank 4"):
        NumpyArrayIterator(x[:, :, :, 0], y, None)


# --- image_dataset_from_directory ----------------------------------------------------------------
def sorted_paths(root, counts):
    return [os.path.join(str(root), name, f"{i:02d}.png")
            for name, count in counts.items() for i in range(count)]


def test_dataset_shuffles_the_file_list_with_the_seed_like_keras(tmp_path, capsys):
    counts = {"a": 4, "b": 3}
    make_folder(tmp_path, counts)
    ds = image_dataset_from_directory(tmp_path, image_size=(3, 3), batch_size=4, seed=11)
    assert "Found 7 files belonging to 2 classes." in capsys.readouterr().out
    expected = sorted_paths(tmp_path, counts)
    np.random.RandomState(11).shuffle(expected)
    assert ds.file_paths == expected and ds.class_names == ["a", "b"] and len(ds) == 2
    images, labels = ds[0]
    assert images.shape == (4, 3, 3, 3) and images.dtype == np.float32
    assert labels.dtype == np.int32
    passes = [list(ds), list(ds)]
    for batches in passes:                 # every pass: all pictures, each with its own label
        seen = [(c, int(label)) for x, y in batches for c, label in zip(pixel_colours(x), y)]
        assert sorted(seen) == sorted((colour(k, i), k) for k, n in enumerate(counts.values())
                                      for i in range(n))
    assert [pixel_colours(x) for x, _ in passes[0]] != [pixel_colours(x) for x, _ in passes[1]]


@pytest.mark.parametrize("label_mode", ["int", "categorical", "binary", None])
def test_dataset_label_modes(tmp_path, label_mode):
    make_folder(tmp_path, {"a": 2, "b": 1})
    ds = image_dataset_from_directory(tmp_path, label_mode=label_mode, image_size=(2, 2),
                                      shuffle=False, verbose=False)
    batch = ds[0]
    if label_mode is None:
        assert isinstance(batch, np.ndarray) and batch.shape == (3, 2, 2, 3)
        return
    expected = {"int": [0, 0, 1], "categorical": [[1, 0], [1, 0], [0, 1]],
                "binary": [[0], [0], [1]]}[label_mode]
    np.testing.assert_array_equal(batch[1], expected)
    assert batch[1].dtype == (np.int32 if label_mode == "int" else np.float32)


def test_dataset_splits_take_the_last_fraction_after_shuffling(tmp_path, capsys):
    make_folder(tmp_path, {"a": 5, "b": 5})
    args = dict(image_size=(2, 2), seed=3, validation_split=0.3)
    both = image_dataset_from_directory(tmp_path, subset="both", **args)
    assert isinstance(both, list)                              # as Keras returns them
    train, val = both
    out = capsys.readouterr().out
    assert "Using 7 files for training." in out and "Using 3 files for validation." in out
    shuffled = image_dataset_from_directory(tmp_path, image_size=(2, 2), seed=3).file_paths
    assert train.file_paths == shuffled[:7] and val.file_paths == shuffled[7:]
    assert image_dataset_from_directory(tmp_path, subset="validation", **args).file_paths == \
        val.file_paths
    assert len(image_dataset_from_directory(tmp_path, subset="training", **args).file_paths) == 7
    with pytest.raises(ValueError, match="pass a seed"):
        image_dataset_from_directory(tmp_path, validation_split=0.3, subset="training")
    with pytest.raises(ValueError, match="together"):
        image_dataset_from_directory(tmp_path, subset="training", seed=1)
    with pytest.raises(ValueError, match="subset='test'"):
        image_dataset_from_directory(tmp_path, subset="test", validation_split=0.3, seed=1)
    with pytest.raises(ValueError, match="no validation images"):
        image_dataset_from_directory(tmp_path, subset="validation", seed=1, validation_split=0.05)


def test_dataset_options_and_errors(tmp_path):
    make_folder(tmp_path, {"a": 2, "b": 1, "c": 1})
    args = dict(image_size=(4, 2), verbose=False)
    ds = image_dataset_from_directory(tmp_path, class_names=["c", "a"], shuffle=False, **args)
    np.testing.assert_array_equal(ds[0][1], [0, 1, 1])
    gray = image_dataset_from_directory(tmp_path, color_mode="grayscale", batch_size=None,
                                        crop_to_aspect_ratio=True, **args)
    image, label = gray[0]
    assert image.shape == (4, 2, 1) and label.shape == () and len(gray) == 4
    padded = image_dataset_from_directory(tmp_path, pad_to_aspect_ratio=True,
                                          interpolation="area", label_mode=None, **args)
    assert padded[0].shape == (4, 4, 2, 3)
    assert padded[0][:, 0].max() == 0                        # black bars above and below
    explicit = image_dataset_from_directory(tmp_path, labels=[3, 1, 1, 3], shuffle=False, **args)
    assert explicit.class_names == ["1", "3"]
    np.testing.assert_array_equal(explicit[0][1], [3, 1, 1, 3])
    with pytest.raises(ValueError, match="one label per picture file: received 2 labels for 4"):
        image_dataset_from_directory(tmp_path, labels=[0, 1], **args)
    with pytest.raises(ValueError, match="label_mode='binary' needs exactly 2 classes"):
        image_dataset_from_directory(tmp_path, label_mode="binary", **args)
    with pytest.raises(ValueError, match="label_mode='sparse'.*'categorical'"):
        image_dataset_from_directory(tmp_path, label_mode="sparse", **args)
    with pytest.raises(ValueError, match="interpolation='gaussian'"):
        image_dataset_from_directory(tmp_path, interpolation="gaussian", **args)
    with pytest.raises(ValueError, match="class_names can only be given with labels='inferred'"):
        image_dataset_from_directory(tmp_path, labels=[0, 1, 0, 1], class_names=["a"], **args)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="is empty"):
        image_dataset_from_directory(tmp_path / "empty", **args)
    with pytest.raises(ValueError, match="no images found"):
        image_dataset_from_directory(tmp_path / "empty", labels=None, **args)


# --- training from pictures ----------------------------------------------------------------------
def tiny_model(outputs):
    return keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(),
                             keras.layers.Dense(outputs, activation="softmax")])


def test_fit_and_predict_on_a_directory_iterator(tmp_path):
    make_folder(tmp_path, {"a": 5, "b": 4}, size=(8, 8))
    backend.set_random_seed(0)
    model = tiny_model(2)
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    train = DirectoryIterator(tmp_path, None, target_size=(4, 4), batch_size=4, seed=0)
    history = model.fit(train, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1 and np.isfinite(history.history["loss"][0])
    evaluated = model.evaluate(train, verbose=0)
    assert np.all(np.isfinite(evaluated))
    unlabelled = DirectoryIterator(tmp_path, None, target_size=(4, 4), batch_size=4,
                                   class_mode=None, shuffle=False)
    predictions = model.predict(unlabelled, verbose=0)
    assert predictions.shape == (9, 2)
    x = np.concatenate([unlabelled[i] for i in range(len(unlabelled))])
    np.testing.assert_allclose(predictions, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_fit_on_an_image_dataset(tmp_path):
    make_folder(tmp_path, {"a": 3, "b": 3}, size=(8, 8))
    model = tiny_model(2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    train, val = image_dataset_from_directory(tmp_path, image_size=(4, 4), batch_size=2, seed=1,
                                              validation_split=0.34, subset="both",
                                              verbose=False)
    history = model.fit(train, validation_data=val, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "val_loss"}


def test_an_int_image_size_is_a_square(tmp_path):
    make_folder(tmp_path, {"a": 2, "b": 1})
    images, _ = next(iter(image_dataset_from_directory(tmp_path, image_size=3, shuffle=False)))
    assert images.shape == (3, 3, 3, 3)
    with pytest.raises(ValueError, match="image_size must be a"):
        image_dataset_from_directory(tmp_path, image_size=True)


def test_each_era_reads_its_own_picture_extensions_as_keras(tmp_path):
    """flow_from_directory reads .tif and .ppm, not .gif (tf.keras 2's list); Keras 3's
    image_dataset_from_directory reads .gif, not .tif or .ppm."""
    os.makedirs(tmp_path / "a")
    for extension in ("png", "gif", "tif", "ppm", "bmp"):
        Image.new("RGB", (3, 3), (9, 9, 9)).save(tmp_path / "a" / f"x.{extension}")
    it = DirectoryIterator(tmp_path, None, target_size=(2, 2), shuffle=False)
    assert it.filenames == [os.path.join("a", f"x.{e}") for e in ("bmp", "png", "ppm", "tif")]
    ds = image_dataset_from_directory(tmp_path, image_size=(2, 2), shuffle=False, verbose=False)
    assert ds.file_paths == [os.path.join(str(tmp_path), "a", f"x.{e}")
                             for e in ("bmp", "gif", "png")]


@pytest.mark.parametrize("shape, size", [((7, 10, 3), (4, 4)), ((2, 9, 5, 1), (6, 3)),
                                         ((5, 5, 2), (8, 2))])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
def test_smart_resize_matches_keras(real_keras, shape, size, interpolation):
    x = np.random.default_rng(0).uniform(0, 255, shape).astype(np.float32)
    mine = smart_resize(x, size, interpolation=interpolation)
    theirs = real_keras.preprocessing.image.smart_resize(x, size, interpolation=interpolation)
    assert isinstance(mine, np.ndarray) and mine.shape == np.shape(theirs)
    np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-5, atol=1e-3)
    pixels = x.astype(np.uint8)             # integers: floats, unrounded, except with 'nearest'
    mine = smart_resize(pixels, size, interpolation=interpolation)
    theirs = np.asarray(real_keras.preprocessing.image.smart_resize(
        pixels, size, interpolation=interpolation))
    assert mine.dtype == theirs.dtype == (np.uint8 if interpolation == "nearest" else np.float32)
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-3)
    with pytest.raises(ValueError, match="smart_resize: expected an image"):
        smart_resize(x[0, 0], size)
