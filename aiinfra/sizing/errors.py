"""The one error type sizing raises for bad input, so the CLI can print it without a traceback."""

from __future__ import annotations


class SizingError(ValueError):
    """The input cannot be sized as given; the message says what to change."""
