"""TensorBoard callback and the event-file format it writes (TFRecord framing, CRC32C, Event
protos), read back with the package's reader and, when installed, with TensorBoard's."""
import io
import json
import re
import socket
import struct
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet.callbacks.event_file import (crc32c, encode_event, histogram_value,
                                           masked_crc32c, read_events, read_records,
                                           scalar_value, tensor_value)

BATCHES_PER_EPOCH = 4


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    return x, y


def _model():
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(8, activation="relu", name="hidden"),
                              keras.layers.Dense(1, activation="sigmoid", name="out")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _fit(model, callback, epochs=3, more_callbacks=()):
    x, y = _data()
    return model.fit(x, y, batch_size=32 // BATCHES_PER_EPOCH, epochs=epochs, verbose=0,
                     validation_data=(x[:8], y[:8]), shuffle=False,
                     callbacks=[callback, *more_callbacks])


def _event_file(run_dir):
    files = sorted(run_dir.glob("events.out.tfevents.*"))
    assert len(files) == 1, files
    return files[0]


def _scalars(events):
    """{tag: {step: value}} of the scalar values of `events`."""
    found = {}
    for event in events:
        for value in event.get("summary", []):
            if "simple_value" in value:
                found.setdefault(value["tag"], {})[event["step"]] = value["simple_value"]
    return found


def _values_with(events, key):
    """[(step, value dict)] of the summary values of `events` that hold `key`."""
    return [(event["step"], value) for event in events for value in event.get("summary", [])
            if key in value]


# --- the format -----------------------------------------------------------------------------------
def test_crc32c_known_vectors():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0
    # RFC 3720 (iSCSI), appendix B.4
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(b"\xff" * 32) == 0x62A8AB43
    assert crc32c(bytes(range(32))) == 0x46DD794E
    assert crc32c(bytes(range(31, -1, -1))) == 0x113FDB5C


def test_masked_crc32c_rotates_and_adds_the_tfrecord_constant():
    crc = 0xE3069283                                    # crc32c(b"123456789")
    expected = (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    assert masked_crc32c(b"123456789") == expected


def test_event_encoding_matches_the_protobuf_wire_format():
    event = encode_event(1.5, step=300, values=[scalar_value("a", 2.0)])
    # field key = field number << 3 | wire type (0 varint, 1 fixed64, 2 bytes, 5 fixed32)
    value = (b"\x0a\x01a"                                        # Value.tag (1, bytes)
             + b"\x15" + struct.pack("<f", 2.0))                  # Value.simple_value (2, fixed32)
    summary = b"\x0a" + bytes([len(value)]) + value               # Summary.value (1, bytes)
    expected = (b"\x09" + struct.pack("<d", 1.5)                  # Event.wall_time (1, fixed64)
                + b"\x10\xac\x02"                                 # Event.step (2, varint 300)
                + b"\x2a" + bytes([len(summary)]) + summary)      # Event.summary (5, bytes)
    assert event == expected
    first = encode_event(2.0, file_version="brain.Event:2")
    assert first == b"\x09" + struct.pack("<d", 2.0) + b"\x1a\x0dbrain.Event:2"


def test_histogram_and_tensor_values_match_the_protobuf_wire_format():
    def double(field, number):
        return bytes([field << 3 | 1]) + struct.pack("<d", number)

    histogram = (double(1, 1.5) + double(2, 1.5) + double(3, 2) + double(4, 3.0)   # min max num sum
                 + double(5, 4.5)                                                 # sum_squares
                 + b"\x32\x08" + struct.pack("<d", 1.5)     # bucket_limit (6, packed doubles)
                 + b"\x3a\x08" + struct.pack("<d", 2.0))    # bucket (7, packed doubles)
    expected = b"\x0a\x01h" + b"\x2a" + bytes([len(histogram)]) + histogram   # Value.histo (5)
    assert histogram_value("h", [1.5, 1.5]) == expected     # all equal: one bucket

    plugin_data = b"\x0a\x01p"                              # PluginData.plugin_name (1)
    metadata = b"\x0a" + bytes([len(plugin_data)]) + plugin_data   # SummaryMetadata.plugin_data
    tensor = (b"\x08\x07"                                   # TensorProto.dtype (1): DT_STRING
              + b"\x12\x00"                                 # tensor_shape (2): a scalar
              + b"\x42\x01x")                               # string_val (8)
    expected = (b"\x0a\x01t" + b"\x4a" + bytes([len(metadata)]) + metadata   # Value.metadata (9)
                + b"\x42" + bytes([len(tensor)]) + tensor)                   # Value.tensor (8)
    assert tensor_value("t", [b"x"], (), "p") == expected


def test_fit_writes_runs_framed_records_and_the_epoch_scalars(tmp_path):
    model = _model()
    history = _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path / "logs"))

    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == ["train", "validation"]
    train_file = _event_file(tmp_path / "logs" / "train")
    name = (r"events\.out\.tfevents\.\d{10}\." + re.escape(socket.gethostname())
            + r"\.\d+\.\d+\.v2")
    assert re.fullmatch(name, train_file.name)

    # TFRecord framing, walked by hand: length, its masked CRC, the bytes, their masked CRC
    data = train_file.read_bytes()
    position, records = 0, []
    while position < len(data):
        header = data[position:position + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[position + 8:position + 12])[0] == masked_crc32c(header)
        body = data[position + 12:position + 12 + length]
        footer = data[position + 12 + length:position + 16 + length]
        assert struct.unpack("<I", footer)[0] == masked_crc32c(body)
        records.append(body)
        position += 16 + length
    assert position == len(data)
    assert records == read_records(train_file)

    train = read_events(train_file)
    assert train[0]["file_version"] == "brain.Event:2" and "summary" not in train[0]
    scalars = _scalars(train)
    assert set(scalars) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    for key in ("loss", "accuracy"):
        assert sorted(scalars[f"epoch_{key}"]) == [0, 1, 2]
        np.testing.assert_allclose([scalars[f"epoch_{key}"][step] for step in range(3)],
                                   history.history[key], rtol=1e-6)
    np.testing.assert_allclose(list(scalars["epoch_learning_rate"].values()), [0.001] * 3,
                               rtol=1e-6)

    validation = _scalars(read_events(_event_file(tmp_path / "logs" / "validation")))
    assert set(validation) == {"epoch_loss", "epoch_accuracy",
                               "evaluation_loss_vs_iterations",
                               "evaluation_accuracy_vs_iterations"}
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose([validation[f"epoch_{key}"][step] for step in range(3)],
                                   history.history[f"val_{key}"], rtol=1e-6)
        by_iterations = validation[f"evaluation_{key}_vs_iterations"]
        assert sorted(by_iterations) == [4, 8, 12]            # optimizer.iterations
        np.testing.assert_allclose([by_iterations[s] for s in (4, 8, 12)],
                                   history.history[f"val_{key}"], rtol=1e-6)


