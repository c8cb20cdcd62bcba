"""The dashboard's bar chart of contacts per hour, laid out on the server as plain numbers that
the template draws as inline SVG: no JavaScript library, and it prints and zooms crisply."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from intake.services.dashboard import HourVolume

WIDTH = 720.0
HEIGHT = 180.0
# Room for the axis labels left of and below the plot.
LEFT = 36.0
BOTTOM = 22.0
TOP = 8.0
GAP = 0.2


@dataclass(frozen=True)
class Segment:
    channel: str
    count: int
    y: float
    height: float
    colour: int


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label: str
    total: int
    starts_at: datetime
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    left: float
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    channels: tuple[tuple[str, int], ...]
    total: int


def stacked_bars(
    hours: tuple[HourVolume, ...], channels: tuple[str, ...], timezone: str
) -> BarChart:
    """One bar per hour, one stacked segment per channel; hours labelled in local time."""
    zone = ZoneInfo(timezone)
    baseline = HEIGHT - BOTTOM
    scale_top = _nice_ceiling(max((h.total for h in hours), default=0))
    per_unit = (baseline - TOP) / scale_top
    slot = (WIDTH - LEFT) / max(len(hours), 1)
    colours = {channel: index % 6 for index, channel in enumerate(channels)}
    bars = []
    for index, hour in enumerate(hours):
        y = baseline
        segments = []
        for channel in channels:
            count = hour.by_channel.get(channel, 0)
            if not count:
                continue
            height = count * per_unit
            y -= height
            segments.append(Segment(channel, count, y, height, colours[channel]))
        bars.append(
            Bar(
                x=LEFT + index * slot + slot * GAP / 2,
                width=slot * (1 - GAP),
                label=hour.starts_at.astimezone(zone).strftime("%H"),
                total=hour.total,
                starts_at=hour.starts_at,
                segments=tuple(segments),
            )
        )
    ticks = tuple(Tick(value, baseline - value * per_unit) for value in _tick_values(scale_top))
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        baseline=baseline,
        bars=tuple(bars),
        ticks=ticks,
        channels=tuple((channel, colours[channel]) for channel in channels),
        total=sum(h.total for h in hours),
    )


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _tick_values(top: int) -> tuple[int, ...]:
    if top <= 4:
        return tuple(range(0, top + 1))
    return (0, top // 2, top) if top % 2 == 0 else (0, top)
