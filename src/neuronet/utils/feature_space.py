"""FeatureSpace: preprocessing and encoding of structured (tabular) data, as Keras 3's.

    feature_space = keras.utils.FeatureSpace(
        features={"age": "float_normalized", "city": "string_categorical",
                  "rooms": "integer_categorical"},
        crosses=[("city", "rooms")], output_mode="concat")
    feature_space.adapt(train_ds.map(lambda x, y: x))     # learn statistics, vocabularies
    x_encoded = feature_space(x_batch)                     # one float32 vector per row

Each feature has a preprocessing layer (Normalization, Rescaling, Discretization,
StringLookup, IntegerLookup, Hashing or one of the user's); the integer outputs of the
categorical ones are multi-hot encoded (CategoryEncoding), crosses hash the preprocessed
values of several features together (HashedCrossing), and the encodings are concatenated
in the order: features sorted by name, then crosses sorted by name.
"""
import numpy as np

from ..autograd import Tensor
from ..backend import unique_name
from ..layers import (CategoryEncoding, Concatenate, Discretization, Hashing, HashedCrossing,
                      Identity, Input, IntegerLookup, Layer, Normalization, Rescaling,
                      StringLookup, TextVectorization)
from ..layers.index_lookup import IndexLookup, check_choice
from ..saving.serialization import deserialize_keras_object, serialize_keras_object

FEATURE_OUTPUT_MODES = ("int", "one_hot", "float")
CROSS_OUTPUT_MODES = ("int", "one_hot")
FEATURE_TYPES = ("float", "float_normalized", "float_rescaled", "float_discretized",
                 "integer_categorical", "string_categorical", "integer_hashed", "string_hashed")
_ADAPT_BATCH_SIZE = 32            # single examples are adapted in batches of this size


class Cross:
    """A cross of features: their preprocessed values hashed together into `crossing_dim`
    bins; output_mode 'one_hot' (a multi-hot vector of crossing_dim) or 'int' (the bin)."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        self.feature_names = tuple(feature_names)
        if len(self.feature_names) < 2:
            raise ValueError(f"FeatureSpace.cross: expected at least two feature names, "
                             f"received feature_names={feature_names!r}")
        self.crossing_dim = crossing_dim
        self.output_mode = check_choice("FeatureSpace.cross", "output_mode", output_mode,
                                         CROSS_OUTPUT_MODES)

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": list(self.feature_names), "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """A feature: its input dtype ('float32', 'int32' or 'string'), the layer that
    preprocesses it, and how its output is encoded: 'one_hot' (multi-hot over the
    preprocessor's integer outputs), 'int' (those integers) or 'float' (as it comes)."""

    def __init__(self, dtype, preprocessor, output_mode):
        self.output_mode = check_choice("FeatureSpace.feature", "output_mode", output_mode,
                                         FEATURE_OUTPUT_MODES)
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)
        if not callable(preprocessor):
            raise ValueError(f"FeatureSpace.feature: expected a preprocessing layer for "
                             f"argument 'preprocessor', received {preprocessor!r}")
        self.dtype = dtype
        self.preprocessor = preprocessor

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _layer_name(name, kind):
    return f"{name or unique_name(kind)}_preprocessor"


