"""SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision,
PearsonCorrelation, ConcordanceCorrelation and the metric functions huber and the focal
cross-entropies: values against Keras 3, edge cases, reset, configs, compile names, errors."""
import json
import re

import numpy as np
import pytest

import neuronet as nn_keras
from neuronet import metrics

RATE_METRICS = [  # (class name, target, its argument name)
    ("SensitivityAtSpecificity", 0.7, "specificity"),
    ("SpecificityAtSensitivity", 0.6, "sensitivity"),
    ("PrecisionAtRecall", 0.5, "recall"),
    ("RecallAtPrecision", 0.38, "precision"),
]
RATE_OPTIONS = [{}, {"num_thresholds": 7, "class_id": 2}]   # (each new option costs Keras a
                                                             # second of compiling)
SPLITS = (slice(0, 12), slice(12, 24), slice(24, None))      # three update_state calls


def make_data():
    """Labels, scores (some outside [0, 1], some exactly 0, 0.5 and 1), regression pairs and
    sample weights for 36 samples."""
    rng = np.random.default_rng(3)
    n = 36
    scores = (rng.random((n, 3)) * 1.4 - 0.2).astype(np.float32)
    scores[0, 0], scores[1, 1], scores[2, 2] = 0.0, 1.0, 0.5
    y_reg = rng.normal(size=(n, 4)).astype(np.float32)
    return dict(
        labels=(rng.random((n, 3)) < 0.4).astype(np.float32),
        scores=scores,
        weights=rng.random(n).astype(np.float32),
        y_reg=y_reg,
        p_reg=(y_reg + rng.normal(size=(n, 4))).astype(np.float32),
        onehot=np.eye(4, dtype=np.float32)[rng.integers(0, 4, n)],
        logits=rng.normal(size=(n, 4)).astype(np.float32),
    )


@pytest.fixture(scope="module")
def data():
    return make_data()


def accumulated(metric, y_true, y_pred, sample_weight=None):
    """The result after one update_state call per part of SPLITS."""
    for part in SPLITS:
        weight = None if sample_weight is None else sample_weight[part]
        metric.update_state(y_true[part], y_pred[part], sample_weight=weight)
    return np.asarray(metric.result(), dtype=np.float64)


def keras_default_name(name):
    """A Keras metric name without the '_<n>' Keras adds to repeated default names."""
    return re.sub(r"_\d+$", "", name)


def assert_same(ours, keras_value, message=""):
    np.testing.assert_allclose(ours, np.asarray(keras_value, np.float64), rtol=1e-5, atol=1e-6,
                               err_msg=message)


# --- the rate-at-target metrics ----------------------------------------------------------------

def test_rate_metrics_match_keras(real_keras, data):
    """Every class and option, unweighted and weighted, over three batches."""
    y, p, w = data["labels"], data["scores"], data["weights"]
    informative = 0
    for name, target, _ in RATE_METRICS:
        for options in RATE_OPTIONS:
            for weights in (None, w):
                expected = accumulated(getattr(real_keras.metrics, name)(target, **options),
                                       y, p, weights)
                ours = accumulated(getattr(metrics, name)(target, **options), y, p, weights)
                assert_same(ours, expected, f"{name}({target}, {options}) "
                                            f"weighted={weights is not None}")
                informative += 0 < expected < 1
    assert informative >= 12                  # most cases are neither 0 nor 1


def test_rate_metrics_with_one_threshold_use_0_5(data):
    """num_thresholds=1: the rates at the one threshold 0.5, class_id picking a column."""
    y, p, w = data["labels"][:, 1], data["scores"][:, 1], data["weights"]
    predicted = p > 0.5
    tp, fp = np.sum(w * (y == 1) * predicted), np.sum(w * (y == 0) * predicted)
    fn, tn = np.sum(w * (y == 1) * ~predicted), np.sum(w * (y == 0) * ~predicted)
    sensitivity, specificity, precision = tp / (tp + fn), tn / (tn + fp), tp / (tp + fp)
    assert 0 < min(sensitivity, specificity, precision) and max(
        sensitivity, specificity, precision) < 1
    for name, constrained, reported in [
            ("SensitivityAtSpecificity", specificity, sensitivity),
            ("SpecificityAtSensitivity", sensitivity, specificity),
            ("PrecisionAtRecall", sensitivity, precision),
            ("RecallAtPrecision", precision, sensitivity)]:
        for target, expected in [(constrained - 0.01, reported), (constrained + 0.01, 0.0)]:
            metric = getattr(metrics, name)(target, num_thresholds=1, class_id=1)
            result = accumulated(metric, data["labels"], data["scores"], w)
            assert result == pytest.approx(expected, rel=1e-5), (name, target)


