"""Server-rendered SVG charts: a 100 % stacked bar per wave (or grouped bars for multiple choice).

Each chart has an accessible name (role="img" with <title> and <desc>); the table next to it carries
the same figures. Colours have at least 4.5:1 contrast against white, and segments are separated by white.
"""
from __future__ import annotations

from html import escape

from markupsafe import Markup

PALETTE = ("#08519c", "#b15928", "#1b7837", "#6a3d9a", "#8c510a", "#3f3f3f", "#c51b7d", "#01665e")
BAR_HEIGHT = 26
LABEL_WIDTH = 130
PLOT_WIDTH = 420


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def stacked_bars(chart_id: str, title: str, waves: list[str], series: list[tuple[str, list]],
                 hidden_label: str, stacked: bool = True) -> Markup:
    """`series` is [(option label, [share per wave or None or "hidden"]), ...] in scale order."""
    width = LABEL_WIDTH + PLOT_WIDTH + 20
    rows_per_wave = 1 if stacked else max(1, len(series))
    plot_height = len(waves) * (rows_per_wave * BAR_HEIGHT + 14)
    legend_rows = -(-len(series) // 2)
    height = plot_height + 24 + legend_rows * 22
    desc = "; ".join(
        f"{wave}: " + ", ".join(f"{label} {_pct(values[i]) if isinstance(values[i], float) else hidden_label}"
                                 for label, values in series)
        for i, wave in enumerate(waves))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(desc)}</desc>']
    y = 4
    for i, wave in enumerate(waves):
        block = rows_per_wave * BAR_HEIGHT
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + block / 2 + 5:.0f}" text-anchor="end" '
                     f'class="chart-label">{escape(wave)}</text>')
        values = [s[1][i] for s in series]
        if any(not isinstance(v, float) and v is not None for v in values):
            parts.append(f'<text x="{LABEL_WIDTH}" y="{y + block / 2 + 5:.0f}" class="chart-label">'
                         f'{escape(hidden_label)}</text>')
        elif stacked:
            x = float(LABEL_WIDTH)
            for k, share in enumerate(values):
                w = (share or 0.0) * PLOT_WIDTH
                if w > 0:
                    parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" '
                                 f'fill="{PALETTE[k % len(PALETTE)]}" stroke="#ffffff" stroke-width="1"/>')
                    if w >= 34:
                        parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 18}" text-anchor="middle" '
                                     f'class="chart-value">{_pct(share)}</text>')
                x += w
        else:
            for k, share in enumerate(values):
                w = (share or 0.0) * PLOT_WIDTH
                top = y + k * BAR_HEIGHT
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{top + 2}" width="{w:.1f}" height="{BAR_HEIGHT - 4}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"/>')
                parts.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{top + 18}" class="chart-label">'
                             f'{_pct(share or 0.0)}</text>')
        y += block + 14
    y += 10
    for k, (label, _values) in enumerate(series):
        col, row = k % 2, k // 2
        lx, ly = 10 + col * (width // 2), y + row * 22
        parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 20}" y="{ly + 12}" class="chart-legend">{escape(label[:40])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
