"""The loss-named metrics (cross-entropies, KL divergence, hinges, Poisson, log-cosh), R2Score,
F1Score / FBetaScore and the IoU family: values against Keras 3 and scikit-learn, names in
compile, configs and argument errors."""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import neuronet as nn_keras
from neuronet import losses, metrics

sk = pytest.importorskip("sklearn.metrics")


# --- data -------------------------------------------------------------------------------------

def make_data():
    """Random inputs of every kind the metrics take, weights, and a small model's inputs and
    weights, for n = 24 samples (the same arrays on every call)."""
    rng = np.random.default_rng(7)
    n, k = 24, 4
    labels = rng.integers(0, k, n)
    regression = rng.normal(size=(n, 3)).astype(np.float32)
    return dict(
        labels=labels,
        predicted=rng.integers(0, k, n),
        onehot=np.eye(k, dtype=np.float32)[labels],
        probs=rng.dirichlet(np.ones(k), n).astype(np.float32),
        logits=rng.normal(size=(n, k)).astype(np.float32),
        binary=rng.integers(0, 2, (n, 3)).astype(np.float32),
        scores=rng.random((n, 3)).astype(np.float32),
        flags=rng.integers(0, 2, n).astype(np.float32),
        flag_scores=rng.random(n).astype(np.float32),
        y_reg=regression,
        p_reg=(regression + 0.6 * rng.normal(size=(n, 3))).astype(np.float32),
        positive=rng.random((n, 3)).astype(np.float32) * 3,
        weights=rng.random(n).astype(np.float32),
        x=rng.normal(size=(n, 5)).astype(np.float32),
        kernel=rng.normal(size=(5, k)).astype(np.float32),
        bias=rng.normal(size=k).astype(np.float32),
    )


@pytest.fixture
def data():
    return make_data()


def in_two_batches(metric, y_true, y_pred, sample_weight=None, split=10):
    """The result after two update_state calls (the batches split at `split`)."""
    for part in (slice(0, split), slice(split, None)):
        weight = None if sample_weight is None else sample_weight[part]
        metric.update_state(y_true[part], y_pred[part], sample_weight=weight)
    return metric.result()


# --- Keras 3 itself as the oracle ---------------------------------------------------------------

