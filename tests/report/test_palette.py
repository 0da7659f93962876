"""WCAG 2.1 contrast of the report's palette: 4.5:1 for text, 3:1 for the rail colours."""

from __future__ import annotations

import pytest

from aiinfra.report import palette


def test_contrast_formula_matches_wcag_reference_values() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WebAIM's well-known grey


@pytest.mark.parametrize(
    "fg, bg",
    [
        (palette.TEXT, palette.BACKGROUND),
        (palette.TEXT, palette.SURFACE),
        (palette.MUTED, palette.BACKGROUND),
        (palette.MUTED, palette.SURFACE),
        (palette.ACCENT, palette.BACKGROUND),
        (palette.ACCENT, palette.SURFACE),
        (palette.WARN_TEXT, palette.WARN_BG),
    ],
)
def test_text_colours_reach_4_5(fg: str, bg: str) -> None:
    assert palette.contrast(fg, bg) >= 4.5


@pytest.mark.parametrize("fill", [*palette.RAILS, palette.NEUTRAL_SWITCH, palette.NODE, palette.MUTED])
def test_box_fills_stand_out_and_carry_readable_labels(fill: str) -> None:
    assert palette.contrast(fill, palette.BACKGROUND) >= 3.0  # non-text contrast (1.4.11)
    assert palette.contrast(fill, palette.label_on(fill)) >= 4.5  # the switch name drawn on it


def test_rails_keep_their_colour_and_are_distinct() -> None:
    assert palette.rail_colour(3) == palette.RAILS[2]
    assert palette.rail_colour(3 + len(palette.RAILS)) == palette.rail_colour(3)
    assert len(set(palette.RAILS)) == len(palette.RAILS)
    assert palette.rail_colour(None) == palette.NEUTRAL_SWITCH
