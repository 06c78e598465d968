"""keras.tree: the same answers as Keras 3's own tree functions on a table of structures."""
import collections

import numpy as np
import pytest

from neuronet import tree

Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("OtherPoint", ["x", "y"])

STRUCTURES = [
    1, None, [], (), {}, [1, 2, 3], (1, [2, 3], {"b": 4, "a": 5}),
    {"z": [1, None], "a": (2, 3), "m": {"y": 4, "x": [5]}},
    collections.OrderedDict([("z", 1), ("a", 2)]), Point(1, [2, 3]),
    [[1, 2, 3], [4, [5], [[6]]]], {100: "world!", 6: "Hello"}, [np.ones(2), "s"],
    collections.deque([1, (2, 3)]),
]


def _same(a, b):
    """Equal values and the same container types at every depth."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple, collections.deque)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize("structure", STRUCTURES, ids=repr)
def test_flatten_pack_and_map_match_keras(real_keras, structure):
    kt = real_keras.tree
    assert tree.is_nested(structure) == kt.is_nested(structure)
    flat = tree.flatten(structure)
    assert len(flat) == len(kt.flatten(structure))
    for mine, theirs in zip(flat, kt.flatten(structure)):
        _same(mine, theirs)
    paths = [path for path, _ in tree.flatten_with_path(structure)]
    assert paths == [tuple(path) for path, _ in kt.flatten_with_path(structure)]
    numbered = list(range(len(flat)))
    _same(tree.pack_sequence_as(structure, numbered), kt.pack_sequence_as(structure, numbered))
    if all(isinstance(leaf, int) for leaf in flat):
        _same(tree.map_structure(lambda v: v * 10, structure),
              kt.map_structure(lambda v: v * 10, structure))
    _same(tree.map_structure(repr, structure, none_is_leaf=False),
          kt.map_structure(repr, structure, none_is_leaf=False))
    _same(tree.lists_to_tuples(structure), kt.lists_to_tuples(structure))


@pytest.mark.parametrize("top_down", [True, False])
def test_traverse_visits_in_keras_order_and_replaces(real_keras, top_down):
    structure = [(1, 2), [3], {"a": 4}]
    mine, theirs = [], []
    assert tree.traverse(mine.append, structure, top_down) == \
        real_keras.tree.traverse(theirs.append, structure, top_down)
    assert mine == theirs

    def replace(node):              # tuples become "T" (not entered top-down), 3 becomes None
        if isinstance(node, tuple):
            return "T"
        return tree.MAP_TO_NONE if node == 3 else None

    def replace_k(node):
        if isinstance(node, tuple):
            return "T"
        return real_keras.tree.MAP_TO_NONE if node == 3 else None
    assert tree.traverse(replace, structure, top_down) == \
        real_keras.tree.traverse(replace_k, structure, top_down)


def test_map_of_two_structures_and_up_to(real_keras):
    a, b = {"x": [1, 2], "y": 3}, collections.OrderedDict([("y", 30), ("x", [10, 20])])
    assert tree.map_structure(lambda u, v: u + v, a, b) == \
        real_keras.tree.map_structure(lambda u, v: u + v, a, b) == {"x": [11, 22], "y": 33}
    shallow, deep = [None, [None, None]], [[1, 1], [2, 2]]
    # Keras documents this result; Keras 3.15 on optree raises instead (None is no leaf there)
    assert tree.map_structure_up_to(shallow, str, deep) == ["[1, 1]", ["2", "2"]]
    assert tree.map_structure_up_to([None, None], len, deep) == [2, 2]


def test_map_shape_structure_treats_shapes_as_leaves(real_keras):
    shapes = {"a": (None, 3), "b": [(2,), [4, 5]], "c": ()}
    assert tree.map_shape_structure(lambda s: tuple(s) + (1,), shapes) == \
        real_keras.tree.map_shape_structure(lambda s: tuple(s) + (1,), shapes)


@pytest.mark.parametrize("a, b, same", [
    ([(0, 1)], [(2, 3)], True),
    ({"a": 1, "b": [2]}, collections.OrderedDict([("b", [5]), ("a", 4)]), True),
    ([0, 1], (0, 1), False),
    (Point(0, 1), OtherPoint(0, 1), False),
    ([0, [1]], [0, 1], False),
    ({"a": 1}, {"b": 1}, False),
    ([1, 2], [1, 2, 3], False),
])
def test_assert_same_structure_agrees_with_keras(real_keras, a, b, same):
    def raises(check):
        try:
            check(a, b)
        except ValueError:
            return True
        return False
    assert raises(tree.assert_same_structure) == raises(real_keras.tree.assert_same_structure)
    assert raises(tree.assert_same_structure) != same
    assert raises(tree.assert_same_paths) == raises(real_keras.tree.assert_same_paths)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="3 leaves, the flat sequence has 2"):
        tree.pack_sequence_as([1, [2, 3]], [0, 0])
    with pytest.raises(TypeError, match="callable"):
        tree.map_structure(1, [1])
    with pytest.raises(ValueError, match="at path \\(1,\\)"):
        tree.map_structure(lambda u, v: u, [0, [1]], [0, 1])
    with pytest.raises(TypeError, match="sortable"):
        tree.flatten({1: 0, "a": 1})