# (class name, arguments, y_true key, y_pred key): the same calls go to Keras 3 and to neuronet
CASES = [
    ("BinaryCrossentropy", {}, "binary", "scores"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary", "y_reg"),
    ("CategoricalCrossentropy", {}, "onehot", "probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot", "logits"),
    ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
    ("KLDivergence", {}, "onehot", "probs"),
    ("Poisson", {}, "positive", "scores"),
    ("Hinge", {}, "binary", "y_reg"),
    ("SquaredHinge", {}, "binary", "y_reg"),
    ("CategoricalHinge", {}, "onehot", "logits"),
    ("LogCoshError", {}, "y_reg", "p_reg"),
    ("R2Score", {}, "y_reg", "p_reg"),
    ("R2Score", {"class_aggregation": "variance_weighted_average", "num_regressors": 3},
     "y_reg", "p_reg"),
    ("R2Score", {"class_aggregation": None}, "y_reg", "p_reg"),
    ("F1Score", {}, "onehot", "probs"),
    ("F1Score", {"average": "micro", "threshold": 0.3}, "onehot", "probs"),
    ("FBetaScore", {"average": "weighted", "beta": 2.0}, "onehot", "probs"),
    ("FBetaScore", {"average": "macro", "beta": 0.5, "threshold": 0.5}, "binary", "scores"),
    ("IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, "labels", "predicted"),
    ("MeanIoU", {"num_classes": 4, "ignore_class": 1, "sparse_y_pred": False}, "labels", "probs"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "flags", "flag_scores"),
    ("OneHotIoU", {"num_classes": 4, "target_class_ids": [1, 3]}, "onehot", "probs"),
    ("OneHotMeanIoU", {"num_classes": 4}, "onehot", "probs"),
]
# metric strings in compile, with the loss 'categorical_crossentropy'
COMPILE_NAMES = ["categorical_crossentropy", "kl_divergence", "categorical_hinge", "poisson",
                 "mape", "msle", "cosine_similarity", "r2_score", "f1_score", "log_cosh_error"]

# Run in a child process on Keras' NumPy backend: its JAX backend compiles every op on first
# use, about a second per metric class.
KERAS_CHILD = """
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
import keras

request = json.load(sys.stdin)
data = np.load(request["data"])
cases = []
for name, arguments, true_key, pred_key in request["cases"]:
    if name.endswith("IoU"):
        arguments["dtype"] = "float32"     # the default int32 would truncate the weights
    values = []
    for weighted in (False, True):
        metric = getattr(keras.metrics, name)(**arguments)
        for part in (slice(0, 10), slice(10, None)):
            weight = data["weights"][part] if weighted else None
            metric.update_state(data[true_key][part], data[pred_key][part], sample_weight=weight)
        values.append(np.asarray(metric.result()).tolist())
    cases.append(values)
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="softmax")])
model.set_weights([data["kernel"], data["bias"]])
model.compile(loss="categorical_crossentropy", metrics=request["names"])
logs = model.evaluate(data["x"], data["onehot"], batch_size=7, verbose=0, return_dict=True)
with open(request["out"], "w") as out:
    json.dump({"cases": cases, "logs": {k: np.asarray(v).tolist() for k, v in logs.items()}}, out)
"""


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    """What Keras 3 computes for CASES and for COMPILE_NAMES in `evaluate`."""
    if importlib.util.find_spec("keras") is None:
        pytest.skip("Keras 3 is not installed")
    folder = tmp_path_factory.mktemp("keras")
    np.savez(folder / "data.npz", **make_data())
    request = {"data": str(folder / "data.npz"), "cases": CASES, "names": COMPILE_NAMES,
               "out": str(folder / "out.json")}
    child = subprocess.run([sys.executable, "-c", KERAS_CHILD], input=json.dumps(request),
                           capture_output=True, text=True, timeout=300,
                           env={**os.environ, "KERAS_BACKEND": "numpy"})
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads((folder / "out.json").read_text())


def test_values_match_keras_itself(keras_results, data):
    """Every new metric against Keras 3, unweighted and weighted, over two batches."""
    for (name, arguments, true_key, pred_key), expected in zip(CASES, keras_results["cases"]):
        for weights, keras_value in zip((None, data["weights"]), expected):
            metric = getattr(metrics, name)(**arguments)
            ours = in_two_batches(metric, data[true_key], data[pred_key], weights)
            np.testing.assert_allclose(ours, keras_value, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name}{arguments} weighted={weights is not None}")


def test_compile_names_and_values_match_keras_itself(keras_results, data):
    """Loss-named metric strings in compile: Keras' log keys and values, on uneven batches."""
    model = nn_keras.Sequential([nn_keras.Input((5,)),
                                 nn_keras.layers.Dense(4, activation="softmax")])
    model.set_weights([data["kernel"], data["bias"]])
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=COMPILE_NAMES)
    logs = model.evaluate(data["x"], data["onehot"], batch_size=7, verbose=0, return_dict=True)
    expected = keras_results["logs"]
    assert set(logs) == set(expected) == {"loss", *COMPILE_NAMES}
    for key in expected:
        np.testing.assert_allclose(logs[key], expected[key], rtol=2e-5, err_msg=key)


# --- loss-named metrics: the weighted mean over samples of the per-sample loss -----------------

def _log_loss_per_sample(y, p):
    p = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=-1)


