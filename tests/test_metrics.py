import json

import numpy as np
import pytest

import neuronet
from neuronet import metrics
from neuronet.autograd import Tensor
from neuronet.metrics import (AUC, Accuracy, BinaryAccuracy, CategoricalAccuracy, CosineSimilarity,
                              FalseNegatives, FalsePositives, Mean, MeanAbsoluteError,
                              MeanAbsolutePercentageError, MeanMetricWrapper, MeanSquaredError,
                              MeanSquaredLogarithmicError, Metric, Precision, Recall,
                              RootMeanSquaredError, SparseCategoricalAccuracy,
                              SparseTopKCategoricalAccuracy, Sum, TopKCategoricalAccuracy,
                              TrueNegatives, TruePositives)

sk = pytest.importorskip("sklearn.metrics")


# --- data -------------------------------------------------------------------------------------

@pytest.fixture
def binary(rng):
    """Labels (n,), scores (n, 1) in [0, 1] that lean towards the labels, weights (n,)."""
    n = 300
    y = rng.integers(0, 2, n)
    p = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1).astype(np.float32)
    return y, p[:, None], rng.random(n)


@pytest.fixture
def classes(rng):
    """Integer labels (n,), one-hot labels (n, c), distinct scores (n, c), weights (n,)."""
    n, c = 120, 6
    labels = rng.integers(0, c, n)
    scores = rng.random((n, c)).astype(np.float32)
    return labels, np.eye(c, dtype=np.float32)[labels], scores, rng.random(n)


def weighted_mean(values, weights=None):
    return np.average(values, weights=weights)


def top_k_hits(labels, scores, k):
    """1 where the label is among the k best scores, by ranking each row from scratch."""
    rank = (scores > scores[np.arange(len(labels)), labels][:, None]).sum(axis=1)
    return (rank < k).astype(float)


# --- Mean, Sum, MeanMetricWrapper -------------------------------------------------------------

def test_mean_and_sum_weighted_values():
    values, w = np.array([1.0, 3.0, 5.0, 7.0]), np.array([1.0, 1.0, 0.0, 0.0])
    assert Mean()(values) == 4.0
    assert Mean()(values, sample_weight=w) == 2.0
    assert Sum()(values) == 16.0
    assert Sum()(values, sample_weight=w) == 4.0


def test_mean_reduces_extra_axes_per_sample_and_weighs_samples(rng):
    values, w = rng.random((5, 3)), rng.random(5)
    assert Mean()(values, sample_weight=w) == pytest.approx(np.average(values.mean(1), weights=w))
    assert Sum()(values, sample_weight=w) == pytest.approx((values.sum(1) * w).sum())
    # a scalar weight scales the whole batch, which then counts as that many samples (Keras)
    m = Mean()
    m.update_state(values, sample_weight=2.0)
    assert m.result() == pytest.approx(values.mean())
    assert m.count.data == 2.0


def test_mean_with_weights_per_entry(rng):
    values, w = rng.random((6, 4)), rng.random((6, 4))
    assert Mean()(values, sample_weight=w) == pytest.approx(np.average(values, weights=w))
    assert Sum()(values, sample_weight=w) == pytest.approx((values * w).sum())


def test_mean_result_is_zero_before_any_update_and_after_reset():
    m = Mean()
    assert m.result() == 0.0
    m.update_state([2.0, 4.0])
    assert m.result() == 3.0
    m.reset_state()
    assert m.result() == 0.0 and m.total.data == 0.0 and m.count.data == 0.0
    m.update_state([5.0])
    assert m.result() == 5.0


def test_mean_rejects_weights_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"mean: sample_weight of shape \(3,\)"):
        Mean().update_state(np.ones(4), sample_weight=np.ones(3))


def test_mean_metric_wrapper_weighted_mean_of_a_function(rng):
    def abs_diff(y_true, y_pred, scale=1.0):
        return scale * np.abs(y_true - y_pred).mean(axis=-1)

    y_true, y_pred, w = rng.random((8, 3)), rng.random((8, 3)), rng.random(8)
    m = MeanMetricWrapper(abs_diff, name="abs_diff", scale=2.0)
    assert m.name == "abs_diff"
    expected = np.average(2.0 * np.abs(y_true - y_pred).mean(1), weights=w)
    assert m(y_true, y_pred, sample_weight=w) == pytest.approx(expected)
    assert MeanMetricWrapper(abs_diff).name == "mean_metric_wrapper"    # Keras' default name


def test_call_updates_then_returns_the_running_result():
    m = Accuracy()
    assert m([[1], [2]], [[1], [0]]) == 0.5
    assert m([[3], [4]], [[3], [4]]) == 0.75        # two batches: 3 hits of 4


