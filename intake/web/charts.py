"""Charts drawn on the server as inline SVG: stacked bars over time, shares over time, the
Pareto chart and horizontal bars. No JavaScript; every chart carries a title for screen readers
and the page shows the same figures in a table beneath it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 760
HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 56, 20, 64
_MAX_X_LABELS = 14
PALETTE = (
    "#2f6fb0",
    "#e08a2c",
    "#3d9a5b",
    "#c2444e",
    "#7b5ea7",
    "#8c6d4f",
    "#d06fb0",
    "#6f7f8f",
    "#b5b53a",
    "#2fa3b0",
)
SENTIMENT_COLOURS = {
    "negative": "#c2444e",
    "neutral": "#9aa3ad",
    "positive": "#3d9a5b",
    "unclassified": "#d9dde1",
}


@dataclass(frozen=True)
class Bar:
    """One stacked bar: a label on the x axis and one value per series."""

    label: str
    values: tuple[float, ...]


def colour(index: int, label: str = "") -> str:
    return SENTIMENT_COLOURS.get(label) or PALETTE[index % len(PALETTE)]


def _attrs(**values: object) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(str(v))}"' for name, v in values.items()
    )


def _text(x: float, y: float, content: str, **extra: object) -> str:
    return f"<text {_attrs(x=f'{x:.1f}', y=f'{y:.1f}', **extra)}>{escape(content)}</text>"


def _line(x1: float, y1: float, x2: float, y2: float, kind: str = "axis") -> str:
    return f'<line class="{kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def _svg(title: str, body: list[str], chart_id: str) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for an axis at or above `value`, and the step between its five ticks."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _plot_box() -> tuple[float, float, float, float]:
    return _LEFT, _TOP, WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM


def _left_axis(top_value: float, step: float, label: str, percent: bool = False) -> list[str]:
    x0, y0, width, height = _plot_box()
    parts = [_line(x0, y0, x0, y0 + height)]
    ticks = round(top_value / step)
    for i in range(ticks + 1):
        value = step * i
        y = y0 + height - height * value / top_value
        shown = f"{value:.0%}" if percent else f"{value:g}"
        parts.append(_line(x0, y, x0 + width, y, "grid"))
        parts.append(_text(x0 - 6, y + 4, shown, text_anchor="end", class_="tick"))
    parts.append(
        _text(
            14,
            y0 + height / 2,
            label,
            text_anchor="middle",
            class_="axis-label",
            transform=f"rotate(-90 14 {y0 + height / 2:.1f})",
        )
    )
    return parts


def _x_labels(labels: Sequence[str], slot: float, axis_label: str) -> list[str]:
    x0, y0, width, height = _plot_box()
    every = max(1, math.ceil(len(labels) / _MAX_X_LABELS))
    parts = [_line(x0, y0 + height, x0 + width, y0 + height)]
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = x0 + slot * (i + 0.5)
        y = y0 + height + 14
        parts.append(
            _text(
                x,
                y,
                label,
                text_anchor="end",
                class_="tick",
                transform=f"rotate(-35 {x:.1f} {y:.1f})",
            )
        )
    parts.append(
        _text(x0 + width / 2, HEIGHT - 6, axis_label, text_anchor="middle", class_="axis-label")
    )
    return parts


def stacked_bars(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    series: Sequence[str],
    *,
    x_label: str,
    y_label: str,
    percent: bool = False,
) -> Markup:
    """Bars of stacked values (counts, or shares from 0 to 1 with `percent`)."""
    x0, y0, width, height = _plot_box()
    highest = max((sum(bar.values) for bar in bars), default=0.0)
    top_value, step = (1.0, 0.25) if percent else nice_ceiling(highest)
    slot = width / max(len(bars), 1)
    parts = _left_axis(top_value, step, y_label, percent)
    for i, bar in enumerate(bars):
        base = y0 + height
        for j, value in enumerate(bar.values):
            if value <= 0:
                continue
            size = height * value / top_value
            base -= size
            shown = f"{value:.0%}" if percent else f"{value:g}"
            parts.append(
                f'<rect x="{x0 + slot * i + slot * 0.15:.1f}" y="{base:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{size:.1f}" fill="{colour(j, series[j])}">'
                f"<title>{escape(bar.label)} · {escape(series[j])}: {shown}</title></rect>"
            )
    parts += _x_labels([bar.label for bar in bars], slot, x_label)
    return _svg(title, parts, chart_id)


def pareto_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    cumulative: Sequence[float],
    *,
    x_label: str,
    y_label: str,
) -> Markup:
    """Bars sorted largest first, the running share as a line on the right axis, and a dashed
    reference line at 80%: the few categories left of where the line crosses it are the
    vital few."""
    x0, y0, width, height = _plot_box()
    top_value, step = nice_ceiling(max(counts, default=0))
    slot = width / max(len(counts), 1)
    parts = _left_axis(top_value, step, y_label)
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        size = height * count / top_value
        parts.append(
            f'<rect class="pareto-bar" x="{x0 + slot * i + slot * 0.1:.1f}" '
            f'y="{y0 + height - size:.1f}" width="{slot * 0.8:.1f}" height="{size:.1f}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {count}</title></rect>'
        )
    right = x0 + width
    parts.append(_line(right, y0, right, y0 + height))
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y0 + height - height * share
        parts.append(_text(right + 6, y + 4, f"{share:.0%}", class_="tick"))
    parts.append(
        _text(
            WIDTH - 10,
            y0 + height / 2,
            "cumulative share",
            text_anchor="middle",
            class_="axis-label",
            transform=f"rotate(90 {WIDTH - 10} {y0 + height / 2:.1f})",
        )
    )
    y80 = y0 + height * 0.2
    parts.append(
        f'<line class="reference" x1="{x0}" y1="{y80:.1f}" x2="{right}" y2="{y80:.1f}" '
        'stroke="#c2444e" stroke-dasharray="6 4"/>'
    )
    parts.append(_text(x0 + 4, y80 - 4, "80%", class_="reference-label", fill="#c2444e"))
    points = [
        (x0 + slot * (i + 0.5), y0 + height - height * share) for i, share in enumerate(cumulative)
    ]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="cumulative" points="{path}" fill="none" stroke="{PALETTE[1]}" '
            'stroke-width="2.5"/>'
        )
        for (x, y), label, share in zip(points, labels, cumulative, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[1]}">'
                f"<title>{escape(label)}: {share:.1%} cumulative</title></circle>"
            )
    parts += _x_labels(labels, slot, x_label)
    return _svg(title, parts, chart_id)


def horizontal_shares(
    chart_id: str, title: str, labels: Sequence[str], shares: Sequence[float | None]
) -> Markup:
    """One bar per label, its share from 0 to 100% (an empty row where there is none)."""
    row = 26
    label_width = 150
    height = _TOP + row * max(len(labels), 1) + 30
    width = WIDTH - label_width - _RIGHT
    parts = []
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        y = _TOP + row * i
        parts.append(
            _text(label_width - 8, y + row * 0.65, label, text_anchor="end", class_="tick")
        )
        if share is None:
            parts.append(_text(label_width + 4, y + row * 0.65, "no deadlines", class_="tick"))
            continue
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{width * share:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[2] if share >= 0.8 else PALETTE[3]}">'
            f"<title>{escape(label)}: {share:.0%}</title></rect>"
        )
        parts.append(
            _text(label_width + width * share + 6, y + row * 0.65, f"{share:.0%}", class_="tick")
        )
    axis_y = _TOP + row * len(labels) + 4
    parts.append(_line(label_width, axis_y, label_width + width, axis_y))
    for share in (0.0, 0.5, 0.8, 1.0):
        x = label_width + width * share
        parts.append(_text(x, axis_y + 16, f"{share:.0%}", text_anchor="middle", class_="tick"))
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    return Markup(head + "".join(parts) + "</svg>")
