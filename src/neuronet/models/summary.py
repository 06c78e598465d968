"""model.summary(): Keras' table of layers, output shapes and parameter counts.

Sequential and subclassed models list their layers; a layer not built yet shows the
shape "?" and "0 (unbuilt)" parameters. A functional model lists its InputLayers first,
then every layer and op node (`add (Add)` for `a + b`); unless its graph is a plain
chain, a last column "Connected to" names the tensors each layer was called on, as
`layer[node][tensor]`: the producing layer, which of its calls in this model, which of
that call's outputs.
"""
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


def _rows(model, expand_nested, show_trainable, graph, connected):
    rows = []

    def add(layer, depth):
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        prefix = "   " * depth + "└ " if depth else ""
        shape = (_shape_text(graph.output_shapes(layer)) if graph is not None and not depth
                 else _layer_shape(layer))
        cells = [[f"{prefix}{layer.name} ({_type_name(layer)})"], [shape], [params]]
        if connected:
            links = graph.connections(layer) if not depth else ["-"]
            cells.append([link + ("," if i < len(links) - 1 else "")
                          for i, link in enumerate(links)])
        if show_trainable:
            cells.append(["-" if not layer.weights else "Y" if layer.trainable else "N"])
        rows.append(cells)
        if expand_nested and hasattr(layer, "layers"):
            for inner in layer.layers:
                add(inner, depth + 1)

    for layer in (model._operations if graph is not None else model.layers):
        add(layer, 0)
    return rows


def print_summary(model, line_length=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    """Print the summary of a model, or pass its whole text to `print_fn` in one call (as
    Keras 3 does)."""
    lines = []
    emit = lines.append
    graph = _Graph(model) if getattr(model, "_functional", False) else None
    connected = graph is not None and not _is_chain(model)
    header = ["Layer (type)", "Output Shape", "Param #"]
    header += ["Connected to"] * connected + ["Trainable"] * show_trainable
    rows = _rows(model, expand_nested, show_trainable, graph, connected)
    minimum = [29, 22, 13] + [22] * connected + [9] * show_trainable
    widths = [max([len(header[i]), minimum[i]] + [len(line) for row in rows for line in row[i]])
              for i in range(len(header))]
    if line_length and sum(widths) + 3 * len(widths) + 1 < line_length:
        widths[0] += line_length - (sum(widths) + 3 * len(widths) + 1)
    right = {2}                                    # parameter counts align right

    def line(cells, bar):
        parts = [f"{c:>{w}}" if i in right else f"{c:<{w}}" for i, (c, w) in
                 enumerate(zip(cells, widths))]
        return f"{bar} " + f" {bar} ".join(parts) + f" {bar}"

    def rule(left, middle, end, fill):
        return left + middle.join(fill * (w + 2) for w in widths) + end

    emit(f'Model: "{model.name}"')
    emit(rule("┏", "┳", "┓", "━"))
    emit(line(header, "┃"))
    emit(rule("┡", "╇", "┩", "━"))
    for index, row in enumerate(rows):
        if index:
            emit(rule("├", "┼", "┤", "─"))
        for k in range(max(len(cell) for cell in row)):
            emit(line([cell[k] if k < len(cell) else "" for cell in row], "│"))
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