def test_tensor_inputs_give_the_same_values_and_record_nothing(binary):
    y, p, w = binary
    p_tensor = Tensor(p, requires_grad=True)
    for make in (BinaryAccuracy, AUC, Precision, MeanSquaredError):
        assert make()(Tensor(y), p_tensor, sample_weight=Tensor(w)) == make()(y, p, sample_weight=w)
    assert p_tensor.grad is None


def test_result_types_and_dtype():
    single = BinaryAccuracy()([1, 0], [0.7, 0.2])           # a NumPy scalar, as Keras' 0-d result
    assert type(single) is np.float32 and single.shape == () and single.item() == 1.0
    result = Precision(thresholds=[0.3, 0.6])([1, 0, 1], [0.5, 0.4, 0.9])
    assert isinstance(result, np.ndarray) and result.dtype == np.float32
    np.testing.assert_allclose(result, [2 / 3, 1.0])
    assert Precision(thresholds=[0.3, 0.6], dtype="float64").dtype == "float64"
    with pytest.raises(ValueError, match="Mean: expected a float `dtype`, received 'int32'"):
        Mean(dtype="int32")


# --- accuracy family --------------------------------------------------------------------------

def test_accuracy_exact_equality_weighted():
    m = Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert m.result() == 0.5
    assert Accuracy()([[1, 2], [3, 4]], [[1, 0], [3, 4]]) == 0.75     # entries within a sample


def test_binary_accuracy_thresholds_and_label_shapes(binary):
    y, p, w = binary
    for threshold in (0.3, 0.5, 0.9):
        hits = (y == (p[:, 0] > threshold))
        expected = weighted_mean(hits, w)
        assert BinaryAccuracy(threshold=threshold)(y, p, sample_weight=w) == pytest.approx(expected)
        assert BinaryAccuracy(threshold=threshold)(y[:, None], p, sample_weight=w) == \
            pytest.approx(expected)
        assert BinaryAccuracy(threshold=threshold)(y, p[:, 0], sample_weight=w) == \
            pytest.approx(expected)
    values = metrics.binary_accuracy(y, p)                     # one hit per entry, as Keras 3
    assert values.shape == (len(y), 1) and values.dtype == np.float32
    with pytest.raises(ValueError, match=r"invalid value for argument `threshold`.*'0.5'"):
        BinaryAccuracy(threshold="0.5")


def test_accuracy_functions_give_one_hit_per_entry_weighted_entry_by_entry():
    y = np.array([[0, 1], [1, 1]], np.float32)
    p = np.array([[0.2, 0.7], [0.4, 0.9]], np.float32)
    np.testing.assert_array_equal(metrics.binary_accuracy(y, p), [[1, 1], [0, 1]])
    np.testing.assert_array_equal(metrics.accuracy(y, np.round(p)), [[1, 1], [0, 1]])
    weights = np.array([[1, 0], [0.5, 0.5]], np.float32)        # one weight per entry
    # per sample: the weighted hits' mean over the entries and the weights' mean, (0.5, 0.25)
    # and (0.5, 0.5): (0.5 + 0.25) / (0.5 + 0.5)
    assert BinaryAccuracy()(y, p, sample_weight=weights) == pytest.approx(0.75)


def test_metric_functions_of_a_rank_1_pair_are_the_loss_functions():
    """Keras' metric functions are its loss functions: a rank-1 pair is one sample."""
    y = np.array([0, 1, 1, 0], np.float32)
    p = np.array([0.2, 0.7, 0.4, 0.9], np.float32)
    for name in ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error", "log_cosh", "huber", "binary_crossentropy",
                 "binary_focal_crossentropy", "hinge", "squared_hinge", "poisson",
                 "kl_divergence"):
        value = getattr(metrics, name)(y, p)
        assert np.shape(value) == (), name
        assert float(value) == pytest.approx(float(getattr(neuronet.losses, name)(y, p).data),
                                             rel=1e-6), name
    assert float(metrics.mean_squared_error(y, p)) == pytest.approx(np.mean((y - p) ** 2))
    m = neuronet.metrics.MeanSquaredError()                      # one sample per batch, as Keras
    m.update_state(y[:3], p[:3])
    m.update_state(y[3:], p[3:])
    assert m.result() == pytest.approx((np.mean((y[:3] - p[:3]) ** 2) + (y[3] - p[3]) ** 2) / 2)


def test_metric_functions_match_keras(real_keras):
    y = np.array([0, 1, 1, 0], np.float32)
    p = np.array([0.2, 0.7, 0.4, 0.9], np.float32)
    for name in ("mean_squared_error", "mean_absolute_error", "binary_crossentropy", "hinge",
                 "huber", "poisson", "log_cosh", "binary_accuracy"):
        for yt, yp in ((y, p), (y[:, None], p[:, None]), (y.reshape(2, 2), p.reshape(2, 2))):
            expected = np.asarray(getattr(real_keras.metrics, name)(yt, yp))
            np.testing.assert_allclose(getattr(metrics, name)(yt, yp), expected, rtol=1e-6,
                                       err_msg=f"{name} {yt.shape}")
    y2, p2 = y.reshape(2, 2), p.reshape(2, 2)
    weights = np.array([[1, 0], [0.5, 0.5]], np.float32)
    expected = real_keras.metrics.BinaryAccuracy()(y2, p2, sample_weight=weights)
    assert BinaryAccuracy()(y2, p2, sample_weight=weights) == pytest.approx(float(expected))


