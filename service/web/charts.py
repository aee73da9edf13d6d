"""Charts as server-side SVG: no script, no third-party library, printable, and accessible.

Chosen over a vendored JS library because every chart here is a bar chart of at most a few
dozen bars: a few lines of SVG need no build step, no licence review and no script in the page,
and each chart carries its own text alternative (``<title>``/``<desc>``, ``role="img"``); the
templates also show the numbers as a table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

_ids = itertools.count(1)
BAR, MARK, LIGHT, AXIS = "#2f6f9f", "#c0392b", "#9fc3df", "#555"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text printed beside it, and an optional marker or range."""

    label: str
    value: float
    text: str
    marker: float | None = None
    low: float | None = None
    high: float | None = None


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart{n}-t chart{n}-d">'
        f'<title id="chart{n}-t">{escape(title)}</title><desc id="chart{n}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def _short(label: str, size: int = 32) -> str:
    return label if len(label) <= size else label[:size - 1] + "…"


def horizontal_bars(bars: list[Bar], *, scale_max: float, title: str, desc: str,
                    reference: float | None = None, width: int = 560) -> Markup:
    """Horizontal bars on ``0..scale_max``; a red tick per bar's marker and a dashed line at
    ``reference`` (e.g. the organisation's mean)."""
    label_w, text_w, row_h, top = 220, 70, 24, 8
    plot_w = width - label_w - text_w
    height = top * 2 + row_h * max(len(bars), 1)
    scale = plot_w / scale_max if scale_max > 0 else 0.0
    body = []
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = max(0.0, min(b.value, scale_max)) * scale
        body.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="12">'
                    f'{escape(_short(b.label))}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="15" fill="{BAR}"/>')
        if b.low is not None and b.high is not None:
            x1, x2 = label_w + b.low * scale, label_w + b.high * scale
            body.append(f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y + 12}" y2="{y + 12}" '
                        f'stroke="{AXIS}" stroke-width="2"/>')
        if b.marker is not None:
            x = label_w + min(b.marker, scale_max) * scale
            body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{y + 23}" '
                        f'stroke="{MARK}" stroke-width="3"/>')
        body.append(f'<text x="{label_w + plot_w + 6}" y="{y + 17}" font-size="12">'
                    f'{escape(b.text)}</text>')
    if reference is not None:
        x = label_w + reference * scale
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - top}" '
                    f'stroke="{AXIS}" stroke-dasharray="4 3"/>')
    body.append(f'<line x1="{label_w}" x2="{label_w}" y1="{top}" y2="{height - top}" '
                f'stroke="{AXIS}"/>')
    return _svg(width, height, title, desc, body)


def columns(bars: list[Bar], *, title: str, desc: str, width: int = 560,
            height: int = 220) -> Markup:
    """Vertical columns (a time series such as participants per quarter)."""
    top, bottom, left = 20, 40, 10
    plot_h = height - top - bottom
    peak = max((b.value for b in bars), default=0) or 1.0
    step = (width - 2 * left) / max(len(bars), 1)
    body = []
    for i, b in enumerate(bars):
        h = plot_h * max(b.value, 0) / peak
        x = left + i * step
        body.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        body.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 4:.1f}" '
                    f'text-anchor="middle" font-size="11">{escape(b.text)}</text>')
        body.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                    f'text-anchor="middle" font-size="11">{escape(b.label)}</text>')
    body.append(f'<line x1="{left}" x2="{width - left}" y1="{top + plot_h}" '
                f'y2="{top + plot_h}" stroke="{AXIS}"/>')
    return _svg(width, height, title, desc, body)
