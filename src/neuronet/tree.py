"""Nested structures of lists, tuples and dicts, walked as trees (`keras.tree`).

A structure is a leaf (anything else, None included) or a container of structures: a list,
a tuple (namedtuples too), a collections.deque or a mapping. Flattening lists the leaves
depth first; a dict's values come in the order of its sorted keys, an OrderedDict's in its
own order, so that `pack_sequence_as` puts a flat list back where `flatten` took it from.

    flatten({"b": [1, 2], "a": 3})                  # [3, 1, 2]
    map_structure(lambda v: v * 10, (1, [2]))       # (10, [20])
    pack_sequence_as({"b": [0, 0], "a": 0}, [3, 1, 2])   # {'b': [1, 2], 'a': 3}
"""
import collections
from collections.abc import Mapping

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
           "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
           "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"]


class MAP_TO_NONE:
    """Returned by `traverse`'s function to replace a sub-tree by None."""


def is_nested(structure):
    """Whether `structure` is a container (list, tuple, namedtuple, deque or mapping)."""
    return isinstance(structure, (list, tuple, collections.deque, Mapping))


def _keys(mapping):
    """A mapping's keys in flattening order: sorted, except an OrderedDict's own order."""
    if isinstance(mapping, collections.OrderedDict):
        return list(mapping)
    try:
        return sorted(mapping)
    except TypeError as error:
        raise TypeError(f"keras.tree: dict keys must be sortable, received keys "
                        f"{list(mapping)!r}") from error


def _children(structure):
    """(path key, child) pairs of a container, in flattening order."""
    if isinstance(structure, Mapping):
        return [(key, structure[key]) for key in _keys(structure)]
    return list(enumerate(structure))


def _rebuild(structure, children):
    """A container of `structure`'s type holding `children` (given in flattening order)."""
    if isinstance(structure, Mapping):
        values = dict(zip(_keys(structure), children))
        items = [(key, values[key]) for key in structure]           # the original key order
        if isinstance(structure, collections.defaultdict):
            return collections.defaultdict(structure.default_factory, items)
        return type(structure)(items)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):   # a namedtuple
        return type(structure)(*children)
    if isinstance(structure, collections.deque):
        return collections.deque(children, maxlen=structure.maxlen)
    return type(structure)(children)


def flatten(structure):
    """The leaves of `structure`, depth first, as a list (a leaf gives [leaf])."""
    if not is_nested(structure):
        return [structure]
    return [leaf for _, child in _children(structure) for leaf in flatten(child)]


def flatten_with_path(structure):
    """(path, leaf) pairs: the path is the tuple of indices and keys leading to the leaf."""
    if not is_nested(structure):
        return [((), structure)]
    return [((key,) + path, leaf) for key, child in _children(structure)
            for path, leaf in flatten_with_path(child)]


def pack_sequence_as(structure, flat_sequence):
    """The leaves of `flat_sequence`, in order, arranged as `structure`'s leaves are."""
    flat = list(flat_sequence)
    count = len(flatten(structure))
    if len(flat) != count:
        raise ValueError(f"pack_sequence_as: the structure has {count} leaves, the flat "
                         f"sequence has {len(flat)} items. Structure: {structure!r}")
    leaves = iter(flat)

    def pack(node):
        if not is_nested(node):
            return next(leaves)
        return _rebuild(node, [pack(child) for _, child in _children(node)])
    return pack(structure)


def _kind(structure):
    """What two structures must share at a node: all mappings are alike; sequence types
    (list, tuple, each namedtuple class, deque) must be the same."""
    return Mapping if isinstance(structure, Mapping) else type(structure)


def _same_keys(nodes):
    """The shared keys (or indices) of containers `nodes`, in the first one's flattening
    order; None when they differ (mappings match by their key sets)."""
    keys = [key for key, _ in _children(nodes[0])]
    for node in nodes[1:]:
        other = [key for key, _ in _children(node)]
        if (set(other) != set(keys)) if isinstance(node, Mapping) else (other != keys):
            return None
    return keys


