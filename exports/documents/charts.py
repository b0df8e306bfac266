"""Charts as PNG images for the documents (matplotlib, without pyplot's global state): the same bars and
colours as the results page's SVG charts, a 100 % stacked bar per wave, or grouped bars when several
options may be chosen."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO

from exports.chart_style import PALETTE

DPI = 150


def bar_chart(waves: Sequence[str], series: Sequence[tuple[str, Sequence]], hidden_label: str,
              percent: Callable[[float], str], stacked: bool = True) -> bytes:
    """`series` is [(option label, [share per wave, or None, or a hidden marker]), ...]; returns PNG bytes."""
    # matplotlib takes 0.4 s to import: only a process that draws a chart (an export worker) pays for it,
    # not every web worker that imports the exporters
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = len(waves) if stacked else len(waves) * max(1, len(series))
    figure = Figure(figsize=(6.3, 0.9 + 0.42 * rows + 0.22 * len(series)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shown = [all(isinstance(values[i], float) or values[i] is None for _label, values in series)
             for i in range(len(waves))]
    positions = list(range(len(waves)))[::-1]
    for k, (label, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        widths = [values[i] * 100 if shown[i] and isinstance(values[i], float) else 0.0 for i in range(len(waves))]
        if stacked:
            lefts = [sum(s[1][i] * 100 for s in series[:k] if shown[i] and isinstance(s[1][i], float))
                     for i in range(len(waves))]
            bars = axes.barh(positions, widths, left=lefts, color=colour, edgecolor="white", height=0.6,
                             label=label[:60])
            for bar, width in zip(bars, widths):
                if width >= 8:
                    axes.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2, percent(width / 100),
                              ha="center", va="center", color="white", fontsize=7)
        else:
            height = 0.8 / max(1, len(series))
            spots = [p + 0.4 - height * (k + 0.5) for p in positions]
            axes.barh(spots, widths, height=height, color=colour, label=label[:60])
            for spot, width, ok in zip(spots, widths, shown):
                if ok:
                    axes.text(width + 1, spot, percent(width / 100), va="center", fontsize=6.5)
    for position, ok in zip(positions, shown):
        if not ok:
            axes.text(1, position, hidden_label, va="center", fontsize=8)
    axes.set_yticks(positions, [str(w) for w in waves], fontsize=8)
    axes.set_xlim(0, 100 if stacked else 110)
    axes.set_xticks([0, 25, 50, 75, 100], [percent(t / 100) for t in (0, 25, 50, 75, 100)], fontsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2 if len(series) > 3 else len(series) or 1,
                fontsize=7, frameon=False)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
