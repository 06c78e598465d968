"""fit / evaluate / predict on finite generators, PyDataset, their callbacks, and the error
for Python lists, as Keras 3 behaves."""
import re
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet.callbacks import ProgbarLogger

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 3)).astype("float32")
Y = RNG.normal(size=(20, 1)).astype("float32")
RAN_OUT = "Your input ran out of data; interrupting training"


def _model(seed=7):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _generator(count=4, size=5, log=None):
    """`count` batches of `size` samples of (X, Y), in order; `log` records each one read."""
    for i in range(count):
        if log is not None:
            log.append(i)
        part = slice(i * size, (i + 1) * size)
        yield X[part], Y[part]


def _record(name, with_index=True):
    """A hook that appends `name` (with the batch or epoch index) to `self.events`."""
    if with_index:
        return lambda self, index, logs=None: self.events.append((name, index))
    return lambda self, logs=None: self.events.append(name)


class Recorder(keras.callbacks.Callback):
    """Records the hooks called, in order."""

    def __init__(self):
        super().__init__()
        self.events = []

    on_epoch_begin = _record("epoch_begin")
    on_epoch_end = _record("epoch_end")
    on_train_batch_begin = _record("train_batch_begin")
    on_train_batch_end = _record("train_batch_end")
    on_test_begin = _record("test_begin", with_index=False)
    on_test_end = _record("test_end", with_index=False)
    on_test_batch_begin = _record("test_batch_begin")
    on_test_batch_end = _record("test_batch_end")
    on_predict_begin = _record("predict_begin", with_index=False)
    on_predict_end = _record("predict_end", with_index=False)
    on_predict_batch_begin = _record("predict_batch_begin")

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("predict_batch_end", batch, logs["outputs"].shape))


