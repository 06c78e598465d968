"""Building models as Keras 3 allows it: unique layer names, one Input, a build that fails
without changing the model, pop(rebuild=...), get_layer's arguments, valid layer names."""
import numpy as np
import pytest

import neuronet as keras

L = keras.layers


def _both_refuse(real_keras, build, match):
    """`build(keras)` raises a ValueError in neuronet (with `match`) and in Keras."""
    with pytest.raises(ValueError, match=match):
        build(keras)
    with pytest.raises(ValueError):
        build(real_keras)


def test_layer_names_in_a_model_must_differ(real_keras):
    _both_refuse(real_keras, lambda k: k.Sequential([k.layers.Dense(3, name="a"),
                                                     k.layers.Dense(3, name="a")]),
                 "should have unique names. Name 'a' is already")

    def functional(k):
        inputs = k.Input((3,))
        outputs = k.layers.Dense(2, name="x")(k.layers.Dense(2, name="x")(inputs))
        return k.Model(inputs, outputs)
    _both_refuse(real_keras, functional, 'the name "x" is used 2 times in the model')
    shared = L.Dense(2, name="shared")                  # one layer called twice is one name
    inputs = keras.Input((2,))
    assert [layer.name for layer in keras.Model(inputs, shared(shared(inputs))).layers][-1] == "shared"


def test_a_sequential_takes_one_input(real_keras):
    _both_refuse(real_keras, lambda k: k.Sequential([k.Input((3,)), k.Input((5,)),
                                                     k.layers.Dense(2)]),
                 r"already been configured to use input shape \(None, 3\)")


def test_a_failed_build_leaves_the_model_as_it_was(real_keras):
    model = keras.Sequential([L.Dense(2)])
    model.build((None, 3))
    kernel = model.get_weights()[0]
    with pytest.raises(ValueError, match=r"input shape \(None, 3\). You cannot build it with "
                                         r"input_shape \(None, 4\)"):
        model.build((None, 4))
    assert model.input_shape == (None, 3) and model.inputs[0].shape == (None, 3)
    np.testing.assert_array_equal(model.get_weights()[0], kernel)
    clone = keras.models.model_from_json(model.to_json())
    assert clone.input_shape == (None, 3)
    unbuilt = keras.Sequential([L.Dense(2)])
    with pytest.raises(ValueError, match="expected min_ndim=2"):
        unbuilt.build((3,))
    assert not unbuilt.built and unbuilt.inputs is None
    unbuilt.build((None, 3))
    assert unbuilt.output_shape == (None, 2)


def test_pop_rebuilds_unless_told_not_to():
    model = keras.Sequential([keras.Input((3,)), L.Dense(4), L.Dense(2)])
    model.pop(rebuild=False)
    assert not model.built
    model.add(L.Dense(5))                                   # the stack is built again
    assert model.built and model.output_shape == (None, 5)
    model.pop()
    assert model.built and len(model.layers) == 1 and model.output_shape == (None, 4)


def test_get_layer_takes_a_name_or_an_index(real_keras):
    for k in (keras, real_keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2, name="d")])
        assert model.get_layer("d") is model.get_layer(index=0)
        with pytest.raises(ValueError, match="(?i)provide"):
            model.get_layer("d", index=0)
        with pytest.raises(ValueError, match="(?i)provide either a layer name or"):
            model.get_layer()


@pytest.mark.parametrize("name", ["a/b", 3])
def test_a_layer_name_is_a_string_without_a_slash(real_keras, name):
    _both_refuse(real_keras, lambda k: k.layers.Dense(1, name=name),
                 "must be a string and cannot contain character `/`")


def test_a_layers_trainable_weights_come_before_its_other_weights(real_keras):
    def layer(k):
        class Mixed(k.layers.Layer):
            def build(self, input_shape):
                self.frozen = self.add_weight(shape=(1,), trainable=False, name="frozen")
                self.scale = self.add_weight(shape=(1,), name="scale")

            def call(self, x):
                return x * self.scale + self.frozen
        mixed = Mixed()
        mixed.build((None, 1))
        return mixed
    ours, theirs = layer(keras), layer(real_keras)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights] == ["scale", "frozen"]
    ours.set_weights([np.array([2.0]), np.array([1.0])])          # in that order
    assert ours.scale.numpy()[0] == 2.0 and ours.frozen.numpy()[0] == 1.0


def test_a_sequential_keeps_the_name_of_its_input(real_keras):
    for k in (keras, real_keras):
        model = k.Sequential([k.Input((3,), name="pixels"), k.layers.Dense(2)])
        assert model.inputs[0].name == "pixels"
        assert model.get_config()["layers"][0]["config"]["name"] == "pixels"
        assert k.models.model_from_json(model.to_json()).inputs[0].name == "pixels"


def test_a_layer_with_weights_made_in_init_is_still_built_on_its_first_call(real_keras):
    def run(k):
        class Scaled(k.layers.Layer):
            def __init__(self):
                super().__init__()
                self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="w")

            def call(self, x):
                return k.ops.matmul(x, self.w) * self.scale
        layer = Scaled()
        out = layer(np.ones((3, 4), "float32"))
        return np.asarray(out), [w.name for w in layer.weights], layer.built
    ours, theirs = run(keras), run(real_keras)
    np.testing.assert_array_equal(ours[0], np.full((3, 2), 4.0))
    assert ours[1:] == theirs[1:] == (["scale", "w"], True)


def test_a_build_called_by_hand_is_not_repeated_by_the_first_call():
    class Counted(L.Layer):
        builds = 0

        def build(self, input_shape):
            Counted.builds += 1
            self.w = self.add_weight(shape=(input_shape[-1],), name="w")

        def call(self, x):
            return x * self.w
    layer = Counted()
    layer.build((None, 3))
    layer(np.ones((2, 3), "float32"))
    assert Counted.builds == 1 and layer.built and len(layer.weights) == 1