def test_rate_metrics_documented_examples():
    """The worked examples of Keras' documentation (checkable by hand)."""
    y, p = [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]
    for metric, plain, weights, weighted in [
            (metrics.SensitivityAtSpecificity(0.5), 0.5, [1, 1, 2, 2, 1], 1 / 3),
            (metrics.SpecificityAtSensitivity(0.5), 2 / 3, [1, 1, 2, 2, 2], 0.5),
            (metrics.PrecisionAtRecall(0.5), 0.5, [2, 2, 2, 1, 1], 1 / 3)]:
        assert metric(y, p) == pytest.approx(plain, rel=1e-6)
        metric.reset_state()
        assert metric(y, p, sample_weight=weights) == pytest.approx(weighted, rel=1e-6)
    at_precision = metrics.RecallAtPrecision(0.8)
    assert at_precision([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]) == pytest.approx(0.5, rel=1e-6)
    at_precision.reset_state()
    assert at_precision([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1]) == 1.0


EDGE_CASES = {  # (all of one length: each new shape costs Keras compiling time)
    "no positives": ([0, 0, 0, 0], [0.1, 0.6, 0.3, 0.9]),
    "no negatives": ([1, 1, 1, 1], [0.1, 0.6, 0.3, 0.0]),
    "constant predictions": ([0, 1, 0, 1], [0.4, 0.4, 0.4, 0.4]),
    "scores beyond [0, 1]": ([0, 1, 0, 1], [1.5, 0.4, -0.5, 2.0]),  # clipped, as in Keras
}


@pytest.mark.parametrize("case", EDGE_CASES)
def test_rate_metrics_edge_cases_match_keras(real_keras, case):
    y, p = (np.asarray(values, np.float32) for values in EDGE_CASES[case])
    for name, _, _ in RATE_METRICS:
        for target in (0.0, 0.5, 1.0):
            keras_metric = getattr(real_keras.metrics, name)(target)
            keras_metric.update_state(y, p)
            assert_same(getattr(metrics, name)(target)(y, p), keras_metric.result(),
                        f"{name}({target}) on {case}")


def test_rate_metrics_before_any_update_and_clipping():
    assert metrics.SensitivityAtSpecificity(0.5).result() == 0.0
    assert metrics.SpecificityAtSensitivity(0.0).result() == 0.0
    # a negative scored 1.5 is not above the last threshold, 1.0: specificity 1 there
    assert metrics.SpecificityAtSensitivity(0.0)([0, 1], [1.5, 0.4]) == 1.0
    # no positives: no sensitivity and no precision to report
    assert metrics.SensitivityAtSpecificity(0.0)([0, 0], [0.2, 0.8]) == 0.0
    assert metrics.PrecisionAtRecall(0.0)([0, 0], [0.2, 0.8]) == 0.0


def test_rate_metrics_reset_state(data):
    y, p, w = data["labels"], data["scores"], data["weights"]
    for name, target, _ in RATE_METRICS:
        metric = getattr(metrics, name)(target, class_id=0)
        fresh = getattr(metrics, name)(target, class_id=0)
        metric.update_state(y[:20], p[:20], sample_weight=w[:20])
        metric.reset_state()
        assert all(not variable.data.any() for variable in metric.variables)
        assert metric(y[20:], p[20:]) == fresh(y[20:], p[20:])


def test_rate_metrics_state_thresholds_and_result_type():
    metric = metrics.SensitivityAtSpecificity(0.5, num_thresholds=5)
    assert metric.thresholds == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert metrics.PrecisionAtRecall(0.5, num_thresholds=1).thresholds == [0.5]
    assert [v.name for v in metric.variables] == [
        "true_positives", "false_positives", "true_negatives", "false_negatives"]
    assert all(v.shape == (5,) for v in metric.variables)
    assert isinstance(metric([0, 1], [0.2, 0.8]), np.float32)