def test_binary_accuracy_of_logits_with_threshold_zero():
    """Keras 3 takes any threshold (keras-team/keras#20101): 0.0 for a logit output."""
    logits = np.array([[-2.0], [0.5], [3.0], [-0.1]], np.float32)
    labels = np.array([0, 0, 1, 1])
    assert BinaryAccuracy(threshold=0.0)(labels, logits) == pytest.approx(0.5)
    assert BinaryAccuracy(threshold=1.5)(labels, logits) == pytest.approx(0.75)


def test_categorical_and_sparse_categorical_accuracy(classes):
    labels, one_hot, scores, w = classes
    expected = weighted_mean(labels == scores.argmax(1), w)
    assert CategoricalAccuracy()(one_hot, scores, sample_weight=w) == pytest.approx(expected)
    assert SparseCategoricalAccuracy()(labels, scores, sample_weight=w) == pytest.approx(expected)
    assert SparseCategoricalAccuracy()(labels[:, None], scores, sample_weight=w) == \
        pytest.approx(expected)
    assert SparseCategoricalAccuracy()(labels.astype(np.float32), scores) == \
        pytest.approx(np.mean(labels == scores.argmax(1)))


def test_sequence_outputs_average_over_time_steps(rng):
    labels, scores = rng.integers(0, 4, (5, 7)), rng.random((5, 7, 4))
    hits = labels == scores.argmax(-1)
    assert SparseCategoricalAccuracy()(labels, scores) == pytest.approx(hits.mean())
    w = rng.random(5)
    assert SparseCategoricalAccuracy()(labels, scores, sample_weight=w) == \
        pytest.approx(np.average(hits.mean(1), weights=w))


@pytest.mark.parametrize("k", [1, 2, 5, 6, 10])
def test_top_k_accuracies(classes, k):
    labels, one_hot, scores, w = classes
    expected = weighted_mean(top_k_hits(labels, scores, k), w)
    assert TopKCategoricalAccuracy(k=k)(one_hot, scores, sample_weight=w) == pytest.approx(expected)
    assert SparseTopKCategoricalAccuracy(k=k)(labels, scores, sample_weight=w) == \
        pytest.approx(expected)
    sorted_ids = np.argsort(-scores, axis=1)
    assert SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True)(
        labels, sorted_ids, sample_weight=w) == pytest.approx(expected)


def test_top_k_counts_ties_at_the_kth_place_as_hits():
    scores = np.array([[0.5, 0.5, 0.5, 0.1]])
    assert metrics.sparse_top_k_categorical_accuracy([2], scores, k=1)[0] == 1.0
    assert metrics.sparse_top_k_categorical_accuracy([3], scores, k=3)[0] == 0.0
    assert metrics.top_k_categorical_accuracy([[0, 0, 0, 1]], scores, k=4)[0] == 1.0


def test_accuracy_input_errors(classes):
    labels, one_hot, scores, _ = classes
    with pytest.raises(ValueError, match=r"categorical_accuracy: expected one-hot y_true"):
        CategoricalAccuracy()(labels, scores)
    with pytest.raises(ValueError, match=r"sparse_categorical_accuracy: expected integer labels"):
        SparseCategoricalAccuracy()(one_hot, scores)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 6\).*6"):
        SparseTopKCategoricalAccuracy(k=2)(np.full(len(labels), 6), scores)
    with pytest.raises(ValueError, match=r"binary_accuracy: expected y_true and y_pred of the "
                                         r"same shape.*\(4,\).*\(3,\)"):
        metrics.binary_accuracy(np.ones(4), np.ones(3))
    with pytest.raises(ValueError, match="expected `k` to be an integer >= 1, received k=0"):
        TopKCategoricalAccuracy(k=0)


# --- precision, recall, confusion counts ------------------------------------------------------

@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.7])
def test_precision_recall_match_sklearn(binary, threshold):
    y, p, w = binary
    predicted = (p[:, 0] > threshold).astype(int)
    for weights in (None, w):
        assert Precision(thresholds=threshold)(y, p, sample_weight=weights) == pytest.approx(
            sk.precision_score(y, predicted, sample_weight=weights), abs=1e-12)
        assert Recall(thresholds=threshold)(y, p, sample_weight=weights) == pytest.approx(
            sk.recall_score(y, predicted, sample_weight=weights), abs=1e-12)


