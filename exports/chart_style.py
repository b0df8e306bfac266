"""What every chart of the results shares, on a page (SVG) or in a document (PNG): the colours, and the
description a screen reader reads in place of the chart."""
from __future__ import annotations

from collections.abc import Callable, Sequence

# Each colour has at least 4.5:1 contrast against white.
PALETTE = ("#08519c", "#b15928", "#1b7837", "#6a3d9a", "#8c510a", "#3f3f3f", "#c51b7d", "#01665e")


EMPTY = "–"  # a wave where nobody answered: nothing to hide, and nothing to show


def describe(waves: Sequence[str], series: Sequence[tuple[str, Sequence]], hidden_label: str,
             percent: Callable[[float], str]) -> str:
    """"Januar 2019: Slet ikke 10 %, I nogen grad 40 %; Sommer 2020: …": a hidden wave's values read as
    hidden, an empty wave's (None) as "–", as the table beside the chart has them."""
    def value(v) -> str:
        return percent(v) if isinstance(v, float) else EMPTY if v is None else hidden_label

    return "; ".join(f"{wave}: " + ", ".join(f"{label} {value(values[i])}" for label, values in series)
                     for i, wave in enumerate(waves))