@pytest.mark.parametrize("name", ["binary_crossentropy", "kld", "hinge", "logcosh", "poisson"])
def test_loss_named_strings_in_fit_give_history_keys_and_sample_means(name, rng):
    x = rng.normal(size=(23, 4)).astype(np.float32)
    y = (rng.random((23, 2)) < 0.5).astype(np.float32)
    model = nn_keras.Sequential([nn_keras.Input((4,)),
                                 nn_keras.layers.Dense(2, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="mse", metrics=[name])
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == {"loss", name}
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)   # 8 + 8 + 7
    per_sample = getattr(losses, name)(y, model.predict(x, verbose=0)).data
    assert logs[name] == pytest.approx(per_sample.mean(), rel=1e-5)


def test_binary_crossentropy_formula_weights_and_rank_1_entries(rng):
    y = (rng.random((30, 3)) < 0.5).astype(np.float32)
    p = rng.random((30, 3)).astype(np.float32)
    w = rng.random(30)
    expected = np.average(_log_loss_per_sample(y, p), weights=w)
    assert in_two_batches(metrics.BinaryCrossentropy(), y, p, w) == pytest.approx(expected, 1e-5)
    # columns (n, 1): each entry is one sample with its own weight
    expected = np.average(_log_loss_per_sample(y[:, :1], p[:, :1]), weights=w)
    assert metrics.BinaryCrossentropy()(y[:, :1], p[:, :1], sample_weight=w) == \
        pytest.approx(expected, rel=1e-5)
    assert np.asarray(metrics.binary_crossentropy(y, p)).shape == (30,)
    # a pair of rank-1 arrays is one sample, as in Keras: no weight per entry
    assert metrics.BinaryCrossentropy()(y[:, 0], p[:, 0]) == \
        pytest.approx(_log_loss_per_sample(y[:, :1], p[:, :1]).mean(), rel=1e-5)
    with pytest.raises(ValueError, match=r"one value for the whole batch.*\(n, 1\)"):
        metrics.BinaryCrossentropy()(y[:, 0], p[:, 0], sample_weight=w)


def test_sparse_categorical_crossentropy_ignore_class_leaves_samples_out(rng):
    labels = rng.integers(0, 3, (6, 5))                     # sequences of 5 steps
    probs = rng.dirichlet(np.ones(3), (6, 5)).astype(np.float32)
    w = rng.random(6)
    per_step = -np.log(np.take_along_axis(probs, labels[..., None], -1)[..., 0].astype(float))
    keep = labels != 2
    ignore = metrics.SparseCategoricalCrossentropy(ignore_class=2)
    assert ignore(labels, probs) == pytest.approx(per_step[keep].mean(), rel=1e-5)
    step_weights = np.broadcast_to(w[:, None], keep.shape)
    weighted = metrics.SparseCategoricalCrossentropy(ignore_class=2)
    assert weighted(labels[..., None], probs, sample_weight=w) == pytest.approx(
        np.average(per_step[keep], weights=step_weights[keep]), rel=1e-5)


# --- R2Score against scikit-learn --------------------------------------------------------------

@pytest.mark.parametrize("aggregation, multioutput", [
    ("uniform_average", "uniform_average"), ("variance_weighted_average", "variance_weighted"),
    (None, "raw_values")])
def test_r2_score_matches_sklearn(data, aggregation, multioutput):
    y, p, w = data["y_reg"], data["p_reg"], data["weights"]
    for weights in (None, w):
        metric = metrics.R2Score(class_aggregation=aggregation)
        np.testing.assert_allclose(
            in_two_batches(metric, y, p, weights),
            sk.r2_score(y, p, sample_weight=weights, multioutput=multioutput), rtol=1e-5)
    if aggregation is None:
        assert metric.result().dtype == np.float32 and metric.result().shape == (3,)


def test_r2_score_adjusted_single_output_and_reset(data):
    y, p = data["y_reg"][:, 0], data["p_reg"][:, 0]           # rank 1: one output
    plain = sk.r2_score(y, p)
    n, regressors = len(y), 4
    adjusted = metrics.R2Score(num_regressors=regressors)
    assert in_two_batches(adjusted, y, p) == pytest.approx(
        1 - (1 - plain) * (n - 1) / (n - regressors - 1), rel=1e-5)
    adjusted.reset_state()
    assert adjusted(y[:8], p[:8]) == pytest.approx(
        1 - (1 - sk.r2_score(y[:8], p[:8])) * 7 / 3, rel=1e-5)
    with pytest.warns(UserWarning, match="plain R2"):
        assert metrics.R2Score(num_regressors=3)(y[:4], p[:4]) == pytest.approx(
            sk.r2_score(y[:4], p[:4]), rel=1e-5)
    assert metrics.R2Score().result() == 0.0


# --- F-scores against scikit-learn -------------------------------------------------------------

@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("beta", [1.0, 0.5, 3.0])
def test_fbeta_score_matches_sklearn(data, average, beta):
    y, scores, w = data["binary"], data["scores"], data["weights"]
    for threshold in (0.4, None):
        predicted = scores > 0.4 if threshold else scores == scores.max(axis=1, keepdims=True)
        expected = sk.fbeta_score(y, predicted.astype(int), beta=beta, average=average,
                                  sample_weight=w, zero_division=0)
        metric = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
        np.testing.assert_allclose(in_two_batches(metric, y, scores, w), expected, rtol=1e-5)
    if average is None:
        assert metric.result().dtype == np.float32


def test_f1_score_of_one_hot_labels_and_ties(data):
    labels, probs, w = data["labels"], data["probs"], data["weights"]
    expected = sk.f1_score(labels, probs.argmax(1), average="macro", sample_weight=w,
                           labels=range(4), zero_division=0)
    f1 = metrics.F1Score(average="macro")
    assert in_two_batches(f1, data["onehot"], probs, w) == pytest.approx(expected, rel=1e-5)
    # with threshold None every tied best score is predicted, a row of zeros predicts nothing
    ties = metrics.F1Score()
    result = ties([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0],
                                                    [0.2, 0.1, 0.7]])
    np.testing.assert_allclose(result, [1.0, 0.0, 1.0], atol=1e-6)
    assert metrics.F1Score().result() == 0.0