def _zip_map(func, shallow, nodes, path=(), strict=True):
    """func(*sub-trees) at each leaf of `shallow`, the results in `shallow`'s layout.
    `nodes` must nest like `shallow` down to its leaves; with `strict`, no deeper."""
    if not is_nested(shallow):
        if strict and any(is_nested(node) for node in nodes):
            raise ValueError(f"The two structures don't have the same nested structure: at "
                             f"path {path}, {nodes!r}")
        return func(*nodes)
    for node in nodes:
        if not is_nested(node):
            raise ValueError(f"The two structures don't have the same nested structure: at "
                             f"path {path}, {shallow!r} and {node!r}")
        if _kind(node) is not _kind(shallow):
            raise ValueError(f"The two structures don't have the same nested structure: at "
                             f"path {path}, a {type(shallow).__name__} and a "
                             f"{type(node).__name__}")
    keys = _same_keys([shallow, *nodes])
    if keys is None:
        raise ValueError(f"The two structures don't have the same nested structure: at path "
                         f"{path}, keys/indices {[[k for k, _ in _children(n)] for n in nodes]}")
    return _rebuild(shallow, [_zip_map(func, shallow_child, [dict(_children(n))[key]
                                                              for n in nodes],
                                       path + (key,), strict)
                              for key, shallow_child in _children(shallow)])


def assert_same_structure(a, b, check_types=None):
    """Raise a ValueError unless `a` and `b` nest the same containers the same way
    (`check_types` is accepted for compatibility and has no effect, as in Keras 3)."""
    _zip_map(lambda *leaves: None, a, [a, b])


def assert_same_paths(a, b):
    """Raise a ValueError unless `a` and `b` have the same leaf paths (container types
    are not compared: a list and a tuple of two leaves match)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(f"The two structures don't have the same paths. Only in the first: "
                         f"{sorted(paths_a - paths_b, key=repr)}; only in the second: "
                         f"{sorted(paths_b - paths_a, key=repr)}")


def map_structure(func, *structures, none_is_leaf=True):
    """`func` applied to the leaves of `structures` (nested alike), in their layout; with
    none_is_leaf=False, None leaves of the first structure stay None, unseen by `func`."""
    if not callable(func):
        raise TypeError(f"map_structure: expected a callable func, received {func!r}")
    if not structures:
        raise TypeError("map_structure: expected at least one structure")
    def apply(*leaves):
        return None if (not none_is_leaf and leaves[0] is None) else func(*leaves)
    return _zip_map(apply, structures[0], structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """`func` applied to the sub-trees of `structures` that sit where `shallow_structure`
    has its leaves; deeper nesting is passed to `func` as it is."""
    return _zip_map(func, shallow_structure, structures, strict=False)


def traverse(func, structure, top_down=True):
    """Visit every sub-tree (containers and leaves) depth first, calling `func` on each.

    Top down: a result other than None replaces the sub-tree and stops the descent into it.
    Bottom up: a result other than None replaces the sub-tree. Return MAP_TO_NONE to
    replace one by None.
    """
    if not callable(func):
        raise TypeError(f"traverse: expected a callable func, received {func!r}")

    def result(node, replacement):
        if replacement is None:
            return node
        return None if replacement is MAP_TO_NONE else replacement

    def visit(node):
        if top_down:
            replacement = func(node)
            if replacement is not None:
                return result(node, replacement)
        if is_nested(node):
            node = _rebuild(node, [visit(child) for _, child in _children(node)])
        return node if top_down else result(node, func(node))
    return visit(structure)


def lists_to_tuples(structure):
    """`structure` with every list turned into a tuple, at every depth."""
    def convert(node):
        if isinstance(node, list):
            return tuple(convert(child) for child in node)
        if is_nested(node):
            return _rebuild(node, [convert(child) for _, child in _children(node)])
        return node
    return convert(structure)


def _is_shape(node):
    """A shape: a list or tuple of ints and Nones (a leaf for `map_shape_structure`)."""
    return isinstance(node, (list, tuple)) and all(
        item is None or isinstance(item, int) for item in node)


def map_shape_structure(func, structure):
    """`func` applied to each shape (a tuple or list of ints/None) in `structure`."""
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, child)
                                for _, child in _children(structure)])