def test_rate_metrics_configs_match_keras(real_keras):
    for name, target, argument in RATE_METRICS:
        ours = getattr(metrics, name)(target, num_thresholds=50, class_id=2, name="m")
        theirs = getattr(real_keras.metrics, name)(target, num_thresholds=50, class_id=2, name="m")
        assert ours.get_config() == theirs.get_config()
        assert getattr(ours, argument) == target
        assert getattr(metrics, name)(target).name == keras_default_name(
            getattr(real_keras.metrics, name)(target).name)
        clone = metrics.deserialize(json.loads(json.dumps(metrics.serialize(ours))))
        assert type(clone) is type(ours) and clone.get_config() == ours.get_config()
        assert type(ours).from_config(ours.get_config()).thresholds == ours.thresholds


@pytest.mark.parametrize("make, message", [
    (lambda: metrics.SensitivityAtSpecificity(1.5),
     r"SensitivityAtSpecificity: expected `specificity` to be a number in \[0, 1\], "
     r"received specificity=1.5"),
    (lambda: metrics.SpecificityAtSensitivity(-0.1), r"`sensitivity`.*sensitivity=-0.1"),
    (lambda: metrics.PrecisionAtRecall("high"), r"`recall`.*recall='high'"),
    (lambda: metrics.RecallAtPrecision(None), r"`precision`.*precision=None"),
    (lambda: metrics.SensitivityAtSpecificity(0.5, num_thresholds=0),
     r"SensitivityAtSpecificity: expected `num_thresholds` to be an integer >= 1, "
     r"received num_thresholds=0"),
    (lambda: metrics.RecallAtPrecision(0.5, num_thresholds=-3), r"num_thresholds=-3"),
    (lambda: metrics.PrecisionAtRecall(0.5, num_thresholds=2.5), r"num_thresholds=2.5"),
    (lambda: metrics.PrecisionAtRecall(0.5, class_id=-1), r"`class_id`.*class_id=-1"),
    (lambda: metrics.PrecisionAtRecall(0.5, class_id=1)([0, 1], [0.2, 0.8]), r"class_id=1"),
    (lambda: metrics.SensitivityAtSpecificity(0.5)([0, 1, 1], [0.2, 0.8]),
     r"same shape.*\(3,\).*\(2,\)"),
    (lambda: metrics.get("sensitivity_at_specificity"),
     r"SensitivityAtSpecificity has no default for specificity"),
])
def test_rate_metrics_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- correlation -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_correlation_metrics_match_keras(real_keras, data, name):
    y, p, w = data["y_reg"], data["p_reg"], data["weights"]
    for options, weights in [({}, w), ({"axis": 0}, None)]:
        expected = accumulated(getattr(real_keras.metrics, name)(**options), y, p, weights)
        ours = accumulated(getattr(metrics, name)(**options), y, p, weights)
        assert_same(ours, expected, f"{name}({options}) weighted={weights is not None}")
    keras_metric = getattr(real_keras.metrics, name)()
    keras_metric.update_state(y[:12, 0], p[:12, 0])                   # rank 1: one vector
    assert_same(getattr(metrics, name)()(y[:12, 0], p[:12, 0]), keras_metric.result(), "rank 1")


