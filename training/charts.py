"""Uptake over time as a plain SVG line chart, drawn on the server (no script, no inline style: the lines take
their colours from classes in static/css/portal.css). The same figures are in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 16, 40
SERIES = [("wrap", "WRAP"), ("pve", "PVE"), ("any", "Any Prevent training")]


@dataclass
class Line:
    key: str
    label: str
    points: str
    dots: list[tuple[float, float, int]]


def uptake_chart(series: list[dict[str, Any]]) -> dict[str, Any]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(series)

    def x(i: int) -> float:
        return round(LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(pct: float) -> float:
        return round(TOP + plot_h * (1 - pct / 100), 1)

    lines = []
    for key, label in SERIES:
        dots = [(x(i), y(row[f"{key}_pct"]), row[f"{key}_pct"]) for i, row in enumerate(series)]
        lines.append(Line(key, label, " ".join(f"{a},{b}" for a, b, _ in dots), dots))
    gridlines = [{"y": y(p), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
    ticks = [{"x": x(i), "label": f"{row['on']:%b %Y}"} for i, row in enumerate(series)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 20,
        "lines": lines,
        "gridlines": gridlines,
        "ticks": ticks,
    }
