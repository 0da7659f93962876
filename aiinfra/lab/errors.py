"""The one exception type the lab raises for conditions a user can act on."""

from __future__ import annotations


class LabError(Exception):
    """A lab operation cannot proceed; the message says why and what to do.

    The CLI prints it as one line and exits non-zero, so it must never be a bare
    traceback text: every raise site words it for the person at the terminal.
    """