def test_pearson_correlation_matches_numpy_corrcoef(data):
    y, p = data["y_reg"], data["p_reg"]
    batches = [np.corrcoef(y[part].ravel(), p[part].ravel())[0, 1] for part in SPLITS]
    whole = accumulated(metrics.PearsonCorrelation(axis=(0, 1)), y, p)   # one value per batch
    assert whole == pytest.approx(np.mean(batches), rel=1e-5)
    rows = [np.corrcoef(y[i], p[i])[0, 1] for i in range(len(y))]
    np.testing.assert_allclose(metrics.pearson_correlation(y, p), rows, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", ["pearson_correlation", "concordance_correlation"])
def test_correlation_functions_match_keras(real_keras, data, fn):
    y, p = data["y_reg"][:12], data["p_reg"][:12]
    for axis in (-1, 0):
        ours = getattr(metrics, fn)(y, p, axis=axis)
        assert ours.dtype == np.float32 and ours.shape == (y.shape[1 - axis % 2],)
        assert_same(ours, getattr(real_keras.metrics, fn)(y, p, axis=axis), f"{fn} axis={axis}")
    assert getattr(metrics, fn)(y, p, axis=(0, 1)).shape == ()
    assert getattr(metrics, fn)(y.astype(np.float64), p.astype(np.float64)).dtype == np.float64


def test_correlation_formulas_by_hand():
    y = np.array([[1.0, 2.0, 3.0, 4.0]])
    # any increasing line has Pearson 1; concordance 1 only for y_pred == y_true
    assert metrics.pearson_correlation(y, 3 * y - 5)[0] == pytest.approx(1.0, rel=1e-6)
    assert metrics.pearson_correlation(y, -y)[0] == pytest.approx(-1.0, rel=1e-6)
    assert metrics.concordance_correlation(y, y)[0] == pytest.approx(1.0, rel=1e-6)
    # y_pred = y + 1: cov 1.25, variances 1.25, shift 1 -> 2.5 / 3.5
    assert metrics.concordance_correlation(y, y + 1)[0] == pytest.approx(2.5 / 3.5, rel=1e-6)


def test_correlation_edge_cases_match_keras(real_keras, data):
    """Constant predictions: Pearson NaN (0 / 0), concordance 0 (as in Keras)."""
    y = data["y_reg"][:12]
    for y_true, y_pred in [(y, np.full_like(y, 0.5)), (np.ones_like(y), np.ones_like(y))]:
        for name in ("PearsonCorrelation", "ConcordanceCorrelation"):
            keras_metric = getattr(real_keras.metrics, name)()
            keras_metric.update_state(y_true, y_pred)
            assert_same(getattr(metrics, name)()(y_true, y_pred), keras_metric.result(), name)
    assert np.isnan(metrics.PearsonCorrelation()(y, np.zeros_like(y)))
    assert metrics.ConcordanceCorrelation()(y, np.zeros_like(y)) == 0.0


def test_correlation_reset_config_and_errors(real_keras, data):
    y, p = data["y_reg"], data["p_reg"]
    for name in ("PearsonCorrelation", "ConcordanceCorrelation"):
        metric = getattr(metrics, name)(axis=0, name="c")
        assert metric.get_config() == getattr(real_keras.metrics, name)(
            axis=0, name="c").get_config()
        clone = metrics.deserialize(json.loads(json.dumps(metrics.serialize(metric))))
        assert type(clone) is type(metric) and clone.get_config() == metric.get_config()
        pair = getattr(metrics, name)(axis=(0, 1))
        loaded = metrics.deserialize(json.loads(json.dumps(metrics.serialize(pair))))
        assert loaded(y, p) == pytest.approx(pair(y, p), rel=1e-6)    # the axes as a list
        metric.update_state(y[:5], p[:5])
        metric.reset_state()
        assert metric.result() == 0.0
        assert metric(y, p) == pytest.approx(getattr(metrics, name)(axis=0)(y, p), rel=1e-6)
    with pytest.raises(TypeError, match=r"PearsonCorrelation: expected `axis`.*axis='rows'"):
        metrics.PearsonCorrelation(axis="rows")
    with pytest.raises(ValueError, match=r"pearson_correlation: axis=2 is out of range.*\(3, 4\)"):
        metrics.pearson_correlation(y[:3], p[:3], axis=2)
    with pytest.raises(ValueError, match=r"concordance_correlation: expected y_true and y_pred"):
        metrics.concordance_correlation(y[:3], p[:4])


# --- huber and the focal cross-entropies as metric functions -----------------------------------

FUNCTION_CASES = [  # (function, arguments, y_true key, y_pred key); the losses' own tests
    ("huber", {"delta": 0.5}, "y_reg", "p_reg"),              # cover their other options
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5,
                                   "label_smoothing": 0.1}, "labels", "scores"),
    ("binary_focal_crossentropy", {"from_logits": True}, "labels", "logit_scores"),
    ("categorical_focal_crossentropy", {"alpha": 0.5, "gamma": 1.0, "from_logits": True,
                                        "label_smoothing": 0.2}, "onehot", "logits"),
]


