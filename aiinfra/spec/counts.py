"""Large counts written the way people write them: ``70.6B`` parameters, ``15T`` tokens, ``2M`` documents.

One module so every spec section that takes a count (workloads, RAG corpora) accepts and
documents the same forms.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

_SUFFIX = {"K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([KMBGTP]?)\s*$", re.IGNORECASE)


def parse_count(value: object) -> object:
    """Accept ``70.6B``, ``15T``, ``1.5e13`` or a plain number for large counts.

    YAML reads ``15e12`` as a string, and people write parameter and token counts
    with suffixes anyway, so both forms are accepted and turned into an int.
    """
    if isinstance(value, bool):
        return value  # let pydantic reject it with its own message
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value) if math.isfinite(value) else value
    if isinstance(value, str):
        m = _COUNT.match(value.replace("_", "").replace(",", ""))
        if not m:
            raise ValueError(f"{value!r} is not a count; write e.g. 70.6B, 15T, 4M or 1.5e13")
        number = float(m.group(1)) * _SUFFIX.get(m.group(2).upper(), 1)
        if not math.isfinite(number) or number > 1e30:
            raise ValueError(f"{value!r} is too large to be a count")
        return round(number)
    return value


Count = Annotated[
    int,
    BeforeValidator(parse_count),
    Field(ge=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*[KMBGTPkmbgtp]?\s*$"},
            ],
            "description": "A count; suffixes K, M, B (or G), T, P are accepted, e.g. 70.6B, 15T or 2M.",
        }
    ),
]
