"""model.summary(): Keras' table of layers, output shapes and parameter counts."""


def _size(count, itemsize=4):
    size = float(count * itemsize)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024


def _row(cells, widths):
    name, shape, params = cells
    return f"│ {name:<{widths[0]}} │ {shape:<{widths[1]}} │ {params:>{widths[2]}} │"


def _rule(left, middle, right, fill, widths):
    return left + middle.join(fill * (w + 2) for w in widths) + right


def print_summary(model, line_length=None, print_fn=None):
    """Print (or pass line by line to `print_fn`) the summary of a built model."""
    print_fn = print_fn or print
    if not model.built:
        raise ValueError(f"Model '{model.name}' has not yet been built. Build it first by calling "
                         "build(input_shape), by calling it on a batch of data, or by giving "
                         "its first layer an input shape (Input or input_shape=).")
    rows = []
    for layer in model.layers:
        output = getattr(layer, "output", None)
        if isinstance(output, list):
            shape = ", ".join(str(o.shape) for o in output)
        else:
            shape = str(output.shape) if output is not None else "?"
        rows.append((f"{layer.name} ({type(layer).__name__})", shape, f"{layer.count_params():,}"))
    header = ("Layer (type)", "Output Shape", "Param #")
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(3)]
    widths = [max(widths[0], 29), max(widths[1], 22), max(widths[2], 13)]
    print_fn(f'Model: "{model.name}"')
    print_fn(_rule("┏", "┳", "┓", "━", widths))
    print_fn("┃ " + " ┃ ".join([f"{header[0]:<{widths[0]}}", f"{header[1]:<{widths[1]}}",
                                 f"{header[2]:>{widths[2]}}"]) + " ┃")
    print_fn(_rule("┡", "╇", "┩", "━", widths))
    for index, row in enumerate(rows):
        if index:
            print_fn(_rule("├", "┼", "┤", "─", widths))
        print_fn(_row(row, widths))
    print_fn(_rule("└", "┴", "┘", "─", widths))
    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    print_fn(f" Total params: {total:,} ({_size(total)})")
    print_fn(f" Trainable params: {trainable:,} ({_size(trainable)})")
    print_fn(f" Non-trainable params: {total - trainable:,} ({_size(total - trainable)})")