def test_loss_named_functions_match_keras(real_keras, data):
    """Per-sample values as in Keras; a MeanMetricWrapper over three batches gives their
    weighted mean, as Keras' does."""
    inputs = {**data, "scores": np.clip(data["scores"], 0, 1), "logit_scores": data["p_reg"][:, :3]}
    w = data["weights"]
    for fn, arguments, true_key, pred_key in FUNCTION_CASES:
        y, p = inputs[true_key], inputs[pred_key]
        ours = getattr(metrics, fn)(y, p, **arguments)
        assert ours.shape == (len(y),) and ours.dtype == np.float32
        expected = np.asarray(getattr(real_keras.metrics, fn)(y, p, **arguments))
        assert_same(ours, expected, f"{fn}{arguments}")
        mean = metrics.MeanMetricWrapper(getattr(metrics, fn), **arguments)
        assert_same(accumulated(mean, y, p, w), np.average(expected, weights=w), f"mean of {fn}")


def test_function_names_resolve_as_in_keras(real_keras):
    for identifier in ("pearson_correlation", "PearsonCorrelation", "concordance_correlation",
                       "ConcordanceCorrelation"):
        assert type(metrics.get(identifier)).__name__ == \
            type(real_keras.metrics.get(identifier)).__name__
        assert metrics.get(identifier).name == keras_default_name(
            real_keras.metrics.get(identifier).name)
    for fn in ("huber", "binary_focal_crossentropy", "categorical_focal_crossentropy"):
        with pytest.raises(ValueError):                 # no metric class of that name in Keras
            real_keras.metrics.get(fn)
        with pytest.raises(ValueError, match=f"Unknown metric '{fn}'; valid names are: .*"
                                             "pearson_correlation"):
            metrics.get(fn)
        wrapper = metrics.MeanMetricWrapper(getattr(metrics, fn), name=fn)
        assert wrapper.get_config()["fn"] == fn
        assert metrics.deserialize(metrics.serialize(wrapper)).get_config() == \
            wrapper.get_config()


# --- in compile ---------------------------------------------------------------------------------

def compile_metrics(module):
    return ["pearson_correlation", "ConcordanceCorrelation", module.metrics.huber,
            module.metrics.binary_focal_crossentropy, module.metrics.SensitivityAtSpecificity(0.5),
            module.metrics.SpecificityAtSensitivity(0.5, class_id=1, name="spec"),
            module.metrics.PrecisionAtRecall(0.5), module.metrics.RecallAtPrecision(0.5)]


def test_compile_gives_keras_names_and_values(real_keras, rng):
    x = rng.normal(size=(24, 4)).astype(np.float32)
    y = (rng.random((24, 3)) < 0.5).astype(np.float32)
    y[:, 0], y[:, 1] = 1.0, 0.0                          # no constant row: Pearson is defined
    kernel = rng.normal(size=(4, 3)).astype(np.float32)
    logs = []
    for module in (real_keras, nn_keras):
        model = module.Sequential([module.Input((4,)),
                                   module.layers.Dense(3, activation="sigmoid")])
        model.set_weights([kernel, np.zeros(3, np.float32)])
        model.compile(optimizer="sgd", loss="binary_crossentropy",
                      metrics=compile_metrics(module), run_eagerly=True)   # (no XLA compile)
        logs.append(model.evaluate(x, y, batch_size=12, verbose=0, return_dict=True))
    ours = logs[1]
    expected = {keras_default_name(name): value for name, value in logs[0].items()}
    assert set(ours) == set(expected) == {
        "loss", "pearson_correlation", "ConcordanceCorrelation", "huber",
        "binary_focal_crossentropy", "sensitivity_at_specificity", "spec",
        "precision_at_recall", "recall_at_precision"}
    for key in expected:
        np.testing.assert_allclose(ours[key], expected[key], rtol=2e-5, err_msg=key)
    model.compile(optimizer="sgd", loss="mse", metrics=compile_metrics(nn_keras))
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == set(expected)
