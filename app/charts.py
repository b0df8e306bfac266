"""Server-rendered SVG charts: a 100 % stacked bar per wave (or grouped bars for multiple choice), each
wave's label above its bar and the legend in one column, so the text stays readable on a phone.

Each chart has an accessible name (role="img" with <title> and <desc>); the table next to it carries
the same figures. Colours have at least 4.5:1 contrast against white, and segments are separated by white.
"""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from exports.chart_style import PALETTE, describe

BAR_HEIGHT = 24
WIDTH = 330       # drawn at about its own size on a phone and in the 928 px column, so text stays >= 12 px
LABEL_ROW = 20    # the wave's label sits above its bar (a stacked layout: no label column to squeeze)


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def stacked_bars(chart_id: str, title: str, waves: list[str], series: list[tuple[str, list]],
                 hidden_label: str, stacked: bool = True) -> Markup:
    """`series` is [(option label, [share per wave or None or "hidden"]), ...] in scale order."""
    width, plot = WIDTH, WIDTH - 10
    rows_per_wave = 1 if stacked else max(1, len(series))
    block = LABEL_ROW + rows_per_wave * BAR_HEIGHT + 10
    height = len(waves) * block + 10 + len(series) * 22
    desc = describe(waves, series, hidden_label, _pct)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(desc)}</desc>']
    y = 4
    for i, wave in enumerate(waves):
        parts.append(f'<text x="0" y="{y + 14}" class="chart-label">{escape(wave)}</text>')
        top = y + LABEL_ROW
        values = [s[1][i] for s in series]
        if any(not isinstance(v, float) and v is not None for v in values):
            parts.append(f'<text x="0" y="{top + 17}" class="chart-label">{escape(hidden_label)}</text>')
        elif stacked:
            x = 0.0
            for k, share in enumerate(values):
                w = (share or 0.0) * plot
                if w > 0:
                    parts.append(f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{BAR_HEIGHT}" '
                                 f'fill="{PALETTE[k % len(PALETTE)]}" stroke="#ffffff" stroke-width="1"/>')
                    if w >= 38:
                        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + 17}" text-anchor="middle" '
                                     f'class="chart-value">{_pct(share)}</text>')
                x += w
        else:
            for k, share in enumerate(values):
                w = (share or 0.0) * (plot - 50)
                bar_top = top + k * BAR_HEIGHT
                parts.append(f'<rect x="0" y="{bar_top + 2}" width="{w:.1f}" height="{BAR_HEIGHT - 4}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"/>')
                parts.append(f'<text x="{w + 4:.1f}" y="{bar_top + 17}" class="chart-label">'
                             f'{_pct(share or 0.0)}</text>')
        y += block
    y += 6
    for k, (label, _values) in enumerate(series):
        ly = y + k * 22
        parts.append(f'<rect x="0" y="{ly}" width="14" height="14" fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="20" y="{ly + 12}" class="chart-legend">{escape(label[:44])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
