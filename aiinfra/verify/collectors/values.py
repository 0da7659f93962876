"""Value readers shared by the collectors: vendor JSON carries numbers as text and speeds as words."""

from __future__ import annotations

import re
from typing import Any

SPEED = re.compile(r"^(\d+)\s*G")


def as_int(value: Any) -> int | None:
    """``int(value)``, or None for anything that is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def gbps(text: Any) -> int | None:
    """Gb/s from a speed word such as ``400Gbps`` (Junos) or ``400G`` (SR Linux)."""
    m = SPEED.match(str(text or ""))
    return int(m.group(1)) if m else None