# --- IoU metrics against scikit-learn's jaccard_score ------------------------------------------

def test_iou_metrics_match_jaccard(rng):
    n, k = 200, 5
    labels, predicted = rng.integers(0, 4, n), rng.integers(0, 4, n)     # class 4 never occurs
    w = rng.random(n)
    per_class = sk.jaccard_score(labels, predicted, labels=range(k), average=None,
                                 sample_weight=w, zero_division=0)
    mean_iou = metrics.MeanIoU(num_classes=k)
    # the mean is over the classes present in y_true or y_pred
    assert in_two_batches(mean_iou, labels, predicted, w) == pytest.approx(
        per_class[:4].mean(), rel=1e-5)
    iou = metrics.IoU(num_classes=k, target_class_ids=[1, 3])
    assert in_two_batches(iou, labels, predicted, w) == pytest.approx(
        per_class[[1, 3]].mean(), rel=1e-5)
    scores = rng.random((n, k)).astype(np.float32)
    one_hot = metrics.OneHotMeanIoU(num_classes=k)
    expected = sk.jaccard_score(labels, scores.argmax(1), labels=range(k), average=None,
                                sample_weight=w, zero_division=0).mean()
    assert in_two_batches(one_hot, np.eye(k)[labels], scores, w) == pytest.approx(expected, 1e-5)
    ignoring = metrics.MeanIoU(num_classes=4, ignore_class=0)
    keep = labels != 0
    expected = sk.jaccard_score(labels[keep], predicted[keep], labels=range(4), average=None,
                                sample_weight=w[keep], zero_division=0)
    assert ignoring(labels, predicted, sample_weight=w) == pytest.approx(expected.mean(), 1e-5)


def test_binary_iou_thresholds_at_or_above_and_weighs_entries(rng):
    y = rng.integers(0, 2, (50, 4))
    scores = rng.random((50, 4)).astype(np.float32)
    scores[0, 0] = 0.5                                        # exactly at the threshold: class 1
    w = rng.random(50)
    predicted = (scores >= 0.5).astype(int)
    entry_weights = np.broadcast_to(w[:, None], y.shape).ravel()
    for targets in ([0, 1], [1]):
        expected = sk.jaccard_score(y.ravel(), predicted.ravel(), labels=targets, average=None,
                                    sample_weight=entry_weights).mean()
        metric = metrics.BinaryIoU(target_class_ids=targets)
        assert in_two_batches(metric, y, scores, w) == pytest.approx(expected, rel=1e-5)
    # one positive and one negative, both scored 0.5: class 1 is predicted for both
    assert metrics.BinaryIoU([1])([1, 0], [0.5, 0.5]) == pytest.approx(0.5, rel=1e-5)


def test_iou_segmentation_maps_and_reset(rng):
    """Label maps (n, h, w) against per-pixel class scores (n, h, w, k)."""
    labels = rng.integers(0, 3, (2, 4, 4))
    scores = rng.random((2, 4, 4, 3)).astype(np.float32)
    metric = metrics.MeanIoU(num_classes=3, sparse_y_pred=False)
    expected = sk.jaccard_score(labels.ravel(), scores.argmax(-1).ravel(), average="macro")
    assert metric(labels, scores) == pytest.approx(expected, rel=1e-5)
    metric.reset_state()
    assert metric.result() == 0.0


