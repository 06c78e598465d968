"""model.summary(): Keras' table of layers, output shapes and parameter counts.

Sequential and subclassed models list their layers; a layer not built yet shows the
shape "?" and "0 (unbuilt)" parameters. A functional model lists its InputLayers first,
then every layer and op node (`add (Add)` for `a + b`); unless its graph is a plain
chain, a last column "Connected to" names the tensors each layer was called on, as
`layer[node][tensor]`: the producing layer, which of its calls in this model, which of
that call's outputs.

The columns are laid out as Keras 3 lays them out (its table is drawn by rich): their
widths come from `positions` and `line_length`, a cell too long for its column breaks
between words, and a word too long for it ends in "…"; the text equals Keras' for the
same terminal width.
"""
import math
import re

from ..io_utils import print_msg


def _size(weights):
    """The memory of the (distinct) weights, in Keras' units."""
    size = float(sum({id(w): w.data.nbytes for w in weights}.values()))
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _count(weights):
    return sum({id(w): w.size for w in weights}.values())


def _type_name(layer):
    if getattr(layer, "_functional", False) and type(layer).__name__ == "Model":
        return "Functional"
    return getattr(layer, "op_class", None) or type(layer).__name__


def _shape_text(shapes):
    return str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(map(str, shapes)) + "]"


def _is_chain(model):
    """Whether a functional graph is one input, then single-input layers one after another."""
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        return False
    previous = model.inputs[0]
    for node in model._nodes:
        inputs = node.input_tensors
        if len(inputs) != 1 or inputs[0] is not previous or len(node.outputs) != 1:
            return False
        previous = node.outputs[0]
    return len({id(node.layer) for node in model._nodes}) == len(model._nodes)


class _Graph:
    """Where each layer of a functional model sits: its calls (nodes) and their inputs."""

    def __init__(self, model):
        self.input_names = {id(t): t.name for t in model.inputs}
        self.nodes_of = {}                    # id(layer) -> its nodes in this model, in order
        for node in model._nodes:
            self.nodes_of.setdefault(id(node.layer), []).append(node)

    def output_shapes(self, layer):
        nodes = self.nodes_of.get(id(layer))
        if nodes is None:                     # an InputLayer
            return [layer.output.shape]
        return [t.shape for t in nodes[-1].outputs]

    def connections(self, layer):
        links = []
        for node in self.nodes_of.get(id(layer), []):
            for tensor in node.input_tensors:
                links.append(self._name(tensor))
        return links or ["-"]

    def _name(self, tensor):
        if tensor.node is None:
            return f"{self.input_names.get(id(tensor), tensor.name)}[0][0]"
        producer_nodes = self.nodes_of[id(tensor.node.layer)]
        node_index = next(i for i, n in enumerate(producer_nodes) if n is tensor.node)
        position = next(i for i, out in enumerate(tensor.node.outputs) if out is tensor)
        return f"{tensor.node.layer.name}[{node_index}][{position}]"


def _layer_shape(layer):
    output = getattr(layer, "output", None)
    outputs = (list(output.values()) if isinstance(output, dict) else
               output if isinstance(output, (list, tuple)) else [output])
    if output is None or not all(hasattr(o, "shape") for o in outputs):
        return "?"
    return _shape_text([tuple(o.shape) for o in outputs])


def _rows(model, expand_nested, show_trainable, graph, connected, layer_range):
    rows = []

    def add(layer, depth):
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        prefix = "   " * depth + "└ " if depth else ""
        shape = (_shape_text(graph.output_shapes(layer)) if graph is not None and not depth
                 else _layer_shape(layer))
        cells = [f"{prefix}{layer.name} ({_type_name(layer)})", shape, params]
        if connected:
            cells.append(", ".join(graph.connections(layer)) if not depth else "-")
        if show_trainable:
            cells.append("-" if not layer.weights else "Y" if layer.trainable else "N")
        rows.append(cells)
        if expand_nested and hasattr(layer, "layers"):
            for inner in layer.layers:
                add(inner, depth + 1)

    layers = list(model._operations if graph is not None else model.layers)
    first, last = _layer_bounds(layers, layer_range)
    for layer in layers[first:last]:
        add(layer, 0)
    return rows


def _layer_bounds(layers, layer_range):
    """[first, last + 1] of the layers from the first whose name matches the regular
    expression `layer_range[0]` to the last that matches `layer_range[1]` (Keras' rule)."""
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(isinstance(name, str) for name in layer_range):
        raise ValueError("summary: layer_range must be a list or tuple of two layer names "
                         f"(regular expressions); received {layer_range!r}")
    starts = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    ends = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not starts or not ends:
        raise ValueError(f"summary: layer_range {layer_range!r} does not match the names of "
                         f"the layers ({', '.join(layer.name for layer in layers)})")
    if min(starts) > max(ends):
        return min(ends), max(starts) + 1
    return min(starts), max(ends) + 1