def test_precision_recall_several_thresholds_in_given_order(binary):
    y, p, w = binary
    thresholds = [0.7, 0.1, 0.45]
    expected_p = [sk.precision_score(y, p[:, 0] > t, sample_weight=w) for t in thresholds]
    expected_r = [sk.recall_score(y, p[:, 0] > t, sample_weight=w) for t in thresholds]
    np.testing.assert_allclose(Precision(thresholds)(y, p, sample_weight=w), expected_p, rtol=1e-6)
    np.testing.assert_allclose(Recall(thresholds)(y, p, sample_weight=w), expected_r, rtol=1e-6)


def test_confusion_counts_match_sklearn(binary):
    y, p, w = binary
    tn, fp, fn, tp = sk.confusion_matrix(y, p[:, 0] > 0.5, sample_weight=w).ravel()
    for metric, expected in ((TruePositives(), tp), (FalsePositives(), fp),
                             (TrueNegatives(), tn), (FalseNegatives(), fn)):
        assert metric(y, p, sample_weight=w) == pytest.approx(expected, rel=1e-7)  # float32
    assert TruePositives().name == "true_positives"


def test_precision_is_strictly_above_threshold_and_zero_without_predictions():
    assert Precision(thresholds=0.5)([1, 1], [0.5, 0.5]) == 0.0
    assert Recall(thresholds=0.5)([1, 1], [0.5, 0.51]) == 0.5
    assert Recall(thresholds=[0.0, 0.5])([1, 1], [np.nan, 0.9]).tolist() == [0.5, 0.5]  # NaN: below


def test_precision_recall_class_id_and_multilabel(classes):
    labels, one_hot, scores, w = classes
    for class_id in (0, 3):
        predicted = scores[:, class_id] > 0.5
        assert Precision(class_id=class_id)(one_hot, scores, sample_weight=w) == pytest.approx(
            sk.precision_score(one_hot[:, class_id], predicted, sample_weight=w), abs=1e-12)
        assert Recall(class_id=class_id)(one_hot, scores, sample_weight=w) == pytest.approx(
            sk.recall_score(one_hot[:, class_id], predicted, sample_weight=w), abs=1e-12)
    # without class_id every entry is one binary decision
    assert Precision()(one_hot, scores) == pytest.approx(
        sk.precision_score(one_hot.ravel(), scores.ravel() > 0.5), abs=1e-12)
    with pytest.raises(ValueError, match=r"class_id=6 needs y_pred of shape"):
        Precision(class_id=6)(one_hot, scores)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_precision_recall_top_k(classes, k):
    labels, one_hot, scores, w = classes
    top = np.argsort(-scores, axis=1)[:, :k]
    predicted = np.zeros_like(one_hot)
    np.put_along_axis(predicted, top, 1, axis=1)
    weights = np.repeat(w[:, None], one_hot.shape[1], axis=1).ravel()
    assert Precision(top_k=k)(one_hot, scores, sample_weight=w) == pytest.approx(
        sk.precision_score(one_hot.ravel(), predicted.ravel(), sample_weight=weights), abs=1e-12)
    assert Recall(top_k=k)(one_hot, scores, sample_weight=w) == pytest.approx(
        sk.recall_score(one_hot.ravel(), predicted.ravel(), sample_weight=weights), abs=1e-12)
    # top_k with a threshold: among the k best, only the scores above it
    expected = sk.precision_score(one_hot.ravel(), (predicted * (scores > 0.6)).ravel())
    assert Precision(thresholds=0.6, top_k=k)(one_hot, scores) == pytest.approx(expected, abs=1e-12)


def test_precision_top_k_keras_examples():
    assert Precision(top_k=2)([0, 0, 1, 1], [1, 1, 1, 1]) == 0.0      # ties keep the first
    assert Precision(top_k=4)([0, 0, 1, 1], [1, 1, 1, 1]) == 0.5
    y = np.zeros((1, 40))
    y[0, :3] = 1
    assert Precision(top_k=3)(y, np.ones((1, 40))) == 1.0


def test_threshold_errors():
    with pytest.raises(ValueError, match=r"Precision: threshold values must be in \[0, 1\].*1.5"):
        Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="Recall: expected `top_k` to be an integer >= 1"):
        Recall(top_k=0)
    with pytest.raises(ValueError, match="`num_thresholds` to be an integer >= 2"):
        AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"invalid `curve` value 'XY'"):
        AUC(curve="XY")
    with pytest.raises(ValueError, match=r"invalid `summation_method` value"):
        AUC(summation_method="simpson")


# --- AUC --------------------------------------------------------------------------------------

