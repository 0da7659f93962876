"""aiinfra.nos.jsontext against the standard library it stands in for."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.nos.jsontext import indented_json

# What CONFIG_DB and the other JSON configs hold: no floats (the function's contract).
_LEAVES = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=12)
_KEYS = st.text(max_size=8)
_DOCS = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(_DOCS, st.sampled_from([1, 2, 3, 4, 8]))
def test_same_text_as_json_dumps(data: object, indent: int) -> None:
    assert indented_json(data, indent) == json.dumps(data, indent=indent, sort_keys=True)


def test_escapes_and_fallbacks() -> None:
    doc = {
        "ascii": "".join(chr(i) for i in range(128)),  # control characters, quote, backslash, DEL
        "text": "caf\u00e9 \u2028 \U0001f600",  # non-ASCII: json.dumps escapes it, orjson does not
        "deep": {"a": {"b": {"c": {"d": ["x", {}, []]}}}},
        "big": 2**65,  # beyond orjson's 64 bits
    }
    for indent in (2, 4):
        assert indented_json(doc, indent) == json.dumps(doc, indent=indent, sort_keys=True)
    assert indented_json({1: "non-str key"}, 4) == json.dumps({1: "non-str key"}, indent=4, sort_keys=True)