def test_write_graph_writes_the_model_config_for_the_graph_plugin(tmp_path):
    model = _model()
    _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path), epochs=1)
    graphs = _values_with(read_events(_event_file(tmp_path / "train")), "tensor")
    assert len(graphs) == 1
    step, value = graphs[0]
    assert step == 0 and value["tag"] == "keras"
    assert value["metadata"]["plugin_name"] == "graph_keras_model"
    assert value["tensor"]["dtype"] == 7 and value["tensor"]["shape"] == []   # a DT_STRING scalar
    config = json.loads(value["tensor"]["string_val"][0])
    assert config == json.loads(model.to_json())
    assert config["class_name"] == "Sequential"

    _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path / "off", write_graph=False),
         epochs=1)
    assert not _values_with(read_events(_event_file(tmp_path / "off" / "train")), "tensor")


def test_subclassed_model_writes_no_graph(tmp_path):
    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1, activation="sigmoid")

        def call(self, inputs):
            return self.dense(inputs)

    model = Classifier()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path), epochs=1)
    train = read_events(_event_file(tmp_path / "train"))
    assert not _values_with(train, "tensor")
    assert "epoch_loss" in _scalars(train)


def test_each_epoch_is_flushed_before_training_ends(tmp_path):
    seen = []

    def check(epoch, logs):
        steps = _scalars(read_events(_event_file(tmp_path / "train")))["epoch_loss"]
        seen.append(sorted(steps))

    _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path), epochs=2,
         more_callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=check)])
    assert seen == [[0], [0, 1]]


@pytest.mark.parametrize("update_freq, steps", [("batch", list(range(1, 9))), (2, [2, 4, 6, 8]),
                                                (3, [3, 6])])