class FeatureSpace(Layer):
    """One-stop preprocessing and encoding of structured data (Keras 3's
    `keras.utils.FeatureSpace`).

    Args:
        features: {feature name: type}, a type being a FeatureSpace.float(),
            .integer_categorical(...), ... or .feature(...) object, or a type's name:
            'float', 'float_normalized', 'float_rescaled', 'float_discretized',
            'integer_categorical', 'string_categorical', 'integer_hashed', 'string_hashed'
            (with the default arguments).
        output_mode: 'concat' (one float vector per sample) or 'dict' (a dict of the
            encoded features and crosses).
        crosses: a list of crosses: tuples of feature names or FeatureSpace.cross(...).
        crossing_dim: the bins of a cross given as a tuple of names (32).
        hashing_dim: the bins of 'integer_hashed' and 'string_hashed' given by name (32).
        num_discretization_bins: the bins of 'float_discretized' given by name (32).
        name: the layer's name.

    Attributes: `preprocessors` (feature name -> layer), `crossers` (cross name, the
    feature names joined by '_X_' -> HashedCrossing), `features`, `crosses`.
    """

    # --- feature types -----------------------------------------------------------------------
    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """Floats as they are."""
        return Feature("float32", Identity(name=_layer_name(name, "float")), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """Floats times `scale` plus `offset` (Rescaling)."""
        layer = Rescaling(scale=scale, offset=offset, name=_layer_name(name, "float_rescaled"))
        return Feature("float32", layer, "float")

    @classmethod
    def float_normalized(cls, name=None):
        """Floats standardized to mean 0 and variance 1 over the adapted data
        (Normalization)."""
        layer = Normalization(axis=-1, name=_layer_name(name, "float_normalized"))
        return Feature("float32", layer, "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot",
                          name=None):
        """Floats put into bins at the adapted quantiles, or at `bin_boundaries`
        (Discretization)."""
        layer = Discretization(num_bins=None if bin_boundaries is not None else num_bins,
                               bin_boundaries=bin_boundaries,
                               name=_layer_name(name, "float_discretized"))
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                            name=None):
        """Integers indexed by the adapted vocabulary (IntegerLookup)."""
        layer = IntegerLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                              name=_layer_name(name, "integer_categorical"))
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                           name=None):
        """Strings indexed by the adapted vocabulary (StringLookup)."""
        layer = StringLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                             name=_layer_name(name, "string_categorical"))
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Strings hashed into `num_bins` bins (Hashing)."""
        layer = Hashing(num_bins=num_bins, name=_layer_name(name, "string_hashed"))
        return Feature("string", layer, output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Integers hashed into `num_bins` bins (Hashing)."""
        layer = Hashing(num_bins=num_bins, name=_layer_name(name, "integer_hashed"))
        return Feature("int32", layer, output_mode)

    # --- construction ------------------------------------------------------------------------
    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(features, dict) or not features:
            raise ValueError(f"FeatureSpace: expected a non-empty dict {{name: type}} for "
                             f"argument 'features', received features={features!r}")
        self.output_mode = check_choice("FeatureSpace", "output_mode", output_mode,
                                         ("concat", "dict"))
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value)
                         for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.preprocessors = {key: f.preprocessor for key, f in self.features.items()}
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        self.inputs = {key: Input(shape=(1,), dtype=f.dtype, name=key)
                       for key, f in self.features.items()}
        self.one_hot_encoders = {}
        self.concat = Concatenate(axis=-1) if self.output_mode == "concat" else None
        self.encoded_features = None
        self._is_adapted = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return Feature.from_config(feature.get("config", feature))
        makers = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(
                self.num_discretization_bins, name=name),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if not isinstance(feature, str) or feature not in makers:
            raise ValueError(f"FeatureSpace: invalid type for feature '{name}': expected a "
                             f"FeatureSpace feature or one of {', '.join(FEATURE_TYPES)}; "
                             f"received {feature!r}")
        return makers[feature]()

    def _standardize_cross(self, cross):
        if isinstance(cross, dict):
            cross = Cross.from_config(cross.get("config", cross))
        elif not isinstance(cross, Cross):
            if not self.crossing_dim:
                raise ValueError("FeatureSpace: argument 'crossing_dim' (the size of the "
                                 "crossing space) must be set when 'crosses' are given, "
                                 f"received crossing_dim={self.crossing_dim!r}")
            cross = Cross(cross, crossing_dim=self.crossing_dim)
        unknown = [key for key in cross.feature_names if key not in self.features]
        if unknown:
            raise ValueError(f"FeatureSpace: the cross {cross.feature_names} names unknown "
                             f"feature(s) {unknown}; the features are {list(self.features)}")
        return cross

    # --- adapt -------------------------------------------------------------------------------
    def _adaptable_preprocessors(self):
        """The names of the features whose preprocessor learns from data (not those given
        fixed statistics, a vocabulary or bin boundaries)."""
        return [key for key, layer in self.preprocessors.items()
                if hasattr(layer, "adapt") and not _is_fixed(layer)]

    def adapt(self, dataset):
        """Learn each preprocessor's statistics, vocabulary or bins from `dataset`, read
        in one pass:

        - a dict {feature name: array or list} (the whole data, one row per sample), or
        - an iterable whose elements are such dicts: batches (arrays of one row per
          sample) or single samples (scalars, adapted in batches of 32), e.g. a neuronet
          `Dataset` or `ArrayDataset` of dicts, or `labelled_ds.map(lambda x, y: x)`.

        Normalization sees all the data at once; the other layers see it batch by batch
        (Discretization's quantiles are approximated per batch, as in Keras).
        """
        names = self._adaptable_preprocessors()
        columns = _feature_batches(dataset, names)
        for key in names:
            batches = columns[key]
            if not batches:
                raise ValueError(f"FeatureSpace.adapt: the data has no samples for feature "
                                 f"'{key}'")
            layer = self.preprocessors[key]
            if isinstance(layer, Normalization):
                layer.adapt(np.concatenate(batches).astype(np.float32))
            else:
                layer.adapt(iter(batches))
        self._is_adapted = True
        self.get_encoded_features()
        self.built = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable_preprocessors():
                raise ValueError("FeatureSpace: call `.adapt(dataset)` on the FeatureSpace "
                                 "before using it (features to adapt: "
                                 f"{self._adaptable_preprocessors()})")
            self._is_adapted = True

    # --- encoding ----------------------------------------------------------------------------
    def get_inputs(self):
        """{feature name: the symbolic Input (shape (None, 1)) of that feature}."""
        self.get_encoded_features()
        return self.inputs

    def get_encoded_features(self):
        """The symbolic encoding of `get_inputs()`: one tensor (concat) or a dict."""
        self._check_if_adapted()
        if self.encoded_features is None:
            self.encoded_features = self._encode(self.inputs)
        return self.encoded_features

    def _encode(self, inputs):
        """The encoded features of `inputs` ({name: (batch, 1)}), symbolic or not."""
        preprocessed = {key: self.preprocessors[key](inputs[key]) for key in self.features}
        crossed = {cross.name: self.crossers[cross.name](
            [preprocessed[key] for key in cross.feature_names]) for cross in self.crosses}
        outputs = {}
        for key in sorted(preprocessed) + sorted(crossed):
            value = preprocessed[key] if key in preprocessed else crossed[key]
            outputs[key] = self._one_hot(key, value)
        if self.output_mode == "dict":
            return outputs
        for key, value in outputs.items():
            if _dtype_name(value) == "string" or "int" in _dtype_name(value):
                raise ValueError(f"FeatureSpace: cannot concatenate feature '{key}': it is not "
                                 f"encoded (it has dtype {_dtype_name(value)}); use "
                                 "output_mode='dict', or output_mode='one_hot' for it")
        return self.concat(list(outputs.values()))

    def _one_hot(self, key, value):
        """`value` multi-hot encoded when its feature or cross has output_mode 'one_hot'."""
        spec = self.features[key] if key in self.features else self.crosses_by_name[key]
        if spec.output_mode != "one_hot":
            return value
        if key not in self.one_hot_encoders:
            dtype = _dtype_name(value)
            if "int" not in dtype:
                raise ValueError(f"FeatureSpace: feature '{key}' has output_mode='one_hot', so "
                                 "its preprocessor must return integers; it returns dtype "
                                 f"{dtype}")
            layer = self.preprocessors.get(key) or self.crossers[key]
            self.one_hot_encoders[key] = CategoryEncoding(
                num_tokens=_cardinality(key, layer), output_mode="multi_hot")
        return self.one_hot_encoders[key](value)

    def __call__(self, data):
        """The encoding of `data`: a dict {feature name: values} holding a batch (arrays
        or lists of one value per sample, or of shape (batch, 1)) or a single sample
        (scalars). Returns Tensors: (batch, dim) or, for one sample, (dim,); a dict of
        them in 'dict' mode."""
        self.get_encoded_features()
        if not isinstance(data, dict):
            raise ValueError(f"FeatureSpace: expected a dict {{feature name: values}}, "
                             f"received {type(data).__name__}")
        missing = [key for key in self.features if key not in data]
        unknown = [key for key in data if key not in self.features]
        if missing or unknown:
            raise ValueError(f"FeatureSpace: the data must hold exactly the features "
                             f"{list(self.features)}; missing {missing}, unknown {unknown}")
        columns = {key: _as_column(key, data[key], self.features[key].dtype)
                   for key in self.features}
        single = all(np.ndim(data[key]) == 0 for key in self.features)
        outputs = self._encode(columns)
        if not single:
            return outputs
        if self.output_mode == "concat":
            return Tensor(outputs.data[0])
        return {key: Tensor(value.data[0]) for key, value in outputs.items()}

    def compute_output_shape(self, input_shape):
        encoded = self.get_encoded_features()
        if self.output_mode == "dict":
            return {key: value.shape for key, value in encoded.items()}
        return encoded.shape

    # --- config and saving -------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name,
                "features": {key: {"class_name": "Feature", "config": f.get_config()}
                             for key, f in self.features.items()},
                "output_mode": self.output_mode,
                "crosses": [{"class_name": "Cross", "config": c.get_config()}
                            for c in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    def get_build_config(self):
        """Whether the FeatureSpace was adapted, and the input shapes of its preprocessors
        that hold weights (adapted Normalization layers), for loading."""
        return {"adapted": self._is_adapted,
                "weighted": sorted(key for key, layer in self.preprocessors.items()
                                   if layer.weights)}

    def build_from_config(self, config):
        for key in config.get("weighted", ()):
            layer = self.preprocessors[key]
            if not layer.built:
                layer.build((None, 1))
        if config.get("adapted"):
            self._is_adapted = True
            self.get_encoded_features()
            self.built = True

    def _preprocessor_weights(self):
        return [w for key in sorted(self.preprocessors) for w in self.preprocessors[key].weights]

    def save_own_variables(self, store):
        """The adapted weights of the preprocessors (Normalization statistics), in the
        order of the sorted feature names."""
        store.update({str(i): w.data for i, w in enumerate(self._preprocessor_weights())})

    def load_own_variables(self, store):
        weights = self._preprocessor_weights()
        if len(store) != len(weights):
            raise ValueError(f"FeatureSpace '{self.name}': expected {len(weights)} saved "
                             f"preprocessor weights, received {len(store)}")
        for i, weight in enumerate(weights):
            weight.assign(np.asarray(store[str(i)]))

    def save(self, filepath):
        """Save the FeatureSpace (configuration and adapted state) to a `.keras` file;
        `keras.saving.load_model` reads it back."""
        from ..saving.keras_file import save_model
        save_model(self, filepath)


# --- helpers -------------------------------------------------------------------------------------
def _is_fixed(layer):
    """Whether `layer` was given what adapt would learn (so it is not adapted)."""
    if isinstance(layer, Normalization):
        return layer.input_mean is not None
    if isinstance(layer, TextVectorization):
        layer = layer._lookup_layer
    if isinstance(layer, IndexLookup):
        return layer._has_input_vocabulary
    if isinstance(layer, Discretization):
        return layer.num_bins is None
    return False


def _cardinality(key, layer):
    """The number of integer values `layer` outputs, the width of their multi-hot encoding."""
    if isinstance(layer, (IntegerLookup, StringLookup)):
        return layer.vocabulary_size()
    if isinstance(layer, CategoryEncoding):
        return layer.num_tokens
    if isinstance(layer, Discretization):
        return len(layer.bin_boundaries) + 1
    if isinstance(layer, (Hashing, HashedCrossing)):
        return layer.num_bins
    raise ValueError(f"FeatureSpace: feature '{key}' has output_mode='one_hot' but the "
                     f"number of values of its preprocessor ({type(layer).__name__}) is not "
                     "known, so it cannot be one-hot encoded; use output_mode='int'")


def _dtype_name(value):
    return str(value.dtype)


def _as_column(key, values, dtype):
    """A feature's values as a (batch, 1) array of its dtype (a scalar: one sample)."""
    array = np.asarray(values.data if isinstance(values, Tensor) else values)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] != 1:
        raise ValueError(f"FeatureSpace: expected one value per sample for feature '{key}' "
                         f"(shape (), (batch,) or (batch, 1)), received shape {array.shape}")
    if dtype == "string":
        if array.dtype.kind not in "USO":
            raise ValueError(f"FeatureSpace: feature '{key}' takes strings, received values "
                             f"of dtype {array.dtype}")
        return array.astype(object)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"FeatureSpace: feature '{key}' takes numbers ({dtype}), received "
                         f"values of dtype {array.dtype}")
    return array.astype(np.float32 if dtype == "float32" else np.int64, copy=False)


