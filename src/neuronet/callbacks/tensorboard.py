"""TensorBoard: write training logs as event files that TensorBoard reads."""
import os
import time
import warnings

import numpy as np

from .. import backend
from ..optimizers.base import Optimizer
from .callback import Callback
from .event_file import EventFileWriter, histogram_value, image_value, scalar_value, tensor_value


def _check_frequency(name, value):
    """A frequency in epochs: a non-negative int (0: never)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"TensorBoard: {name} must be a non-negative integer, "
                         f"received {name}={value!r}")
    return int(value)


def _check_update_freq(update_freq):
    """'epoch', or the number of batches between two batch-level writes ('batch' is 1)."""
    if update_freq == "batch":
        return 1
    if update_freq == "epoch":
        return update_freq
    if (isinstance(update_freq, (int, np.integer)) and not isinstance(update_freq, bool)
            and update_freq > 0):
        return int(update_freq)
    raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer, "
                     f"received update_freq={update_freq!r}")


def _profile_range(profile_batch):
    """The (start, stop) batches of `profile_batch`: an int, a (start, stop) pair or a
    'start,stop' string; (0, 0) means no profiling."""
    batches = profile_batch
    if isinstance(batches, str):
        try:
            batches = [int(part) for part in batches.split(",")]
        except ValueError:
            batches = None
    if isinstance(batches, (int, np.integer)) and not isinstance(batches, bool):
        batches = (batches, batches)
    if (not isinstance(batches, (tuple, list)) or len(batches) != 2
            or not all(isinstance(b, (int, np.integer)) for b in batches)
            or batches[0] < 0 or batches[1] < batches[0]):
        raise ValueError("TensorBoard: profile_batch must be a non-negative integer or a "
                         "(start, stop) pair of positive integers with start <= stop, "
                         f"received profile_batch={profile_batch!r}")
    return tuple(int(b) for b in batches)


def _is_scalar(value):
    return not isinstance(value, str) and np.ndim(value) == 0


def _weight_images(weight):
    """A weight drawn as Keras draws it with write_images: uint8 images of shape
    (count, height, width, channels), or None for a shape that is not drawn."""
    image = np.squeeze(weight)
    if image.ndim == 1:                      # a bias: one column
        image = image.reshape(1, image.shape[0], 1, 1)
    elif image.ndim == 2:                    # a dense kernel, its longer side across
        if image.shape[0] > image.shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif image.ndim == 3:                    # a 1-D convolution kernel: one image per filter
        if backend.image_data_format() == "channels_last":
            image = np.transpose(image, (2, 0, 1))
        image = image[..., np.newaxis]
    if image.ndim != 4 or image.shape[-1] not in (1, 3, 4):
        return None
    # As tf.summary.image converts floats: [0, 1] maps to 0..255, values outside are clipped.
    return np.clip(image * 255.5, 0, 255).astype(np.uint8)


class TensorBoard(Callback):
    """Write the logs of training as event files for TensorBoard (`tensorboard --logdir`).

    It writes, as Keras does, into the runs `log_dir/train` and `log_dir/validation`:
    - at each epoch end, every log as the scalar 'epoch_<name>' at step `epoch` (from 0); the
      'val_*' logs go to the validation run without their 'val_' prefix; the train run also
      gets 'epoch_learning_rate' (and 'epoch_steps_per_second' with write_steps_per_second);
    - with update_freq='batch' or N, the batch logs as 'batch_<name>' every N training batches,
      at the step that counts the batches of the whole `fit` from 1 (and
      'batch_steps_per_second' with write_steps_per_second);
    - after each validation (and `evaluate`), its results as
      'evaluation_<name>_vs_iterations' in the validation run, at step `optimizer.iterations`;
    - with histogram_freq=N, every N epochs, a histogram of each weight of each layer,
      tagged '<weight.path>/histogram' (and an image '<weight.path>/image' with write_images);
    - with write_graph, the model's JSON config (tag 'keras'), which TensorBoard's graph
      dashboard draws as the conceptual graph of a Sequential or functional model.

    The files are flushed at each epoch end and closed at the end of training.

    Args:
        log_dir: the folder of the runs.
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph: write the model's config for the graph dashboard.
        write_images: with histograms, also write the weights as images.
        write_steps_per_second: also write the training steps per second.
        update_freq: 'epoch', or 'batch' / an integer N to also write the batch logs every
            N batches.
        profile_batch: accepted and ignored with a warning when not 0: profiling needs
            TensorFlow.
        embeddings_freq: accepted and ignored with a warning when not 0: the embedding
            projector needs TensorFlow checkpoints.
        embeddings_metadata: accepted and ignored (used only with embeddings_freq).
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = _check_frequency("histogram_freq", histogram_freq)
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = _check_update_freq(update_freq)
        self.profile_batch = profile_batch
        self.embeddings_freq = _check_frequency("embeddings_freq", embeddings_freq)
        self.embeddings_metadata = embeddings_metadata
        ignored = []
        if _profile_range(profile_batch) != (0, 0):
            ignored.append(f"profile_batch={profile_batch!r}")
        if self.embeddings_freq:
            ignored.append(f"embeddings_freq={embeddings_freq!r}")
        if ignored:
            warnings.warn(f"TensorBoard: ignoring {' and '.join(ignored)}: the profiler and "
                          "the embedding projector need TensorFlow.", stacklevel=2)
        self._writers = {}                   # run name -> EventFileWriter, opened on first use
        self._training = False
        self._global_train_batch = 0

    # --- writers --------------------------------------------------------------------------------
    def _writer(self, run):
        if run not in self._writers:
            self._writers[run] = EventFileWriter(os.path.join(self.log_dir, run))
        return self._writers[run]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_scalars(self, run, tag_format, logs, step):
        """Write the scalar logs, tagged `tag_format.format(name)`, in one Event of `run`."""
        values = [scalar_value(tag_format.format(name), float(value))
                  for name, value in logs.items() if _is_scalar(value)]
        if values:
            self._writer(run).add_summary(values, step)

    # --- hooks ----------------------------------------------------------------------------------
    def set_model(self, model):
        super().set_model(model)
        self._close_writers()                # a new fit, evaluate or predict: new event files

    def on_train_begin(self, logs=None):
        self._training = True
        self._global_train_batch = 0
        if self.write_graph:
            self._write_model_config()

    def on_train_end(self, logs=None):
        self._training = False
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start = time.perf_counter()
            self._epoch_start_iterations = int(self.model.optimizer.iterations)

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        scalars = dict(logs or {})
        if self.write_steps_per_second:
            scalars["steps_per_second"] = 1.0 / (time.perf_counter() - self._batch_start)
        self._write_scalars("train", "batch_{}", scalars, self._global_train_batch)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if logs and optimizer is not None and hasattr(optimizer, "iterations"):
            self._write_scalars("validation", "evaluation_{}_vs_iterations", logs,
                                int(optimizer.iterations))
        if not self._training:               # a plain `evaluate`: nothing more comes
            self._close_writers()

    def on_epoch_end(self, epoch, logs=None):
        if logs:
            train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
            val_logs = {k[len("val_"):]: v for k, v in logs.items() if k.startswith("val_")}
            optimizer = getattr(self.model, "optimizer", None)
            if isinstance(optimizer, Optimizer):
                train_logs["learning_rate"] = float(optimizer.learning_rate)
            if self.write_steps_per_second:
                steps = int(optimizer.iterations) - self._epoch_start_iterations
                train_logs["steps_per_second"] = steps / (time.perf_counter() - self._epoch_start)
            self._write_scalars("train", "epoch_{}", train_logs, epoch)
            self._write_scalars("validation", "epoch_{}", val_logs, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    # --- weights and model ----------------------------------------------------------------------
    def _write_weights(self, epoch):
        """Histograms (and images, with write_images) of the weights of every layer."""
        values = []
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                data = weight.numpy()
                values.append(histogram_value(f"{name}/histogram", data))
                images = _weight_images(data) if self.write_images else None
                if images is not None:
                    values.append(image_value(f"{name}/image", images))
        if values:
            self._writer("train").add_summary(values, epoch)

    def _write_model_config(self):
        """The model's JSON config as the 'keras' summary of TensorBoard's graph plugin
        (Sequential and functional models only, as in Keras)."""
        from ..models.sequential import Sequential      # models import callbacks: import here

        if not (isinstance(self.model, Sequential) or getattr(self.model, "_functional", False)):
            return
        try:
            config = self.model.to_json()
        except Exception as error:           # a model that cannot be saved still trains
            warnings.warn(f"TensorBoard: model failed to serialize as JSON; no graph is "
                          f"written. {error}", stacklevel=2)
            return
        value = tensor_value("keras", [config.encode("utf-8")], (), "graph_keras_model",
                             content=b"1")
        self._writer("train").add_summary([value], 0)