# --- 1. finite generators without steps -------------------------------------------------------
def test_finite_generator_trains_on_each_of_its_batches_once():
    recorder = Recorder()
    model = _model()
    history = model.fit(_generator(), callbacks=[recorder], verbose=0)
    assert recorder.params["steps"] is None                  # unknown until it ends
    assert [e for e in recorder.events if e[0] == "train_batch_end"] == [
        ("train_batch_end", i) for i in range(4)]
    assert len(history.history["loss"]) == 1
    # The same four SGD steps, one batch at a time, give the same weights.
    reference = _model()
    for x, y in _generator():
        reference.train_on_batch(x, y)
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_evaluate_and_predict_read_a_generator_to_its_end():
    model = _model()
    assert model.evaluate(_generator(), verbose=0) == pytest.approx(
        model.evaluate(X, Y, batch_size=5, verbose=0), rel=1e-6)
    np.testing.assert_allclose(model.predict(_generator(), verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_generator_as_validation_data():
    model = _model()
    history = model.fit(X, Y, batch_size=10, validation_data=_generator(), verbose=0)
    # Validation ran after the epoch's last step, with the weights fit ended with.
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(X, Y, verbose=0),
                                                           rel=1e-6)


def test_progress_bar_of_a_generator_counts_the_steps_it_ran(capsys):
    _model().fit(_generator(), verbose=2)
    assert re.match(r"4/4 - \d+s - .*loss: ", capsys.readouterr().out)


def test_a_generator_read_to_its_end_leaves_no_data_for_a_second_epoch():
    log, recorder = [], Recorder()
    with pytest.warns(UserWarning, match=RAN_OUT):
        history = _model().fit(_generator(log=log), epochs=3, callbacks=[recorder], verbose=0)
    assert log == [0, 1, 2, 3]
    assert len(history.history["loss"]) == 1 and history.epoch == [0]
    assert ("epoch_begin", 1) not in recorder.events


def test_a_generator_ending_inside_an_epoch_of_steps_per_epoch_warns_and_stops():
    log = []
    with pytest.warns(UserWarning, match=RAN_OUT):
        history = _model().fit(_generator(log=log), steps_per_epoch=3, epochs=5, verbose=0)
    assert log == [0, 1, 2, 3]
    assert history.epoch == [0, 1]                 # 3 steps, then the one batch left


def test_an_endless_generator_with_steps_per_epoch_is_read_only_as_far_as_needed():
    def endless(log):
        for i in range(10 ** 6):
            log.append(i)
            yield X[:5], Y[:5]
    log = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = _model().fit(endless(log), steps_per_epoch=2, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert log == list(range(6))


def test_validation_generator_used_up_after_the_first_epoch_warns():
    with pytest.warns(UserWarning, match="validation_data ran out of data at epoch 2"):
        history = _model().fit(X, Y, batch_size=10, epochs=2, validation_data=_generator(),
                               verbose=0)
    assert len(history.history["loss"]) == 2 and len(history.history["val_loss"]) == 1


def test_targets_beside_a_generator_are_refused():
    with pytest.raises(ValueError, match="fit: argument 'y' should not be passed when 'x' is a "
                                         "generator or PyDataset"):
        _model().fit(_generator(), Y, verbose=0)


# --- 2. PyDataset -------------------------------------------------------------------------------
class Batches(keras.utils.PyDataset):
    """Four batches of five samples of (X, Y); records what fit asks of it in `events`."""

    def __init__(self, name, events, **kwargs):
        super().__init__(**kwargs)
        self.name, self.events = name, events

    def __len__(self):
        return 4

    def __getitem__(self, index):
        self.events.append((self.name, index))
        return X[5 * index:5 * index + 5], Y[5 * index:5 * index + 5]

    def on_epoch_begin(self):
        self.events.append((self.name, "begin"))

    def on_epoch_end(self):
        self.events.append((self.name, "end"))


def test_py_dataset_is_exported_with_keras_arguments():
    assert keras.utils.Sequence is keras.utils.PyDataset
    data = Batches("t", [], workers=3, use_multiprocessing=True, max_queue_size=4)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (3, True, 4)
    assert data.num_batches == 4
    data = Batches("t", [])
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (1, False, 10)

    class NoSuperInit(keras.utils.PyDataset):
        def __init__(self):
            pass
    assert NoSuperInit().workers == 1
    np.testing.assert_array_equal(np.concatenate([x for x, _ in Batches("t", [])]), X)


def test_py_dataset_without_its_methods_says_what_to_implement():
    class Empty(keras.utils.PyDataset):
        pass
    with pytest.raises(NotImplementedError, match=r"Empty must implement __getitem__\(index\)"):
        Empty()[0]
    with pytest.raises(NotImplementedError, match=r"Empty must implement __len__\(\).*num_batches"):
        Empty().num_batches
    with pytest.raises(NotImplementedError, match="Empty must implement"):
        _model().fit(Empty(), verbose=0)


def test_fit_calls_the_epoch_hooks_of_the_datasets_in_keras_order():
    events = []

    class EpochMarks(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            events.append(("callback", "epoch_begin", epoch))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("callback", "epoch_end", epoch))
    history = _model().fit(Batches("train", events), epochs=2, shuffle=False, verbose=0,
                           validation_data=Batches("val", events), callbacks=[EpochMarks()])
    one_pass = [("begin",)] + [(i,) for i in range(4)] + [("end",)]
    expected = []
    for epoch in range(2):
        expected += [("callback", "epoch_begin", epoch)]
        expected += [("train",) + step for step in one_pass] + [("val",) + s for s in one_pass]
        expected += [("callback", "epoch_end", epoch)]
    assert events == expected
    assert len(history.history["val_loss"]) == 2


def test_fit_shuffles_the_order_of_a_py_datasets_batches_unless_told_not_to():
    def orders(shuffle):
        events = []
        _model().fit(Batches("t", events), epochs=3, shuffle=shuffle, verbose=0)
        indexes = [i for _, i in events if isinstance(i, int)]
        return [indexes[4 * k:4 * k + 4] for k in range(3)]
    shuffled = orders(True)
    assert all(sorted(order) == [0, 1, 2, 3] for order in shuffled)
    assert any(order != [0, 1, 2, 3] for order in shuffled)
    assert orders(False) == [[0, 1, 2, 3]] * 3


def test_evaluate_and_predict_on_a_py_dataset():
    events, model = [], _model()
    assert model.evaluate(Batches("e", events), verbose=0) == pytest.approx(
        model.evaluate(X, Y, batch_size=5, verbose=0), rel=1e-6)
    np.testing.assert_allclose(model.predict(Batches("p", events), verbose=0),
                               model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    one_pass = ["begin", 0, 1, 2, 3, "end"]
    assert events == [("e", i) for i in one_pass] + [("p", i) for i in one_pass]


def test_an_endless_py_dataset_goes_on_from_one_epoch_to_the_next():
    asked = []

    class Endless(keras.utils.PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            asked.append(index)
            return X[:5], Y[:5]
    history = _model().fit(Endless(), steps_per_epoch=3, epochs=2, verbose=0)
    assert asked == list(range(6)) and len(history.history["loss"]) == 2


def test_targets_beside_a_py_dataset_are_refused():
    with pytest.raises(ValueError, match=r"evaluate: argument 'sample_weight' should not be "
                                         r"passed .*received a Batches"):
        _model().evaluate(Batches("t", []), sample_weight=np.ones(20), verbose=0)


# --- 3. callbacks of predict and of validation inside fit -------------------------------------
def test_predict_calls_its_callbacks_with_each_batchs_outputs():
    recorder = Recorder()
    _model().predict(X, batch_size=8, callbacks=[recorder], verbose=0)
    assert recorder.events == [
        "predict_begin",
        ("predict_batch_begin", 0), ("predict_batch_end", 0, (8, 1)),
        ("predict_batch_begin", 1), ("predict_batch_end", 1, (8, 1)),
        ("predict_batch_begin", 2), ("predict_batch_end", 2, (4, 1)),
        "predict_end"]


def test_predict_shows_a_progress_bar_with_verbose(capsys):
    model = _model()
    model.predict(X, batch_size=8, verbose=1)
    assert re.match(r"3/3 ━+ \d+s \d+[mu]?s/step\n$", capsys.readouterr().out)
    model.predict(X, batch_size=8, verbose=0)
    assert capsys.readouterr().out == ""


def test_validation_inside_fit_calls_the_test_hooks_of_fits_callbacks(capsys):
    recorder = Recorder()
    history = _model().fit(X, Y, batch_size=10, epochs=2, validation_data=(X[:15], Y[:15]),
                           validation_batch_size=5, callbacks=[recorder], verbose=2)
    def steps(kind, count):
        return [(f"{kind}_batch_{when}", i) for i in range(count) for when in ("begin", "end")]
    expected = []
    for epoch in range(2):
        expected += [("epoch_begin", epoch)] + steps("train", 2)
        expected += ["test_begin"] + steps("test", 3) + ["test_end", ("epoch_end", epoch)]
    assert recorder.events == expected
    assert sorted(history.history) == ["loss", "val_loss"]
    assert len(history.history["val_loss"]) == 2
    # One line per epoch (the validation has no bar of its own), with its results on it.
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if not line.startswith("Epoch")] == [
        line for line in lines if re.match(r"2/2 - .* - loss: \S+ - val_loss: \S+$", line)]
    assert len(lines) == 4


def test_validation_freq_skips_the_test_hooks_between_validations():
    recorder = Recorder()
    _model().fit(X, Y, batch_size=10, epochs=3, validation_data=(X, Y), validation_freq=2,
                 callbacks=[recorder], verbose=0)
    assert recorder.events.count("test_begin") == 1
    assert recorder.events.index("test_begin") > recorder.events.index(("epoch_begin", 1))



def test_validation_freq_as_a_list_validates_at_those_epochs():
    history = _model().fit(X, Y, batch_size=10, epochs=4, validation_data=(X, Y),
                           validation_freq=[1, 3], verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match=r"validation_freq"):
            _model().fit(X, Y, validation_data=(X, Y), validation_freq=bad, verbose=0)


# --- steps_per_epoch with arrays and a PyDataset (Keras 3's EpochIterator) ----------------------
class _Indexed(keras.utils.PyDataset):
    """Four batches of five samples; `asked` records each index read."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def __len__(self):
        return 4

    def __getitem__(self, index):
        self.asked.append(index)
        return X[index * 5:(index + 1) * 5], Y[index * 5:(index + 1) * 5]


def test_steps_per_epoch_goes_on_through_a_py_dataset_from_epoch_to_epoch():
    data = _Indexed()
    history = _model().fit(data, epochs=3, steps_per_epoch=2, shuffle=False, verbose=0)
    assert data.asked == [0, 1, 2, 3, 0, 1]
    assert history.params["steps"] == 2


def test_steps_per_epoch_with_arrays_counts_the_steps_and_restarts_after_a_pass():
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # 2 + 2 batches: one whole pass
        history = model.fit(X, Y, batch_size=5, epochs=2, steps_per_epoch=2, verbose=0)
    assert history.params["steps"] == 2 and int(model.optimizer.iterations) == 4
    model = _model()
    with pytest.warns(UserWarning, match=RAN_OUT):      # 3 steps, then the pass ends after 1
        model.fit(X, Y, batch_size=5, epochs=3, steps_per_epoch=3, verbose=0)
    assert int(model.optimizer.iterations) == 3 + 1 + 3


def test_steps_per_epoch_with_arrays_trains_on_what_the_batches_in_turn_give():
    # Two epochs of two steps on unshuffled arrays are the four batches in order.
    stepped, whole = _model(), _model()
    stepped.fit(X, Y, batch_size=5, epochs=2, steps_per_epoch=2, shuffle=False, verbose=0)
    whole.fit(X, Y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(stepped.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_validation_steps_takes_the_first_batches_of_the_validation_data_each_time():
    model = _model()
    history = model.fit(X, Y, batch_size=5, epochs=2, validation_data=(X, Y),
                        validation_batch_size=5, validation_steps=1, verbose=0)
    first_batch = model.evaluate(X[:5], Y[:5], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(first_batch, rel=1e-6)
    data = _Indexed()
    _model().fit(X, Y, epochs=2, validation_data=data, validation_steps=2, verbose=0)
    assert data.asked == [0, 1, 0, 1]


# --- what Keras refuses ----------------------------------------------------------------------
def test_class_weight_and_sample_weight_together_are_refused():
    with pytest.raises(ValueError, match="both class_weight and sample_weight"):
        _model().fit(X, Y > 0, class_weight={0: 1.0, 1: 2.0}, sample_weight=np.ones(20),
                     verbose=0)
    with pytest.raises(ValueError, match="both class_weight and sample_weight"):
        _model().train_on_batch(X, Y > 0, class_weight={0: 1.0}, sample_weight=np.ones(20))


def test_class_weight_refuses_targets_that_are_not_one_class_per_sample():
    sequence_labels = np.tile([[0, 1, 2, 3]], (20, 1))           # a label per time step
    with pytest.raises(ValueError, match=r"one class per sample.*shape \(20, 4\) that are not "
                                         r"one-hot.*sample_weight of that shape"):
        _model().fit(X, sequence_labels, class_weight={0: 1, 1: 2, 2: 3, 3: 4}, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(20, 1, 1\)"):
        _model().fit(X, Y[:, :, None], class_weight={0: 1, 1: 2}, verbose=0)
    inputs = keras.Input((3,))
    two = keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(1)(inputs)])
    two.compile("sgd", "mse")
    with pytest.raises(ValueError, match="only supported for Models with a single output"):
        two.fit(X, [Y > 0, Y > 0], class_weight={0: 1.0, 1: 2.0}, verbose=0)
    one_hot = np.eye(4, dtype="float32")[np.arange(20) % 4]       # one-hot rows still work
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    assert np.isfinite(model.fit(X, one_hot, class_weight={0: 1, 3: 2}, verbose=0).history["loss"][0])


@pytest.mark.parametrize("call", [
    lambda m: m.fit(X, verbose=0), lambda m: m.evaluate(X, verbose=0),
    lambda m: m.train_on_batch(X), lambda m: m.fit(X, Y, validation_data=(X,), verbose=0),
    lambda m: m.fit(_generator_of_inputs(), verbose=0)])
def test_a_compiled_loss_without_targets_is_an_error_not_a_nan(call):
    with pytest.raises(ValueError, match=r"compiled with a loss \(loss='mse'\) but received no "
                                         r"targets"):
        call(_model())


def _generator_of_inputs():
    yield (X[:5],)


def test_predict_passes_nan_through_as_keras_does():
    x = X.copy()
    x[0, 1] = np.nan
    out = _model().predict(x, verbose=0)
    assert np.isnan(out[0]).all() and np.isfinite(out[1:]).all()
    with pytest.raises(ValueError, match="contains NaN"):
        _model().fit(x, Y, verbose=0)               # training data must be finite

# --- 4. Python lists ----------------------------------------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda m: m.fit(X, Y.ravel().tolist(), verbose=0),
     "fit: argument 'y' is a list of 20 numbers"),
    (lambda m: m.fit(X, list(Y.ravel()), verbose=0),                 # NumPy scalars
     "fit: argument 'y' is a list of 20 numbers"),
    (lambda m: m.fit(X.tolist(), Y, verbose=0),
     "fit: argument 'x' is a list of 20 Python lists"),
    (lambda m: m.predict(X.tolist(), verbose=0),
     "predict: argument 'x' is a list of 20 Python lists"),
    (lambda m: m.predict(tuple(map(tuple, X)), verbose=0),
     "predict: argument 'x' is a tuple of 20 Python tuples"),
    (lambda m: m.evaluate(X, Y, sample_weight=[1.0] * 20, verbose=0),
     "evaluate: argument 'sample_weight' is a list of 20 numbers"),
    (lambda m: m.fit(X, Y, validation_data=(X, Y.tolist()), verbose=0),
     r"fit: argument 'validation_data\[1\]' is a list of 20 Python lists"),
    (lambda m: m.predict([X, [1.0, 2.0]], verbose=0),
     r"predict: argument 'x' is a list of 2 items \(Python lists and arrays\)"),
])
def test_python_lists_are_refused_with_what_to_do(call, message):
    with pytest.raises(ValueError, match=message + r".*expected a NumPy array.*np\.asarray"):
        call(_model())


def test_a_list_of_arrays_is_still_one_array_per_input():
    first, second = keras.Input((3,)), keras.Input((2,))
    model = keras.Model([first, second],
                        keras.layers.Dense(1)(keras.layers.Concatenate()([first, second])))
    model.compile(optimizer="sgd", loss="mse")
    other = RNG.normal(size=(20, 2)).astype("float32")
    history = model.fit([X, other], Y, batch_size=5, verbose=0)
    assert len(history.history["loss"]) == 1
    assert model.predict((X, other), verbose=0).shape == (20, 1)
    assert model.evaluate([X, other], Y, verbose=0) == pytest.approx(
        float(np.mean((model.predict([X, other], verbose=0) - Y) ** 2)), rel=1e-5)


def test_progbar_logger_keeps_the_step_count_it_learnt_from_a_generator():
    logger = ProgbarLogger()
    _model().fit(_generator(), callbacks=[logger], verbose=0)
    assert logger.target == logger.progbar.target == 4


def test_metrics_names_list_the_compiled_metrics_only_when_there_are_some():
    model = _model()                                       # compiled without metrics
    model.fit(X, Y, verbose=0)
    assert model.metrics_names == ["loss"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(X, Y, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert model.evaluate(X, Y, verbose=0, return_dict=True).keys() == {"loss", "mae"}


def test_sequential_fits_an_input_one_trailing_axis_of_size_1_off_as_keras():
    column = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])
    np.testing.assert_allclose(column.predict(X[:, 0], verbose=0),
                               column.predict(X[:, :1], verbose=0))
    model = _model()
    np.testing.assert_allclose(model.predict(X[:, :, None], verbose=0),
                               model.predict(X, verbose=0))
    model.fit(X[:, :, None], Y, verbose=0)
    with pytest.raises(ValueError):
        model.predict(X[:, :2], verbose=0)                 # other shapes are still errors


def test_zero_steps_mean_all_the_data_as_in_keras():
    """steps_per_epoch=0, validation_steps=0 and steps=0 read every batch, as None does
    (tutorials compute validation_steps = samples // batch_size, 0 on a small set)."""
    runs = {}
    for steps in (None, 0):
        model, recorder = _model(), Recorder()
        history = model.fit(X, Y, batch_size=5, epochs=2, verbose=0, steps_per_epoch=steps,
                            validation_data=(X, Y), validation_steps=steps,
                            callbacks=[recorder])
        runs[steps] = ([e for e in recorder.events if e[0] == "train_batch_end"],
                       [e for e in recorder.events if e[0] == "test_batch_end"],
                       history.history, model.evaluate(X, Y, batch_size=5, steps=steps,
                                                       verbose=0),
                       model.predict(X, batch_size=5, steps=steps, verbose=0))
    (train, test, history, loss, predicted), expected = runs[0], runs[None]
    assert len(train) == 8 and len(test) == 8                  # 4 batches, twice
    assert (train, test) == expected[:2]
    assert history == expected[2] and set(history) == {"loss", "val_loss"}
    assert loss == expected[3]
    np.testing.assert_array_equal(predicted, expected[4])
    assert predicted.shape == (20, 1)


class SizeRecorder(keras.Sequential):
    """Records the number of samples of each training step."""

    def train_step(self, data):
        self.sizes.append(len(data[0]))
        return super().train_step(data)


def test_steps_without_batch_size_split_all_the_arrays_into_that_many_batches():
    # Keras' rule: batch_size = ceil(samples / steps); 32 only when neither is given.
    model = _model()
    assert model.predict(X, steps=1, verbose=0).shape == (20, 1)
    assert model.predict(X, steps=3, verbose=0).shape == (20, 1)
    assert model.evaluate(X, Y, steps=1, verbose=0) == pytest.approx(
        model.evaluate(X, Y, batch_size=20, verbose=0))
    recorder = SizeRecorder([keras.Input((3,)), keras.layers.Dense(1)])
    recorder.compile("sgd", "mse")
    recorder.sizes = []
    recorder.fit(X, Y, steps_per_epoch=3, epochs=2, verbose=0)
    assert recorder.sizes == [7, 7, 6] * 2
    recorder.sizes = []
    recorder.fit(np.concatenate([X] * 2), np.concatenate([Y] * 2), verbose=0)
    assert recorder.sizes == [32, 8]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8"])
def test_bad_batch_size_is_refused(batch_size):
    message = f"batch_size: expected a positive integer, received {batch_size!r}"
    with pytest.raises(ValueError, match=message):
        _model().fit(X, Y, batch_size=batch_size, verbose=0)


def test_predict_keeps_a_tuple_of_outputs_a_tuple(real_keras):
    def types(keras):
        inputs = keras.Input((3,))
        model = keras.Model(inputs, (keras.layers.Dense(1)(inputs), keras.layers.Dense(2)(inputs)))
        predicted, on_batch = model.predict(X, batch_size=8, verbose=0), model.predict_on_batch(X)
        assert [p.shape for p in predicted] == [p.shape for p in on_batch] == [(20, 1), (20, 2)]
        return type(predicted), type(on_batch)
    assert types(keras) == types(real_keras) == (tuple, tuple)


def test_validation_data_of_more_than_three_items_is_refused():
    with pytest.raises(ValueError, match=r"`\(x, y, sample_weight\)`; received a tuple of 4"):
        _model().fit(X, Y, validation_data=(X, Y, None, 1), verbose=0)