# --- names, configs, errors ---------------------------------------------------------------------

KERAS_NAMES = {  # class -> its default name in Keras 3
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "KLDivergence": "kl_divergence", "Poisson": "poisson", "Hinge": "hinge",
    "SquaredHinge": "squared_hinge", "CategoricalHinge": "categorical_hinge",
    "LogCoshError": "logcosh", "R2Score": "r2_score", "F1Score": "f1_score",
    "FBetaScore": "fbeta_score", "BinaryIoU": "binary_io_u",
}


def test_default_names_and_string_identifiers():
    for cls, name in KERAS_NAMES.items():
        assert getattr(metrics, cls)().name == name
    assert metrics.MeanIoU(3).name == "mean_io_u" and metrics.IoU(3, [0]).name == "io_u"
    for identifier, cls in [
            ("binary_crossentropy", "BinaryCrossentropy"), ("bce", "BinaryCrossentropy"),
            ("BCE", "BinaryCrossentropy"), ("categorical_crossentropy", "CategoricalCrossentropy"),
            ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
            ("kl_divergence", "KLDivergence"), ("kld", "KLDivergence"), ("KLD", "KLDivergence"),
            ("hinge", "Hinge"), ("squared_hinge", "SquaredHinge"),
            ("categorical_hinge", "CategoricalHinge"), ("poisson", "Poisson"),
            ("log_cosh", "LogCoshError"), ("logcosh", "LogCoshError"),
            ("log_cosh_error", "LogCoshError"), ("mape", "MeanAbsolutePercentageError"),
            ("msle", "MeanSquaredLogarithmicError"), ("cosine_similarity", "CosineSimilarity"),
            ("r2_score", "R2Score"), ("f1_score", "F1Score"), ("fbeta_score", "FBetaScore"),
            ("binary_iou", "BinaryIoU"), ("BinaryIoU", "BinaryIoU")]:
        assert type(metrics.get(identifier)) is getattr(metrics, cls), identifier


@pytest.mark.parametrize("metric", [
    metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.2, name="bce"),
    metrics.CategoricalCrossentropy(label_smoothing=0.1, axis=-1),
    metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
    metrics.KLDivergence(dtype="float64"), metrics.LogCoshError(), metrics.CategoricalHinge(),
    metrics.R2Score(class_aggregation=None, num_regressors=2),
    metrics.FBetaScore(average="weighted", beta=2.0, threshold=0.3), metrics.F1Score("macro"),
    metrics.IoU(4, [1, 2], ignore_class=255, sparse_y_pred=False),
    metrics.MeanIoU(4, name="miou"), metrics.BinaryIoU([1], threshold=0.2),
    metrics.OneHotIoU(4, [0, 3]), metrics.OneHotMeanIoU(4, sparse_y_pred=True),
], ids=lambda m: type(m).__name__)
def test_config_round_trips_through_json(metric):
    config = json.loads(json.dumps(metrics.serialize(metric)))
    clone = metrics.deserialize(config)
    assert type(clone) is type(metric) and clone.get_config() == metric.get_config()


def test_configs_hold_keras_keys():
    assert metrics.F1Score().get_config() == {"name": "f1_score", "dtype": "float32",
                                              "average": None, "threshold": None}
    assert set(metrics.OneHotMeanIoU(3).get_config()) == {
        "name", "dtype", "num_classes", "ignore_class", "sparse_y_pred", "axis"}
    assert set(metrics.BinaryIoU().get_config()) == {"name", "dtype", "target_class_ids",
                                                     "threshold"}
    assert metrics.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": False,
        "ignore_class": None, "axis": -1}


