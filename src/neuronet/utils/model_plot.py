"""plot_model: a picture of a model's graph of layers, one box per layer and an arrow per
connection (Keras draws it with pydot and Graphviz; this draws it with matplotlib, the
'plot' extra).

The boxes stand in ranks: a layer one rank below (or, with rankdir="LR", right of) the
lowest-ranked layer whose output it takes, the model's inputs in the first rank.
"""
import os

from .. import backend
from ..layers.input_layer import InputLayer
from ..models.sequential import Sequential

RANK_DIRECTIONS = ("TB", "LR")
FONT_SIZE, LINE_SPACING = 9, 1.3                  # points; lines of a box's text
CHAR_WIDTH, LINE_HEIGHT = 0.6 * FONT_SIZE / 72, LINE_SPACING * FONT_SIZE / 72   # inches
GAP_ALONG, GAP_ACROSS = 0.45, 0.3                 # inches between ranks, and within a rank


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw `model` into `to_file` (PNG, SVG, PDF, ...: by its extension), as Keras' plot_model.

    Each box names the layer's class (with show_layer_names, `name (Class)`), and as asked
    its input and output shapes, output dtype, activation and whether it is trainable.
    rankdir: "TB" (top to bottom) or "LR" (left to right). Returns an IPython Image of the
    file where IPython is installed (shown inline in notebooks), else None.
    """
    if kwargs:
        raise TypeError(f"plot_model: unexpected arguments {sorted(kwargs)}")
    backend.check_choice("plot_model", "rankdir", rankdir, RANK_DIRECTIONS)
    if expand_nested:
        raise NotImplementedError("plot_model: expand_nested=True is not supported; nested "
                                  "models are drawn as one box")
    if not model.built:
        raise ValueError(f"plot_model: model '{model.name}' has not been built yet. Build it "
                         "first by calling build() or by calling it on a batch of data.")
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch
    except ImportError as error:
        raise ImportError("plot_model needs matplotlib: pip install 'neuronet[plot]'") from error
    layers, edges, shapes = _graph(model)
    labels = [_label(layer, shapes.get(id(layer), ("?", "?", "?")), show_shapes, show_dtype,
                     show_layer_names, show_layer_activations, show_trainable)
              for layer in layers]
    sizes = [_box_size(label) for label in labels]
    centres, (width, height) = _layout(sizes, _ranks(len(layers), edges), rankdir)
    figure = Figure(figsize=(width, height))
    axis = figure.add_axes((0, 0, 1, 1))
    axis.set_axis_off()
    axis.set_xlim(0, width)
    axis.set_ylim(0, height)
    for (x, y), (w, h), label in zip(centres, sizes, labels):
        axis.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02",
                                      facecolor="#eef3fb", edgecolor="#33557f"))
        axis.text(x, y, label, ha="center", va="center", fontsize=FONT_SIZE,
                  family="monospace", linespacing=LINE_SPACING)
    for source, target in edges:
        axis.annotate("", xy=_side(centres[target], sizes[target], rankdir, entering=True),
                      xytext=_side(centres[source], sizes[source], rankdir, entering=False),
                      arrowprops=dict(arrowstyle="-|>", color="#33557f", shrinkA=0, shrinkB=0))
    figure.savefig(to_file, dpi=dpi)
    if os.path.splitext(str(to_file))[1].lower() == ".pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=str(to_file))


def _graph(model):
    """(layers, edges as index pairs, {id(layer): (input shape, output shape, dtype)}) of
    a functional model's graph, a Sequential's chain, or a subclassed model's layers."""
    if getattr(model, "_functional", False):
        layers = list(model._operations)
        index = {id(layer): i for i, layer in enumerate(layers)}
        producer = {id(layer.output): layer for layer in layers if isinstance(layer, InputLayer)}
        edges, shapes = [], {}
        for layer in layers:
            if id(layer.output) in producer:
                shapes[id(layer)] = ("", _shape(layer.output), layer.output.dtype)
        for node in model._nodes:
            sources = [tensor.node.layer if tensor.node is not None else producer[id(tensor)]
                       for tensor in node.input_tensors]
            edges += [(index[id(source)], index[id(node.layer)]) for source in sources]
            shapes[id(node.layer)] = (_shapes(node.input_tensors), _shapes(node.outputs),
                                      node.outputs[0].dtype)
        return layers, list(dict.fromkeys(edges)), shapes
    layers = list(model.layers)
    chain = isinstance(model, Sequential)
    edges = [(i, i + 1) for i in range(len(layers) - 1)] if chain else []
    shapes = {}
    for i, layer in enumerate(layers):
        output = getattr(layer, "output", None)
        given = getattr(layer, "input", None)
        shapes[id(layer)] = (_shape(given) if hasattr(given, "shape") else "?",
                             _shape(output) if output is not None else "?",
                             getattr(output, "dtype", layer.dtype))
    return layers, edges, shapes


