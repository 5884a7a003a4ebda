"""Loss curves of a training run as a PNG."""

# A bare `Figure` draws without pyplot, so the user's matplotlib backend (a
# notebook's inline one, say) is never switched.
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_history(history, path, title="Training"):
    """Plots every logged series of a `History.history` dict against the epoch.

    Losses go in the left panel, the other logs (D(real), D(fake), scores) in
    the right one. Returns `path`.
    """
    losses = {k: v for k, v in history.items() if k.endswith("loss")}
    others = {k: v for k, v in history.items() if not k.endswith("loss")}
    panels = [p for p in (("losses", losses), ("other logs", others)) if p[1]]
    fig = Figure(figsize=(6 * len(panels), 4))
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, (label, series) in zip(axes[0], panels, strict=True):
        for name, values in sorted(series.items()):
            ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(label)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path