def discretized_curve_area(y, p, thresholds, curve, w=None):
    """The AUC of the curve through the points at `thresholds`, from per-threshold counts
    made by comparing every prediction with every threshold (trapezoids for ROC,
    precision interpolated by the counts for PR)."""
    w = np.ones(len(y)) if w is None else w
    above = p[None, :] > np.asarray(thresholds, np.float32)[:, None]          # (T, n)
    tp, fp = (above * (w * y)).sum(1), (above * (w * (1 - y))).sum(1)
    fn, tn = (w * y).sum() - tp, (w * (1 - y)).sum() - fp
    if curve == "ROC":
        tpr, fpr = tp / (tp + fn), fp / (fp + tn)
        return -np.trapezoid(tpr, fpr)
    total = 0.0   # PR: tp linear in predicted positives P between thresholds
    for i in range(len(thresholds) - 1):
        p_a, p_b, tp_a, tp_b = tp[i] + fp[i], tp[i + 1] + fp[i + 1], tp[i], tp[i + 1]
        if p_a == p_b or p_a == 0:
            continue
        slope = (tp_a - tp_b) / (p_a - p_b)
        intercept = tp_b - slope * p_b
        ratio = p_a / p_b if p_b > 0 else 1.0
        total += slope * (tp_a - tp_b + intercept * np.log(ratio)) / (tp[0] + fn[0])
    return total


def test_auc_roc_and_pr_approximate_sklearn(binary):
    y, p, w = binary
    assert AUC()(y, p) == pytest.approx(sk.roc_auc_score(y, p[:, 0]), abs=1e-2)
    assert AUC()(y, p, sample_weight=w) == pytest.approx(
        sk.roc_auc_score(y, p[:, 0], sample_weight=w), abs=1e-2)
    assert AUC(curve="PR")(y, p) == pytest.approx(sk.average_precision_score(y, p[:, 0]), abs=1e-2)
    assert AUC(curve="PR")(y, p, sample_weight=w) == pytest.approx(
        sk.average_precision_score(y, p[:, 0], sample_weight=w), abs=1e-2)


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_equals_the_discretized_curve_exactly(binary, curve):
    y, p, w = binary
    eps = 1e-7
    m = AUC(num_thresholds=50, curve=curve)
    thresholds = [-eps] + [(i + 1) / 49 for i in range(48)] + [1 + eps]
    np.testing.assert_allclose(m.thresholds, thresholds)
    assert m(y, p, sample_weight=w) == pytest.approx(                  # to float32's precision
        discretized_curve_area(y, p[:, 0], thresholds, curve, w), rel=1e-7)
    custom = [0.1, 0.25, 0.3, 0.8]
    m = AUC(thresholds=[0.8, 0.1, 0.3, 0.25], curve=curve)
    assert m.num_thresholds == 6
    assert m(y, p) == pytest.approx(
        discretized_curve_area(y, p[:, 0], [-eps] + custom + [1 + eps], curve), rel=1e-7)


def test_auc_keras_example_and_summation_bounds(binary):
    assert AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]) == 0.75
    assert AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9],
                                 sample_weight=[1, 0, 0, 1]) == 1.0
    y, p, _ = binary
    exact = sk.roc_auc_score(y, p[:, 0])
    low = AUC(num_thresholds=20, summation_method="minoring")(y, p)
    high = AUC(num_thresholds=20, summation_method="majoring")(y, p)
    assert low <= exact <= high and high - low > 1e-3


def test_auc_from_logits_and_prediction_of_exactly_0_and_1(binary, rng):
    y, _, _ = binary
    logits = rng.normal(size=(len(y), 1)).astype(np.float32) + y[:, None]
    assert AUC(from_logits=True)(y, logits) == pytest.approx(
        AUC()(y, 1 / (1 + np.exp(-logits.astype(np.float64)))), abs=1e-6)
    # perfectly ranked hard predictions: the end thresholds catch 0 and 1 exactly
    assert AUC()([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0]) == 1.0
    # scores outside [0, 1] count as 0 or 1 with evenly spaced thresholds (Keras clips them)
    scores = np.array([-0.5, 0.3, 1.7, 0.6, 2.0, 0.9])
    assert AUC(num_thresholds=5)([0, 1, 0, 1, 1, 0], scores) == \
        AUC(num_thresholds=5)([0, 1, 0, 1, 1, 0], np.clip(scores, 0, 1))


def test_auc_multi_label_averages_per_label_aucs(rng):
    n, labels = 400, 3
    y = rng.integers(0, 2, (n, labels))
    p = np.clip(0.3 * y + 0.7 * rng.random((n, labels)), 0, 1).astype(np.float32)
    per_label = [sk.roc_auc_score(y[:, j], p[:, j]) for j in range(labels)]
    m = AUC(multi_label=True)
    m.update_state(y[:200], p[:200])
    m.update_state(y[200:], p[200:])
    assert m.true_positives.shape == (200, labels)
    assert m.result() == pytest.approx(np.mean(per_label), abs=1e-2)
    weights = [0.2, 0.0, 0.8]
    assert AUC(multi_label=True, num_labels=3, label_weights=weights)(y, p) == pytest.approx(
        np.average(per_label, weights=weights), abs=1e-2)
    # pooled (multi_label=False): every entry is one binary decision
    assert AUC()(y, p) == pytest.approx(sk.roc_auc_score(y.ravel(), p.ravel()), abs=1e-2)
    with pytest.raises(ValueError, match="multi_label needs y_pred of rank 2"):
        AUC(multi_label=True)(y.ravel(), p.ravel())
    with pytest.raises(ValueError, match=r"expected y_pred with 3 labels.*\(400, 2\)"):
        m(y[:, :2], p[:, :2])


