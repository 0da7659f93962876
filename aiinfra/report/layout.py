"""Layered pictures: rows of boxes joined by edges, drawn as one SVG.

A topology view is a list of rows (a tier each, top to bottom) of boxes: a switch, a group
of switches (a pod, a plane, a scalable unit) or a group of nodes. Edges join boxes of
different rows; many cables between the same two boxes are one edge whose width and
label carry the count, so a 32k-GPU fabric stays a picture rather than a hairball.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiinfra.report import palette
from aiinfra.report.svg import document, link, num, rect, text

FONT = 11  # px; a character is about 0.62 em wide in the sans-serif the page uses
CHAR_W = FONT * 0.62
ROW_GAP = 70
MARGIN = 16
LABEL_W = 120  # the row labels on the left


@dataclass
class Box:
    key: str
    label: str  # text drawn in the box (cut to fit)
    name: str  # accessible name and tooltip
    w: float = 60
    h: float = 26
    fill: str = palette.NEUTRAL_SWITCH
    href: str | None = None
    device: str | None = None  # a switch: data-device carries its name
    stripes: tuple[str, ...] = ()  # rail colours drawn along the bottom of a group box
    gap_before: float = 0  # extra room before this box (between two scalable units)
    x: float = 0
    y: float = 0


@dataclass
class Row:
    label: str
    boxes: list[Box]
    gap: float = 6
    wrap: int = 0  # boxes per line; 0: one line


@dataclass(frozen=True)
class Edge:
    a: str  # box keys
    b: str
    count: int
    colour: str = palette.LINK_STROKE


@dataclass
class Group:
    """A labelled frame drawn behind some boxes of a row (a scalable unit's leaves)."""

    label: str
    keys: list[str] = field(default_factory=list)
    href: str | None = None


def _place(rows: list[Row]) -> tuple[float, float, list[tuple[str, float]]]:
    """Positions every box; returns the canvas size and each row's label position."""
    lines: list[tuple[Row, list[Box]]] = []
    for row in rows:
        per = row.wrap or len(row.boxes) or 1
        for start in range(0, max(len(row.boxes), 1), per):
            lines.append((row, row.boxes[start : start + per]))
    widths = [
        sum(b.w + b.gap_before for b in boxes[1:]) + (boxes[0].w if boxes else 0) + row.gap * max(len(boxes) - 1, 0)
        for row, boxes in lines
    ]
    inner = max(widths, default=0)
    width = LABEL_W + inner + 2 * MARGIN
    y = MARGIN + 18.0
    labels: list[tuple[str, float]] = []
    last: Row | None = None
    for (row, boxes), w in zip(lines, widths, strict=True):
        if last is not None:
            y += ROW_GAP if row is not last else 12
        height = max((b.h for b in boxes), default=26)
        if row is not last:
            labels.append((row.label, y + height / 2))
        x = LABEL_W + MARGIN + (inner - w) / 2
        for n, b in enumerate(boxes):
            x += b.gap_before if n else 0
            b.x, b.y = x, y + (height - b.h) / 2
            x += b.w + row.gap
        y += height
        last = row
    return width, y + MARGIN, labels


def _fit(label: str, width: float) -> str:
    room = int((width - 4) / CHAR_W)
    if room < 2:
        return ""
    return label if len(label) <= room else label[: max(room - 1, 0)] + "…"


def _box(b: Box) -> str:
    body = [rect(b.x, b.y, b.w, b.h, rx=3, fill=b.fill, stroke="#ffffff", stroke_width=1)]
    if b.stripes:
        sw = b.w / len(b.stripes)
        body += [rect(b.x + n * sw, b.y + b.h - 6, sw, 6, fill=c) for n, c in enumerate(b.stripes)]
    shown = _fit(b.label, b.w)
    if shown:
        body.append(
            text(
                b.x + b.w / 2,
                b.y + (b.h - (6 if b.stripes else 0)) / 2 + FONT * 0.35,
                shown,
                fill=palette.label_on(b.fill),
                font_size=FONT,
                text_anchor="middle",
            )
        )
    inner = "".join(body)
    extra: dict[str, object] = {"class_": "sw" if b.device else "grp"}
    if b.device:
        extra["data_device"] = b.device
    else:
        extra["data_group"] = b.key
    if b.href is None:
        return f'<g role="img" aria-label="{_attr(b.name)}">' + f"<title>{_esc(b.name)}</title>{inner}</g>"
    return link(b.href, b.name, inner, **extra)


def _esc(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value)


def _attr(value: str) -> str:
    return _esc(value).replace('"', "&quot;")


def draw(
    rows: list[Row], edges: list[Edge], label: str, description: str, groups: list[Group] | None = None, **extra: object
) -> str:
    """The SVG of ``rows`` joined by ``edges`` (drawn under the boxes, widest count thickest)."""
    width, height, labels = _place(rows)
    at = {b.key: b for row in rows for b in row.boxes}
    body: list[str] = []
    for g in groups or []:
        members = [at[k] for k in g.keys if k in at]
        if not members:
            continue
        x0 = min(b.x for b in members) - 4
        x1 = max(b.x + b.w for b in members) + 4
        y0 = min(b.y for b in members) - 16
        y1 = max(b.y + b.h for b in members) + 4
        frame = rect(x0, y0, x1 - x0, y1 - y0, rx=5, fill=palette.SURFACE, stroke=palette.BORDER, stroke_width=1)
        caption = text(x0 + 4, y0 + 11, _fit(g.label, x1 - x0 - 4), fill=palette.TEXT, font_size=10)
        body.append(frame + caption)
    body += [text(MARGIN, y, lab, fill=palette.MUTED, font_size=FONT, font_weight="bold") for lab, y in labels]
    body += _edge_paths(edges, at)
    body += [_box(b) for row in rows for b in row.boxes]
    return document(width, height, label, description, body, **extra)


def _edge_paths(edges: list[Edge], at: dict[str, Box]) -> list[str]:
    """The edges as one ``<path>`` per colour and width: a 32k SU detail has ~500 cables,
    and one path of ``M x y L x y`` segments is a tenth of the markup of 500 lines."""
    top = max((e.count for e in edges), default=1)
    paths: dict[tuple[str, float], list[str]] = {}
    totals: dict[tuple[str, float], int] = {}
    for e in edges:
        a, b = at.get(e.a), at.get(e.b)
        if a is None or b is None:
            continue
        upper, lower = (a, b) if a.y < b.y else (b, a)
        key = (e.colour, round(1 + 3 * e.count / top, 1))
        paths.setdefault(key, []).append(
            f"M{num(upper.x + upper.w / 2)} {num(upper.y + upper.h)}L{num(lower.x + lower.w / 2)} {num(lower.y)}"
        )
        totals[key] = totals.get(key, 0) + e.count
    return [
        f'<path class="edges" d="{"".join(segments)}" stroke="{colour}" stroke-width="{num(width)}" '
        f'stroke-opacity="0.55" fill="none" data-cables="{totals[colour, width]}"/>'
        for (colour, width), segments in paths.items()
    ]


def label_suffix(names: list[str]) -> dict[str, str]:
    """Each name without the prefix all of ``names`` share (``lab-be-leaf-su01-r1`` -> ``su01-r1``)."""
    if len(names) < 2:
        return {n: n for n in names}
    first, last = min(names), max(names)
    cut = 0
    while cut < len(first) and cut < len(last) and first[cut] == last[cut]:
        cut += 1
    while cut > 0 and first[cut - 1] not in "-_.":
        cut -= 1
    return {n: n[cut:] or n for n in names}


__all__ = ["Box", "Edge", "Group", "Row", "draw", "label_suffix", "num"]
