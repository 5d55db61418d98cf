"""Small server-side SVG bar charts: no script, no CDN, readable at phone width, with a text alternative.

Each chart sits beside a table with the same numbers; the SVG is labelled for screen readers.
"""

from itertools import count

from markupsafe import Markup, escape

PALETTE = ("#1f6fb2", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d", "#16a085", "#b7950b")
_ids = count(1)


def _number(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.1f}"


def bars(title: str, items: list[tuple[str, float]], unit: str = "", color: str = PALETTE[0]) -> Markup:
    """Horizontal bars, one per (label, value)."""
    return stacked(title, [(label, [value]) for label, value in items], [("", color)], unit=unit)


def stacked(title: str, rows: list[tuple[str, list[float]]], series: list[tuple[str, str]], unit: str = "") -> Markup:
    """Horizontal stacked bars: rows of (label, [value per series]); series is [(name, colour)]."""
    if not rows:
        return Markup('<p class="nodata">{}：暂无数据</p>').format(title)
    chart_id = f"chart-{next(_ids)}"
    label_w, bar_w, row_h, top = 96, 220, 30, 8
    legend = [s for s in series if s[0]]
    legend_h = 24 if legend else 0
    height = top + row_h * max(len(rows), 1) + legend_h + 8
    width = label_w + bar_w + 80
    peak = max((sum(float(v) for v in values) for _label, values in rows), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for i, (label, values) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" fill="#222">{escape(label)}</text>')
        x = float(label_w)
        for (name, colour), value in zip(series, values, strict=False):
            w = bar_w * float(value) / peak
            if w > 0:
                tip = f"{label} {name} {_number(value)}{unit}".strip()
                parts.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" '
                             f'fill="{colour}"><title>{escape(tip)}</title></rect>')
            x += w
        total = sum(float(v) for v in values)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 19}" fill="#222">{_number(total)}{escape(unit)}</text>')
    if legend:
        x, y = 0, height - legend_h + 4
        for name, colour in legend:
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="{y + 11}" fill="#222">{escape(name)}</text>')
            x += 16 + 14 * len(name) + 18
    parts.append("</svg>")
    return Markup("".join(parts))