# --- regression -------------------------------------------------------------------------------

def test_regression_metrics_match_sklearn(rng):
    y_true = rng.random((40, 3)).astype(np.float32) + 0.5
    y_pred = rng.random((40, 3)).astype(np.float32) + 0.5
    w = rng.random(40)
    per_sample_w = np.repeat(w, 3)      # sklearn sees every entry; each sample's entries share w
    t, p = y_true.ravel(), y_pred.ravel()
    cases = [
        (MeanSquaredError, sk.mean_squared_error(t, p, sample_weight=per_sample_w)),
        (MeanAbsoluteError, sk.mean_absolute_error(t, p, sample_weight=per_sample_w)),
        (RootMeanSquaredError, np.sqrt(sk.mean_squared_error(t, p, sample_weight=per_sample_w))),
        (MeanAbsolutePercentageError,
         100 * sk.mean_absolute_percentage_error(t, p, sample_weight=per_sample_w)),
        (MeanSquaredLogarithmicError, sk.mean_squared_log_error(t, p, sample_weight=per_sample_w)),
    ]
    for make, expected in cases:
        assert make()(y_true, y_pred, sample_weight=w) == pytest.approx(expected, rel=1e-5)


def test_cosine_similarity_and_rank_1_regression_targets(rng):
    a, b = rng.normal(size=(10, 4)), rng.normal(size=(10, 4))
    cosines = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert CosineSimilarity()(a, b) == pytest.approx(cosines.mean(), rel=1e-6)
    assert metrics.cosine_similarity(a[0], b[0]) == pytest.approx(cosines[0], rel=1e-6)
    # y_true (n,) against a Dense(1) output (n, 1): one error per sample
    y, out = rng.random(10), rng.random((10, 1))
    assert MeanSquaredError()(y, out) == pytest.approx(np.mean((y - out[:, 0]) ** 2), rel=1e-6)


# --- accumulation over batches, reset ---------------------------------------------------------

def _metric_cases(binary, classes):
    y, p, w = binary
    labels, one_hot, scores, cw = classes
    return [
        (Accuracy, (y[:, None], (p > 0.5).astype(int), w)),
        (BinaryAccuracy, (y, p[:, 0], w)),        # rank-1 pair: one sample per entry
        (CategoricalAccuracy, (one_hot, scores, cw)),
        (SparseCategoricalAccuracy, (labels, scores, cw)),
        (lambda: TopKCategoricalAccuracy(k=2), (one_hot, scores, cw)),
        (lambda: SparseTopKCategoricalAccuracy(k=3), (labels, scores, cw)),
        (lambda: Precision(thresholds=[0.3, 0.6]), (y, p, w)),
        (lambda: Recall(top_k=2), (one_hot, scores, cw)),
        (FalseNegatives, (y, p, w)),
        (AUC, (y, p, w)),
        (lambda: AUC(curve="PR"), (y, p, w)),
        (MeanSquaredError, (one_hot, scores, cw)),
        (RootMeanSquaredError, (one_hot, scores, cw)),
        (MeanAbsoluteError, (p, y[:, None], w)),
        (CosineSimilarity, (one_hot, scores, cw)),
    ]


def test_batches_accumulate_like_one_concatenated_batch_and_reset_forgets(binary, classes):
    for make, (y_true, y_pred, w) in _metric_cases(binary, classes):
        whole = make()(y_true, y_pred, sample_weight=w)
        m = make()
        for part in np.array_split(np.arange(len(y_true)), [7, 50, 51]):   # unequal batches
            m.update_state(y_true[part], y_pred[part], sample_weight=w[part])
        np.testing.assert_allclose(m.result(), whole, rtol=1e-6, err_msg=m.name)
        m.reset_state()
        m.update_state(y_true[:40], y_pred[:40])
        np.testing.assert_allclose(m.result(), make()(y_true[:40], y_pred[:40]), rtol=1e-6,
                                   err_msg=m.name)


# --- names, configs, get ----------------------------------------------------------------------

