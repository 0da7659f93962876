"""Indented JSON text, byte for byte what ``json.dumps(data, indent=n, sort_keys=True)`` writes, fast.

With ``indent`` the standard library encodes in pure Python (its C encoder serves only the
compact form): a SONiC CONFIG_DB of 100 kB is about a millisecond of it, most of the
driver's render. orjson writes the same document in C with two-space indentation; the
indentation is then widened per depth, with one ``str.replace`` per level.

The two encoders agree on every document of dicts (str keys), lists, strings, ints, bools
and None, except that orjson leaves non-ASCII and DEL unescaped: such a text, and anything
orjson refuses (a non-str key, an int beyond 64 bits), is handed to ``json.dumps``.
Floats are not for this function: the two spell some exponents differently (CONFIG_DB
values are strings). ``tests/switches/test_jsontext.py`` compares the two, property-based.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
_MARK = "\x00"  # never raw in JSON text: orjson writes NUL as \u0000


def indented_json(data: Any, indent: int) -> str:
    """``json.dumps(data, indent=indent, sort_keys=True)``, for data without floats."""
    try:
        text = orjson.dumps(data, option=_OPTIONS).decode()
    except TypeError:
        return json.dumps(data, indent=indent, sort_keys=True)
    if not text.isascii() or "\x7f" in text:
        return json.dumps(data, indent=indent, sort_keys=True)
    if indent == 2:
        return text
    depth = 0
    while "\n" + "  " * (depth + 1) in text:
        depth += 1
    # Deepest first: a line already marked no longer starts with spaces, so a shallower
    # level's run never matches the start of a deeper line.
    for level in range(depth, 0, -1):
        text = text.replace("\n" + "  " * level, "\n" + _MARK * level)
    return text.replace(_MARK, " " * indent)
