"""A small, fast YAML emitter for the plain data aiinfra writes.

PyYAML's representer and resolver are pure Python and dominate a 32k-GPU render
(about 40 s for 10k host_vars files). aiinfra only ever writes dicts, lists,
strings, ints, floats, bools and None, so a direct block-style emitter is enough.
Strings are written plain only when YAML 1.1 and 1.2 readers would both read them
back as the same string; everything else is double-quoted with JSON escaping,
which is valid YAML. A str subclass with a ``yaml_tag`` attribute is written with that tag,
always double-quoted (the inventory marks spec text ``!unsafe`` for Ansible this way).
``tests/render/test_yamlout.py`` checks the round trip with
PyYAML's safe loader, property-based.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

# Plain scalars we allow: start with a letter, digit, '/', '_' or '.', and contain no
# characters with meaning in YAML flow or block context.
_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./@+=,-]*( [A-Za-z0-9_./@+=,()-]+)*$")
# ...but not anything a YAML 1.1 resolver would turn into a bool, null, number or date.
_SPECIAL = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|=)$"
    r"|^[-+]?(\d[\d_]*)?(\.[\d_]*)?([eE][-+]?\d+)?$"  # ints and floats (also "1_000", "1e3", ".5")
    r"|^[-+]?0[xob][0-9a-fA-F_]+$"  # hex/octal/binary
    r"|^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$"  # sexagesimal (YAML 1.1)
    r"|^\d{4}-\d\d?-\d\d?"  # dates and timestamps
)


# Characters a YAML reader refuses or folds when raw: C1 controls incl. NEL, line and paragraph
# separators, lone surrogates, non-characters (JSON already escapes the C0 controls).
_NON_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}[repr(value)]
        text = repr(value)
        # YAML 1.1 floats need a dot and a signed exponent: 1e-05 -> 1.0e-05
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    return _tagged(value) if isinstance(value, str) else _string(str(value))


@lru_cache(maxsize=1 << 16)
def _string(text: str) -> str:
    """Plain when safe, else double-quoted; cached because keys and values repeat a lot."""
    if text and _PLAIN.match(text) and not _SPECIAL.match(text):
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _tagged(value: str) -> str:
    """A string; one that carries a ``yaml_tag`` (e.g. ``!unsafe``) is tagged and always double-quoted."""
    tag = getattr(value, "yaml_tag", None)
    if tag:
        return f"{tag} {_quoted(str(value))}"
    return _string(value)


def _key(key: Any) -> str:
    return _string(key if isinstance(key, str) else str(key))


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(" {}\n")
            return
        out.append("\n")
        for k, v in value.items():
            out.append(f"{pad}{_key(k)}:")
            _emit_child(v, indent, out)
    elif isinstance(value, list | tuple):
        if not value:
            out.append(" []\n")
            return
        out.append("\n")
        for item in value:
            out.append(f"{pad}-")
            _emit_child(item, indent, out, in_list=True)
    else:
        out.append(f" {_scalar(value)}\n")


def _emit_child(value: Any, indent: int, out: list[str], in_list: bool = False) -> None:
    if isinstance(value, str):
        out.append(f" {_tagged(value)}\n")
        return
    if isinstance(value, dict) and value and in_list:
        # "- key: v" with following keys aligned under the first
        first = True
        for k, v in value.items():
            if first:
                out.append(f" {_key(k)}:")
                first = False
            else:
                out.append(f"{' ' * (indent + 2)}{_key(k)}:")
            _emit_child(v, indent + 2, out)
        return
    if isinstance(value, dict | list | tuple) and value:
        _emit(value, indent + 2, out)
    else:
        _emit(value, indent, out)


def dump(data: Any) -> str:
    """Block-style YAML for a dict or list of plain data (insertion order kept)."""
    if not isinstance(data, dict | list | tuple) or not data:
        return (
            _scalar(data) + "\n"
            if not isinstance(data, dict | list | tuple)
            else ("{}\n" if isinstance(data, dict) else "[]\n")
        )
    out: list[str] = []
    _emit(data, 0, out)
    text = "".join(out)
    return text[1:] if text.startswith("\n") else text