def test_update_freq_writes_batch_scalars(tmp_path, update_freq, steps):
    history = _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path,
                                                         update_freq=update_freq), epochs=2)
    scalars = _scalars(read_events(_event_file(tmp_path / "train")))
    assert sorted(scalars["batch_loss"]) == steps and sorted(scalars["batch_accuracy"]) == steps
    # batch logs are the epoch's running averages: at its last batch, the epoch's result
    for epoch in range(2):
        last_batch = (epoch + 1) * BATCHES_PER_EPOCH
        if last_batch in steps:
            assert scalars["batch_loss"][last_batch] == pytest.approx(
                history.history["loss"][epoch], rel=1e-6)
    assert sorted(scalars["epoch_loss"]) == [0, 1]


def test_epoch_update_freq_writes_no_batch_scalars(tmp_path):
    _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path), epochs=1)
    assert not any(tag.startswith("batch_")
                   for tag in _scalars(read_events(_event_file(tmp_path / "train"))))


def test_write_steps_per_second(tmp_path):
    _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path, update_freq="batch",
                                               write_steps_per_second=True), epochs=2)
    scalars = _scalars(read_events(_event_file(tmp_path / "train")))
    assert sorted(scalars["epoch_steps_per_second"]) == [0, 1]
    assert sorted(scalars["batch_steps_per_second"]) == list(range(1, 9))
    assert all(v > 0 for tag in ("epoch_steps_per_second", "batch_steps_per_second")
               for v in scalars[tag].values())


def _bucket_counts_by_hand(values, limits, low):
    """The count of each bucket (left edge: the previous limit, or `low`; the last one
    closed on the right)."""
    lefts = [low] + list(limits[:-1])
    counts = [np.sum((values >= left) & (values < right)) for left, right in zip(lefts, limits)]
    counts[-1] += np.sum(values == limits[-1])
    return counts


def test_histograms_of_every_weight(tmp_path):
    model = _model()
    _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path, histogram_freq=2), epochs=3)
    histograms = _values_with(read_events(_event_file(tmp_path / "train")), "histo")
    weights = [w for layer in model.layers for w in layer.weights]
    tags = [f"{w.path}/histogram" for w in weights]
    assert tags == ["hidden/kernel/histogram", "hidden/bias/histogram",
                    "out/kernel/histogram", "out/bias/histogram"]
    assert sorted({step for step, _ in histograms}) == [0, 2]      # every 2 epochs, from 0
    last = {value["tag"]: value["histo"] for step, value in histograms if step == 2}
    assert list(last) == tags
    for weight, tag in zip(weights, tags):
        values = weight.numpy().astype(np.float64).ravel()
        histo = last[tag]
        assert histo["num"] == values.size
        assert sum(histo["bucket"]) == values.size
        assert histo["min"] == values.min() and histo["max"] == values.max()
        np.testing.assert_allclose(histo["sum"], values.sum(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(histo["sum_squares"], np.sum(values ** 2), rtol=1e-12)
        limits = histo["bucket_limit"]
        assert len(limits) == len(histo["bucket"])
        if values.min() < values.max():
            assert len(limits) == 30 and limits[-1] == values.max()
            assert np.all(np.diff(limits) > 0)
            assert histo["bucket"] == _bucket_counts_by_hand(values, limits, values.min())
        else:                                   # e.g. a bias still all equal: one bucket
            assert histo["bucket"] == [values.size]


def test_write_images_draws_weights_as_png(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    model = _model()
    _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path, histogram_freq=1,
                                            write_images=True), epochs=1)
    images = {value["tag"]: value for _, value in
              _values_with(read_events(_event_file(tmp_path / "train")), "tensor")
              if value["metadata"]["plugin_name"] == "images"}
    # out/bias has one value: squeezed to a scalar, it is not drawn (as in Keras)
    assert sorted(images) == ["hidden/bias/image", "hidden/kernel/image", "out/kernel/image"]
    kernel = model.layers[0].weights[0].numpy()              # (4, 8): 4 rows, 8 columns
    width, height, png = images["hidden/kernel/image"]["tensor"]["string_val"]
    assert (int(width), int(height)) == (8, 4)
    picture = np.asarray(image_module.open(io.BytesIO(png)))
    # tf.summary.image's float conversion: [0, 1] -> 0..255, clipped
    np.testing.assert_array_equal(picture, np.clip(kernel * 255.5, 0, 255).astype(np.uint8))
    bias = model.layers[0].weights[1].numpy()                # (8,): one column
    width, height, _ = images["hidden/bias/image"]["tensor"]["string_val"]
    assert (int(width), int(height)) == (1, bias.size)


def test_evaluate_alone_writes_evaluation_scalars_and_closes(tmp_path):
    model = _model()
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)        # 4 optimizer steps
    results = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True,
                             callbacks=[keras.callbacks.TensorBoard(log_dir=tmp_path)])
    assert not (tmp_path / "train").exists()
    scalars = _scalars(read_events(_event_file(tmp_path / "validation")))
    assert scalars["evaluation_loss_vs_iterations"] == {4: pytest.approx(results["loss"],
                                                                         rel=1e-6)}


