"""Small SVG writers: every picture in the report is text built here, in Python.

Numbers are written with at most one decimal and no float noise, so a re-run gives the
same bytes. Every text that reaches the SVG is XML-escaped: device names and workload
names come from the spec.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


def num(value: float) -> str:
    """A coordinate: whole numbers bare, others with one decimal."""
    r = round(value, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def _quote(value: str) -> str:
    """An attribute value in double quotes; escaped only when it needs it (most are numbers)."""
    if any(c in value for c in '&<>"'):
        return quoteattr(value) if '"' not in value else '"' + escape(value, {'"': "&quot;"}) + '"'
    return f'"{value}"'


def attrs(**values: object) -> str:
    """``key="value"`` pairs; ``_`` in a name becomes ``-`` (``stroke_width`` -> ``stroke-width``)."""
    out = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, float | int):
            shown = _quote(str(value))
        else:
            shown = f'"{num(value)}"'
        out.append(f"{key.rstrip('_').replace('_', '-')}={shown}")
    return " ".join(out)


def rect(x: float, y: float, w: float, h: float, **extra: object) -> str:
    return f"<rect {attrs(x=x, y=y, width=w, height=h, **extra)}/>"


def line(x1: float, y1: float, x2: float, y2: float, **extra: object) -> str:
    return f"<line {attrs(x1=x1, y1=y1, x2=x2, y2=y2, **extra)}/>"


def text(x: float, y: float, content: str, **extra: object) -> str:
    return f"<text {attrs(x=x, y=y, **extra)}>{escape(content)}</text>"


def title(content: str) -> str:
    """A tooltip and the accessible name of the element it opens."""
    return f"<title>{escape(content)}</title>"


def link(href: str, label: str, body: str, **extra: object) -> str:
    """An SVG ``<a>``: clickable and focusable without script; its ``<title>`` is its accessible
    name (SVG-AAM) and its tooltip."""
    return f"<a {attrs(href=href, **extra)}>{title(label)}{body}</a>"


def document(width: float, height: float, label: str, description: str, body: list[str], **extra: object) -> str:
    """A whole ``<svg>``: role img, named by its ``<title>`` and described by its ``<desc>``."""
    head = attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {num(width)} {num(height)}",
        width=width,
        height=height,
        role="img",
        aria_label=label,
        **extra,
    )
    return f"<svg {head}>{title(label)}<desc>{escape(description)}</desc>{''.join(body)}</svg>"
