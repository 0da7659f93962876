"""The report's colours, in one place, so the page, the SVG and the contrast test agree.

Rails use the Okabe-Ito palette (colour-blind safe), darkened where needed so every rail
colour keeps a 3:1 contrast with the page (WCAG 2.1, 1.4.11 "non-text contrast"); text
keeps 4.5:1 (1.4.3). ``tests/report/test_palette.py`` computes the ratios.
"""

from __future__ import annotations

BACKGROUND = "#ffffff"
SURFACE = "#f4f6f8"  # table stripes, blocks
TEXT = "#1b1f24"
MUTED = "#57606a"  # secondary text
ACCENT = "#0b5cad"  # links, focus
BORDER = "#8c959f"
LINK_STROKE = "#6e7781"  # neutral links in a picture
WARN_BG = "#fff4d6"
WARN_TEXT = "#6b4500"

# Okabe-Ito, in its order, each darkened until it keeps 3:1 on white.
RAILS: tuple[str, ...] = (
    "#c26a00",  # orange
    "#2a7fb0",  # sky blue
    "#00805c",  # bluish green
    "#8a7d00",  # yellow (dark)
    "#0066a8",  # blue
    "#c04a00",  # vermillion
    "#a8578a",  # reddish purple
    "#4d4d4d",  # grey
)
NEUTRAL_SWITCH = "#3d4b5c"  # a switch on no rail (spines, front-end, OOB)
NODE = "#6e5a8a"  # GPU nodes


def rail_colour(rail: int | None) -> str:
    """Rail ``n`` (1-based) always gets the same colour; a switch on no rail the neutral one."""
    if rail is None or rail < 1:
        return NEUTRAL_SWITCH
    return RAILS[(rail - 1) % len(RAILS)]


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def label_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill``."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


CSS_VARIABLES: dict[str, str] = {
    "bg": BACKGROUND,
    "surface": SURFACE,
    "text": TEXT,
    "muted": MUTED,
    "accent": ACCENT,
    "border": BORDER,
    "warn-bg": WARN_BG,
    "warn-text": WARN_TEXT,
}