KERAS_NAMES = {
    Mean: "mean", Sum: "sum", Accuracy: "accuracy", BinaryAccuracy: "binary_accuracy",
    CategoricalAccuracy: "categorical_accuracy",
    SparseCategoricalAccuracy: "sparse_categorical_accuracy",
    TopKCategoricalAccuracy: "top_k_categorical_accuracy",
    SparseTopKCategoricalAccuracy: "sparse_top_k_categorical_accuracy",
    Precision: "precision", Recall: "recall", AUC: "auc", TruePositives: "true_positives",
    FalsePositives: "false_positives", TrueNegatives: "true_negatives",
    FalseNegatives: "false_negatives", MeanSquaredError: "mean_squared_error",
    MeanAbsoluteError: "mean_absolute_error", RootMeanSquaredError: "root_mean_squared_error",
    MeanAbsolutePercentageError: "mean_absolute_percentage_error",
    MeanSquaredLogarithmicError: "mean_squared_logarithmic_error",
    CosineSimilarity: "cosine_similarity",
}


def test_default_names_follow_keras():
    for cls, name in KERAS_NAMES.items():
        assert cls().name == name
    assert Precision(name="p").name == "p"


def _two_column_data(rng):
    return rng.integers(0, 2, (30, 2)), rng.random((30, 2)).astype(np.float32)


def _sorted_ids_data(rng):
    return rng.integers(0, 4, 30), np.argsort(-rng.random((30, 4)), axis=1)


@pytest.mark.parametrize("metric, data", [
    (BinaryAccuracy(threshold=0.3, name="ba"), _two_column_data),
    (TopKCategoricalAccuracy(k=2), _two_column_data),
    (SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True), _sorted_ids_data),
    (Precision(thresholds=[0.2, 0.4]), _two_column_data),
    (Recall(top_k=2, class_id=1), _two_column_data),
    (TruePositives(thresholds=0.3), _two_column_data),
    (AUC(num_thresholds=20, curve="PR", summation_method="minoring", from_logits=True),
     _two_column_data),
    (AUC(thresholds=[0.3, 0.1], multi_label=True, num_labels=2, label_weights=[1.0, 2.0]),
     _two_column_data),
    (CosineSimilarity(axis=0), _two_column_data),
    (RootMeanSquaredError(dtype="float64"), _two_column_data),
    (MeanMetricWrapper(metrics.binary_accuracy, name="b", threshold=0.2), _two_column_data),
], ids=lambda m: type(m).__name__ if isinstance(m, Metric) else "")
def test_config_round_trips_through_json(metric, data, rng):
    config = json.loads(json.dumps(metrics.serialize(metric)))
    clone = metrics.deserialize(config)
    assert type(clone) is type(metric) and clone.get_config() == metric.get_config()
    y, p = data(rng)
    np.testing.assert_allclose(clone(y, p), metric(y, p), rtol=1e-7)


def test_wrapper_of_a_custom_function_round_trips_in_memory():
    def half_error(y_true, y_pred):
        return np.abs(y_true - y_pred).mean(-1) / 2

    clone = MeanMetricWrapper.from_config(MeanMetricWrapper(half_error).get_config())
    assert clone([[1.0], [3.0]], [[0.0], [0.0]]) == 1.0


def test_get_resolves_names_aliases_classes_instances_and_functions():
    assert type(metrics.get("accuracy")) is Accuracy
    assert type(metrics.get("acc")) is Accuracy
    for name, cls in [("binary_accuracy", BinaryAccuracy), ("precision", Precision),
                      ("recall", Recall), ("auc", AUC), ("AUC", AUC), ("mse", MeanSquaredError),
                      ("mean_squared_error", MeanSquaredError), ("MSE", MeanSquaredError),
                      ("mae", MeanAbsoluteError), ("rmse", RootMeanSquaredError),
                      ("root_mean_squared_error", RootMeanSquaredError),
                      ("sparse_top_k_categorical_accuracy", SparseTopKCategoricalAccuracy),
                      ("top_k_categorical_accuracy", TopKCategoricalAccuracy),
                      ("CategoricalAccuracy", CategoricalAccuracy)]:
        assert type(metrics.get(name)) is cls, name
    metric = Precision()
    assert metrics.get(metric) is metric
    assert type(metrics.get(Recall)) is Recall
    assert metrics.get(None) is None
    wrapped = metrics.get(metrics.categorical_accuracy)
    assert type(wrapped) is MeanMetricWrapper and wrapped.name == "categorical_accuracy"
    assert wrapped([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]) == 0.5
    assert type(metrics.get({"class_name": "AUC", "config": {"curve": "PR"}})) is AUC