def _shape(tensor):
    return str(tuple(tensor.shape))


def _shapes(tensors):
    return _shape(tensors[0]) if len(tensors) == 1 else "[" + ", ".join(map(_shape, tensors)) + "]"


def _label(layer, shapes, show_shapes, show_dtype, show_layer_names, show_activation,
           show_trainable):
    """The text of a layer's box."""
    class_name = getattr(layer, "op_class", None) or layer.__class__.__name__
    lines = [f"{layer.name} ({class_name})" if show_layer_names else class_name]
    input_shape, output_shape, dtype = shapes
    if show_shapes:
        if input_shape:
            lines.append(f"Input shape: {input_shape}")
        lines.append(f"Output shape: {output_shape}")
    if show_dtype:
        lines.append(f"Output dtype: {dtype}")
    activation = getattr(layer, "activation", None)
    if show_activation and activation is not None:
        lines.append(f"Activation: {getattr(activation, '__name__', activation)}")
    if show_trainable and layer.weights:
        lines.append(f"Trainable: {layer.trainable}")
    return "\n".join(lines)


def _ranks(count, edges):
    """Each box's rank: one more than the highest rank among the boxes it takes input from."""
    ranks = [0] * count
    for source, target in sorted(edges, key=lambda edge: edge[1]):   # sources come first
        ranks[target] = max(ranks[target], ranks[source] + 1)
    return ranks


def _box_size(label):
    """(width, height) in inches of the box around `label` (monospace text)."""
    lines = label.split("\n")
    return max(map(len, lines)) * CHAR_WIDTH + 0.3, len(lines) * LINE_HEIGHT + 0.15


def _layout(sizes, ranks, rankdir):
    """The centre of each box, in inches, and the size of the picture: ranks follow each
    other along the rank direction, the boxes of a rank side by side and centred."""
    down = rankdir == "TB"
    members = {}
    for i, rank in enumerate(ranks):
        members.setdefault(rank, []).append(i)
    depth = {rank: max(sizes[i][1 if down else 0] for i in boxes) for rank, boxes in members.items()}
    spans = {rank: sum(sizes[i][0 if down else 1] + GAP_ACROSS for i in boxes)
             for rank, boxes in members.items()}
    length = sum(depth.values()) + GAP_ALONG * (len(members) + 1)
    breadth = max(spans.values()) + GAP_ACROSS
    centres, position = [None] * len(sizes), GAP_ALONG
    for rank in sorted(members):
        along = position + depth[rank] / 2
        across = (breadth - spans[rank]) / 2 + GAP_ACROSS
        for i in members[rank]:
            extent = sizes[i][0 if down else 1]
            centres[i] = ((across + extent / 2, length - along) if down
                          else (along, breadth - across - extent / 2))
            across += extent + GAP_ACROSS
        position += depth[rank] + GAP_ALONG
    return centres, ((breadth, length) if down else (length, breadth))


def _side(centre, size, rankdir, entering):
    """Where an arrow meets a box: its top (entering) or bottom side, or its left or right."""
    (x, y), (w, h) = centre, size
    if rankdir == "TB":
        return x, y + h / 2 if entering else y - h / 2
    return (x - w / 2 if entering else x + w / 2), y