def test_read_records_detects_corruption(tmp_path):
    _fit(_model(), keras.callbacks.TensorBoard(log_dir=tmp_path), epochs=1)
    path = _event_file(tmp_path / "train")
    data = bytearray(path.read_bytes())
    data[-6] ^= 0xFF                                          # a byte of the last record's data
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="data CRC"):
        read_records(path)
    path.write_bytes(bytes(data[:-2]))
    with pytest.raises(ValueError, match="truncated"):
        read_records(path)


# --- arguments ------------------------------------------------------------------------------------
def test_keras_signature_and_defaults():
    callback = keras.callbacks.TensorBoard()
    assert (callback.log_dir, callback.histogram_freq, callback.write_graph,
            callback.write_images, callback.write_steps_per_second, callback.update_freq,
            callback.profile_batch, callback.embeddings_freq, callback.embeddings_metadata) == (
        "logs", 0, True, False, False, "epoch", 0, 0, None)
    assert keras.callbacks.TensorBoard(update_freq="batch").update_freq == 1


@pytest.mark.parametrize("update_freq", ["sometimes", 0, -2, 1.5, None])
def test_bad_update_freq_names_the_argument(update_freq):
    with pytest.raises(ValueError, match=r"update_freq must be 'epoch', 'batch' or a positive"):
        keras.callbacks.TensorBoard(update_freq=update_freq)


@pytest.mark.parametrize("name", ["histogram_freq", "embeddings_freq"])
def test_bad_frequencies_name_the_argument(name):
    with pytest.raises(ValueError, match=f"{name} must be a non-negative integer.*{name}=-1"):
        keras.callbacks.TensorBoard(**{name: -1})


@pytest.mark.parametrize("profile_batch", [-1, (5, 2), "a,b", (1, 2, 3)])
def test_bad_profile_batch_names_the_argument(profile_batch):
    with pytest.raises(ValueError, match="profile_batch"):
        keras.callbacks.TensorBoard(profile_batch=profile_batch)


def test_options_that_need_tensorflow_warn_once_and_are_ignored(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.callbacks.TensorBoard()                          # defaults: nothing to warn about
        keras.callbacks.TensorBoard(profile_batch=0, embeddings_metadata="words.tsv")
    with pytest.warns(UserWarning) as caught:
        callback = keras.callbacks.TensorBoard(log_dir=tmp_path, profile_batch="2,3",
                                               embeddings_freq=1)
    assert len(caught) == 1
    assert "profile_batch='2,3'" in str(caught[0].message)
    assert "embeddings_freq=1" in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fit(_model(), callback, epochs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train", "validation"]


# --- TensorBoard's own reader, when installed -----------------------------------------------------
def test_tensorboard_reads_the_files(tmp_path):
    accumulator_module = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    model = _model()
    history = _fit(model, keras.callbacks.TensorBoard(log_dir=tmp_path, histogram_freq=1),
                   epochs=2)
    runs = {}
    for run in ("train", "validation"):
        runs[run] = accumulator_module.EventAccumulator(str(tmp_path / run), size_guidance={
            "scalars": 0, "histograms": 0, "tensors": 0})
        runs[run].Reload()
    tags = runs["train"].Tags()
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= set(tags["scalars"])
    assert "keras" in tags["tensors"]
    losses = runs["train"].Scalars("epoch_loss")
    assert [event.step for event in losses] == [0, 1]
    np.testing.assert_allclose([event.value for event in losses], history.history["loss"],
                               rtol=1e-6)
    kernel = model.layers[0].weights[0].numpy()
    histogram = runs["train"].Histograms("hidden/kernel/histogram")[-1].histogram_value
    assert histogram.num == kernel.size and sum(histogram.bucket) == kernel.size
    assert histogram.max == kernel.max()
    val_losses = runs["validation"].Scalars("epoch_loss")
    np.testing.assert_allclose([event.value for event in val_losses],
                               history.history["val_loss"], rtol=1e-6)