def _column_widths(positions, line_length, columns):
    """The text width of each of the `columns`: Keras' columns end at `positions`
    (fractions of `line_length`), each with a space either side; the table, borders
    included, is then stretched or shrunk to `line_length`, the columns sharing the
    difference (shrinking: equally; stretching: in proportion to their widths)."""
    if len(positions) < columns:
        raise ValueError(f"summary: positions needs one entry per column ({columns}); "
                         f"received {list(positions)}")
    widths, end = [], 0
    for position in positions:
        width = int(position * line_length) - end
        if width < 4:
            raise ValueError("Insufficient console width to print summary: "
                             f"line_length={line_length}, positions={list(positions)}")
        widths.append(width + 2)
        end += width
    widths = widths[:columns]
    difference = (line_length - columns - 1) - sum(widths)
    total, left = sum(widths), columns
    for i, width in enumerate(list(widths)):
        if difference < 0:                       # an equal share of the excess
            share = -min(width, round(-difference / left))
        else:                                    # a share in proportion to the width
            share = math.ceil(width * difference / total) if total else 0
            total -= width
        widths[i] += share
        difference, left = difference - share, left - 1
    return [width - 2 for width in widths]


def _wrap(text, width):
    """`text` in lines of at most `width` characters, broken between words; a word too
    long for a line is cut, ending with "…"."""
    lines, line = [], ""
    for word in re.findall(r"\s*\S+\s*", text) or [""]:
        if line and len(line) + len(word.rstrip()) > width:
            lines.append(line)
            line = ""
        line += word
    lines.append(line)
    return [line.rstrip() if len(line.rstrip()) <= width else line[:width - 1] + "…"
            for line in lines]


def _justify(text, width, how):
    if how == "right":
        return text.rjust(width)
    if how == "center":
        left = (width - len(text)) // 2
        return (" " * left + text).ljust(width)
    return text.ljust(width)


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print the summary of a model, or pass its whole text to `print_fn` in one call (as
    Keras 3 does). Columns as Keras lays them out: `positions` (fractions of `line_length`,
    which defaults to 88 characters, or 108 with "Connected to", +12 with "Trainable", at
    most the terminal's width - 4) end the columns; `layer_range`: two regular expressions,
    the first and the last layer to list."""
    lines = []
    emit = lines.append
    graph = _Graph(model) if getattr(model, "_functional", False) else None
    connected = graph is not None and not _is_chain(model)
    header = ["Layer (type)", "Output Shape", "Param #"] + ["Connected to"] * connected
    justify = ["left", "left", "right"] + ["left"] * connected
    default_length = 108 if connected else 88
    positions = positions or ([0.3, 0.56, 0.74, 1.0] if connected else [0.45, 0.80, 1.0])
    if show_trainable:
        header.append("Trainable")
        justify.append("center")
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
    import shutil                 # here: it loads compression modules that import skips
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = _column_widths(positions, line_length, len(header))
    rows = _rows(model, expand_nested, show_trainable, graph, connected, layer_range)

    def emit_row(cells, bar, bottom=False):
        wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths)]
        height = max(map(len, wrapped))
        if bottom:                                   # the header sits on the rule below
            wrapped = [[""] * (height - len(cell)) + cell for cell in wrapped]
        for k in range(height):
            parts = [_justify(cell[k] if k < len(cell) else "", width, how)
                     for cell, width, how in zip(wrapped, widths, justify)]
            emit(f"{bar} " + f" {bar} ".join(parts) + f" {bar}")

    def rule(left, middle, end, fill):
        return left + middle.join(fill * (w + 2) for w in widths) + end

    emit(f'Model: "{model.name}"')
    emit(rule("┏", "┳", "┓", "━"))
    emit_row(header, "┃", bottom=True)
    emit(rule("┡", "╇", "┩", "━"))
    for index, row in enumerate(rows):
        if index:
            emit(rule("├", "┼", "┤", "─"))
        emit_row(row, "│")
    emit(rule("└", "┴", "┘", "─"))
    trainable, everything = model.trainable_weights, model.weights
    trainable_ids = {id(w) for w in trainable}
    frozen = [w for w in everything if id(w) not in trainable_ids]
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    slots = optimizer.variables if optimizer is not None and optimizer.built else []
    total = trainable + frozen + slots
    emit(f" Total params: {_count(total):,} ({_size(total)})")
    emit(f" Trainable params: {_count(trainable):,} ({_size(trainable)})")
    emit(f" Non-trainable params: {_count(frozen):,} ({_size(frozen)})")
    if slots:
        emit(f" Optimizer params: {_count(slots):,} ({_size(slots)})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print_msg(text, line_break=False)
    else:
        print_fn(text)