def _feature_batches(dataset, names):
    """{name: [(batch, 1) arrays]} of the features `names`, from the data `adapt` takes."""
    if isinstance(dataset, dict):
        elements = [dataset]
    elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes, np.ndarray)):
        elements = dataset
    else:
        raise ValueError(f"FeatureSpace.adapt: expected a dict of arrays or an iterable of "
                         f"dict batches (e.g. a Dataset), received {type(dataset).__name__}")
    columns = {key: [] for key in names}
    singles = {key: [] for key in names}
    for element in elements:
        if not isinstance(element, dict):
            raise ValueError(f"FeatureSpace.adapt: expected elements that are dicts "
                             f"{{feature name: values}}, received a {type(element).__name__}; "
                             "for (inputs, labels) batches pass dataset.map(lambda x, y: x)")
        for key in names:
            if key not in element:
                raise ValueError(f"FeatureSpace.adapt: the data has no feature '{key}' (it "
                                 f"has {list(element)})")
            value = element[key]
            value = value.data if isinstance(value, Tensor) else value
            if np.ndim(value) == 0:
                singles[key].append(value)
            else:
                columns[key].append(_as_batch(key, value))
    for key, values in singles.items():
        array = np.asarray(values)[:, None]
        columns[key].extend(array[start:start + _ADAPT_BATCH_SIZE]
                            for start in range(0, len(array), _ADAPT_BATCH_SIZE))
    return columns


def _as_batch(key, values):
    array = np.asarray(values)
    if array.dtype.kind == "U":
        array = array.astype(object)
    return array[:, None] if array.ndim == 1 else array


__all__ = ["FeatureSpace"]