@pytest.mark.parametrize("make, message", [
    (lambda: metrics.FBetaScore(average="mean"), r"FBetaScore: .*`average`.*average='mean'"),
    (lambda: metrics.FBetaScore(beta=0), r"FBetaScore: expected `beta` .*> 0, received beta=0"),
    (lambda: metrics.F1Score(threshold=1.5), r"F1Score: expected `threshold` .*received thr"),
    (lambda: metrics.R2Score(class_aggregation="median"), r"R2Score: .*`class_aggregation`"),
    (lambda: metrics.R2Score(num_regressors=-1), r"R2Score: expected `num_regressors` to be "
                                                  r"an integer >= 0, received num_regressors=-1"),
    (lambda: metrics.IoU(3, [0, 3]), r"IoU: expected class ids in \[0, 3\) in target_class_ids"),
    (lambda: metrics.IoU(3, []), r"IoU: expected `target_class_ids` to be a non-empty list"),
    (lambda: metrics.MeanIoU(0), r"MeanIoU: expected `num_classes` to be an integer >= 1"),
    (lambda: metrics.MeanIoU(3, ignore_class="void"), r"expected `ignore_class` to be an integer"),
    (lambda: metrics.BinaryCrossentropy(label_smoothing=2),
     r"BinaryCrossentropy: expected `label_smoothing` .*\[0, 1\], received label_smoothing=2"),
    (lambda: metrics.SparseCategoricalCrossentropy(ignore_class=1.5),
     r"SparseCategoricalCrossentropy: expected `ignore_class` to be an integer"),
    (lambda: metrics.get("mean_iou"), r"MeanIoU has no default for num_classes"),
    (lambda: metrics.get("iou"), r"IoU has no default for num_classes, target_class_ids"),
])
def test_argument_errors_name_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_input_errors_name_the_metric_and_shapes(rng):
    with pytest.raises(ValueError, match=r"mean_io_u: expected class ids in \[0, 3\) in y_true, "
                                         r"received values from 0 to 5"):
        metrics.MeanIoU(3)([0, 5], [0, 1])
    with pytest.raises(ValueError, match=r"f1_score: expected y_true and y_pred of one shape "
                                         r"\(batch_size, classes\)"):
        metrics.F1Score()([0, 1], [0.2, 0.8])
    r2 = metrics.R2Score()
    with pytest.raises(ValueError, match=r"r2_score: expected .* \(batch_size, outputs\)"):
        r2(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    r2(np.zeros((4, 2)), rng.random((4, 2)))
    with pytest.raises(ValueError, match=r"r2_score: expected 2 outputs"):
        r2(np.zeros((4, 3)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"categorical_crossentropy: expected y_true and y_pred"):
        metrics.CategoricalCrossentropy()([0, 1], np.eye(2))


def test_iou_from_a_keras_config_and_sample_weights_of_a_column(real_keras):
    """Keras' IoU config (dtype 'int32') loads and truncates fractional weights as Keras; a
    weight column (n, 1) for labels (n,) weighs the labels as Keras (which flattens it)."""
    y_true = np.array([0, 1, 2, 1, 0, 2], np.int32)
    y_pred = np.array([0, 1, 1, 1, 2, 2], np.int32)
    fractional = np.array([0.7, 1.5, 0.5, 1.0, 2.0, 0.9], np.float32)
    column = np.array([[1], [2], [1], [1], [3], [1]], np.float32)
    theirs = real_keras.metrics.MeanIoU(num_classes=3)
    mine = metrics.MeanIoU.from_config(theirs.get_config())
    assert mine.get_config()["dtype"] == "int32"
    for weights in (fractional, column):
        theirs.reset_state()
        theirs.update_state(y_true, y_pred, sample_weight=weights)
        mine.reset_state()
        mine.update_state(y_true, y_pred, sample_weight=weights)
        assert mine.result() == pytest.approx(float(theirs.result()), rel=1e-6)
    default = metrics.MeanIoU(num_classes=3)                    # floats: weights kept whole
    default.update_state(y_true, y_pred, sample_weight=column)
    assert default.result() == pytest.approx(float(theirs.result()), rel=1e-6)


def test_sparse_categorical_crossentropy_ignore_class_with_a_weight_column(real_keras):
    labels = np.array([0, 1, 2, 1], np.int32)
    probs = np.array([[.7, .2, .1], [.2, .5, .3], [.1, .1, .8], [.3, .3, .4]], np.float32)
    column = np.array([[1.0], [1.0], [2.0], [1.0]], np.float32)
    theirs = real_keras.metrics.SparseCategoricalCrossentropy(ignore_class=1)
    mine = metrics.SparseCategoricalCrossentropy(ignore_class=1)
    assert mine(labels, probs, sample_weight=column) == pytest.approx(
        float(theirs(labels, probs, sample_weight=column)), rel=1e-5)
