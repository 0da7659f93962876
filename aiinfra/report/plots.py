"""Line and bar charts as SVG, written here rather than with a plotting library.

The charts are simple (a few series of a few dozen points), the report must be offline,
self-contained and byte-identical on re-run, and matplotlib would add ~40 MB of
dependencies, font discovery and SVG ids that change per run (docs/report.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.report import palette
from aiinfra.report.svg import document, line, num, rect, text

W, H = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 48


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]
    colour: str
    dashed: bool = False


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi``."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * step:
            step *= m
            break
    first = math.floor(lo / step) * step
    out = [round(first, 10)]
    while out[-1] < hi - step * 1e-9:  # the last tick is at or above ``hi``: every value is inside the axis
        out.append(round(first + len(out) * step, 10))
    return out


def _log_ticks(lo: float, hi: float) -> list[float]:
    out = []
    p = math.floor(math.log10(lo))
    while 10**p <= hi * 1.0001:
        for m in (1, 2, 5):
            v = m * 10**p
            if lo * 0.9999 <= v <= hi * 1.0001:
                out.append(float(v))
        p += 1
    return out


def label(value: float, kilo: bool | None = None) -> str:
    """A tick label: ``1.5k``, ``200``, ``0.25``; ``kilo`` puts a whole axis in thousands."""
    if value == 0:
        return "0"
    if kilo if kilo is not None else abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k" if value % 1000 == 0 else f"{value / 1000:,.1f}k"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def line_chart(
    title_text: str,
    description: str,
    x_label: str,
    y_label: str,
    series: list[Series],
    *,
    log_x: bool = False,
    limits: tuple[tuple[str, float], ...] = (),
    chart_id: str = "",
) -> str:
    """Series against a shared x axis; ``limits``: horizontal dashed lines (an SLO) with their labels."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points] + [v for _, v in limits]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_hi = max(ys) * 1.08 if ys else 1.0
    y_ticks = _ticks(0, y_hi)
    y_hi = y_ticks[-1]
    if log_x and x_lo > 0:
        x_ticks = _log_ticks(x_lo, x_hi)
        lx_lo, lx_hi = math.log10(x_lo), math.log10(x_hi if x_hi > x_lo else x_lo * 10)

        def fx(v: float) -> float:
            return LEFT + (math.log10(v) - lx_lo) / (lx_hi - lx_lo) * (W - LEFT - RIGHT)
    else:
        x_ticks = _ticks(x_lo, x_hi)
        span = (x_ticks[-1] - x_ticks[0]) or 1.0

        def fx(v: float) -> float:
            return LEFT + (v - x_ticks[0]) / span * (W - LEFT - RIGHT)

    def fy(v: float) -> float:
        return H - BOTTOM - v / y_hi * (H - TOP - BOTTOM)

    body = _axes(x_label, y_label)
    for t in y_ticks:
        body.append(line(LEFT, fy(t), W - RIGHT, fy(t), stroke=palette.SURFACE, stroke_width=1))
        body.append(
            text(LEFT - 6, fy(t) + 4, label(t, y_hi >= 10_000), font_size=10, text_anchor="end", fill=palette.TEXT)
        )
    for t in x_ticks:
        body.append(text(fx(t), H - BOTTOM + 16, label(t), font_size=10, text_anchor="middle", fill=palette.TEXT))
    for name, v in limits:
        body.append(
            line(LEFT, fy(v), W - RIGHT, fy(v), stroke=palette.WARN_TEXT, stroke_width=1.5, stroke_dasharray="6 4")
        )
        body.append(text(W - RIGHT - 4, fy(v) - 4, name, font_size=10, text_anchor="end", fill=palette.WARN_TEXT))
    for n, s in enumerate(series):
        pts = " ".join(f"{num(fx(x))},{num(fy(y))}" for x, y in s.points)
        dash = ' stroke-dasharray="4 3"' if s.dashed else ""
        body.append(
            f'<polyline class="series" data-series="{n}" points="{pts}" fill="none" stroke="{s.colour}" '
            f'stroke-width="2"{dash}/>'
        )
        body += [f'<circle cx="{num(fx(x))}" cy="{num(fy(y))}" r="2.5" fill="{s.colour}"/>' for x, y in s.points]
    body += _legend([(s.name, s.colour) for s in series])
    return document(W, H, title_text, description, body, class_="plot", data_chart=chart_id)


def bar_chart(
    title_text: str, description: str, y_label: str, bars: list[tuple[str, float, str]], *, chart_id: str = ""
) -> str:
    """One bar per ``(label, value, colour)``."""
    y_ticks = _ticks(0, max((v for _, v, _ in bars), default=1.0) * 1.08)
    y_hi = y_ticks[-1] or 1.0

    def fy(v: float) -> float:
        return H - BOTTOM - v / y_hi * (H - TOP - BOTTOM)

    body = _axes("", y_label)
    for t in y_ticks:
        body.append(line(LEFT, fy(t), W - RIGHT, fy(t), stroke=palette.SURFACE, stroke_width=1))
        body.append(
            text(LEFT - 6, fy(t) + 4, label(t, y_hi >= 10_000), font_size=10, text_anchor="end", fill=palette.TEXT)
        )
    slot = (W - LEFT - RIGHT) / max(len(bars), 1)
    bar = min(slot * 0.6, 90)
    for n, (name, value, colour) in enumerate(bars):
        x = LEFT + n * slot + (slot - bar) / 2
        body.append(rect(x, fy(value), bar, H - BOTTOM - fy(value), fill=colour, class_="bar"))
        body.append(
            text(
                x + bar / 2,
                fy(value) - 4,
                label(round(value, 3)),
                font_size=10,
                text_anchor="middle",
                fill=palette.TEXT,
            )
        )
        body.append(text(x + bar / 2, H - BOTTOM + 16, name, font_size=10, text_anchor="middle", fill=palette.TEXT))
    return document(W, H, title_text, description, body, class_="plot", data_chart=chart_id)


def _axes(x_label: str, y_label: str) -> list[str]:
    return [
        line(LEFT, TOP, LEFT, H - BOTTOM, stroke=palette.TEXT, stroke_width=1),
        line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, stroke=palette.TEXT, stroke_width=1),
        text((LEFT + W - RIGHT) / 2, H - 10, x_label, font_size=11, text_anchor="middle", fill=palette.TEXT),
        text(
            14,
            (TOP + H - BOTTOM) / 2,
            y_label,
            font_size=11,
            text_anchor="middle",
            fill=palette.TEXT,
            transform=f"rotate(-90 14 {num((TOP + H - BOTTOM) / 2)})",
        ),
    ]


def _legend(entries: list[tuple[str, str]]) -> list[str]:
    out = []
    x = LEFT + 4
    for name, colour in entries:
        out.append(rect(x, 8, 12, 4, fill=colour))
        out.append(text(x + 16, 13, name, font_size=10, fill=palette.TEXT))
        x += 28 + len(name) * 6
    return out
