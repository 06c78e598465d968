"""Learning curves from a History (needs matplotlib, the 'plot' extra)."""


def plot_history(history, metrics=None, path=None, title=None):
    """Plot loss and metric curves (train and validation) of `history`; save to `path` if given.

    Returns the matplotlib Figure.
    """
    try:
        import matplotlib
        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("plot_history needs matplotlib: pip install 'neuronet[plot]'") from error
    logs = getattr(history, "history", history)
    names = metrics or [k for k in logs if not k.startswith("val_")]
    figure, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.6), squeeze=False)
    for axis, name in zip(axes[0], names):
        axis.plot(logs[name], label=f"train {name}")
        if f"val_{name}" in logs:
            axis.plot(logs[f"val_{name}"], label=f"validation {name}")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=100)
        plt.close(figure)
    return figure