def test_get_errors_list_valid_names():
    with pytest.raises(ValueError, match=r"Unknown metric 'acuracy'; valid names are: .*accuracy.*"
                                         r"binary_accuracy.*mse.*rmse"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier 3"):
        metrics.get(3)
    with pytest.raises(ValueError, match="Unknown metric class 'Nope'"):
        metrics.deserialize({"class_name": "Nope", "config": {}})


def test_custom_subclass_with_keras_style_state():
    class Positives(Metric):
        def __init__(self, name="positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign(self.count + np.sum(np.asarray(y_pred) > 0))

        def result(self):
            return self.count

    class Total(Metric):                 # the older `add_weight` spelling
        def __init__(self, name="total"):
            super().__init__(name=name)
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, values):
            self.total.assign_add(np.sum(values))

        def result(self):
            return self.total

    m = Positives()
    m.update_state(None, [1, -1, 2])
    m.update_state(None, [3])
    assert float(m.result()) == 3.0 and len(m.variables) == 1
    m.reset_state()
    assert float(m.result()) == 0.0
    t = Total()
    assert float(t([1.5, 2.0])) == 3.5 and t.total.shape == ()


# --- 'accuracy' resolution --------------------------------------------------------------------

def test_resolve_accuracy_follows_keras():
    resolve = metrics.resolve_accuracy
    assert resolve("binary_crossentropy", (None, 1)) is BinaryAccuracy
    assert resolve("mse", (None, 1)) is BinaryAccuracy                   # one output unit
    assert resolve("binary_crossentropy", (None, 5)) is BinaryAccuracy   # multi-label
    assert resolve("mse", (None,), target_shape=(None, 1)) is BinaryAccuracy   # one per sample
    assert resolve("sparse_categorical_crossentropy", (None, 10)) is SparseCategoricalAccuracy
    assert resolve("categorical_crossentropy", (None, 10)) is CategoricalAccuracy
    assert resolve(None, (None, 10)) is CategoricalAccuracy
    # integer targets decide when the loss does not: lower rank, or a last axis of 1
    assert resolve("my_loss", (None, 10), target_shape=(None,)) is SparseCategoricalAccuracy
    assert resolve("my_loss", (None, 10), target_shape=(None, 1)) is SparseCategoricalAccuracy
    assert resolve("my_loss", (None, 10), target_shape=(None, 10)) is CategoricalAccuracy

    def sparse_categorical_crossentropy(y_true, y_pred):
        return y_pred

    class BinaryCrossentropy:
        pass

    assert resolve(sparse_categorical_crossentropy, (None, 3)) is SparseCategoricalAccuracy
    assert resolve(BinaryCrossentropy(), (None, 3)) is BinaryAccuracy


def test_sparse_top_k_hits_come_in_the_shape_of_the_labels():
    """As Keras: labels (n, 1) give hits (n, 1), labels (n,) give (n,)."""
    scores = np.array([[.1, .6, .3], [.5, .2, .3], [.2, .2, .6], [.7, .2, .1]], np.float32)
    labels = np.array([1, 2, 0, 0])
    column = metrics.sparse_top_k_categorical_accuracy(labels[:, None], scores, k=2)
    np.testing.assert_array_equal(column, [[1], [1], [1], [1]])
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy(labels, scores, k=1),
                                  [1, 0, 0, 1])
    weighted = SparseTopKCategoricalAccuracy(k=1)(labels[:, None], scores,
                                                  sample_weight=[1, 1, 0, 0])
    assert weighted == pytest.approx(0.5)


def test_a_single_result_is_a_numpy_scalar_of_the_metrics_dtype(real_keras):
    ours, theirs = BinaryAccuracy(), real_keras.metrics.BinaryAccuracy()
    for metric in (ours, theirs):
        metric.update_state([1, 0, 1], [0.7, 0.7, 0.2])
    result = ours.result()
    assert result.shape == () and result.dtype == np.float32 and result.item() == pytest.approx(1 / 3)
    assert result.item() == float(theirs.result()) and str(theirs.result().dtype) == "float32"
    assert Mean(dtype="float64")([1.0, 2.0]).dtype == np.float64 and Mean().result().dtype == np.float32
    assert isinstance(Precision(thresholds=[0.3, 0.6]).result(), np.ndarray)


@pytest.mark.parametrize("metric_class", [TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
                                          Precision, Recall])
def test_evenly_spaced_thresholds_count_scores_above_1_as_keras(real_keras, metric_class):
    y_true, y_pred = [0, 0, 1, 1], [1.5, 0.7, 2.0, -0.3]            # logits, beyond [0, 1]
    ours = metric_class(thresholds=[0.0, 0.5, 1.0])
    theirs = getattr(real_keras.metrics, metric_class.__name__)(thresholds=[0.0, 0.5, 1.0])
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    np.testing.assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=1e-6)


def test_mean_metric_wrapper_loads_keras_config_of_its_function(real_keras):
    config = real_keras.metrics.serialize(
        real_keras.metrics.MeanMetricWrapper(real_keras.metrics.mean_squared_error, name="w"))
    metric = metrics.deserialize(config)
    assert isinstance(metric, MeanMetricWrapper) and metric.name == "w"
    assert metric([[0.0], [2.0]], [[1.0], [0.0]]) == pytest.approx(2.5)
    custom = MeanMetricWrapper(lambda t, p: abs(t - p), name="own")          # not by name
    assert MeanMetricWrapper.from_config(custom.get_config())([1.0], [3.0]) == pytest.approx(2.0)
