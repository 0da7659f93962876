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

import re
from collections.abc import Callable
from functools import lru_cache
from json.encoder import encode_basestring as _encode_basestring  # what json.dumps uses for a str
from typing import Any

# Plain scalars we allow: start with a letter, digit, '/', '_' or '.', and contain no
# characters with meaning in YAML flow or block context. ``\Z``, not ``$``: ``$`` also
# matches before a final line break, and "abc\n" written plain reads back as "abc".
_PLAIN_TEXT = r"[A-Za-z0-9_./][A-Za-z0-9_./@+=,-]*(?: [A-Za-z0-9_./@+=,()-]+)*"
_PLAIN = re.compile(_PLAIN_TEXT + r"\Z")  # with .match: anchored at the start


def _special(end: str) -> str:
    """What a YAML 1.1 resolver would turn into a bool, null, number or date, each
    alternative ending with ``end`` (the end of the string, or of one line of many).

    Possessive (``*+``, ``?+``) wherever what follows can never match what the quantifier
    gave back, so the strings matched are the same and a miss does not backtrack: an
    address such as ``10.2.0.1`` tried the number pattern about twenty ways.
    """
    return (
        r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
        rf"|null|Null|NULL|~|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|=){end}"
        rf"|[-+]?+(?:\d[\d_]*+)?+(?:\.[\d_]*+)?+(?:[eE][-+]?+\d++)?+{end}"  # ints and floats ("1_000", "1e3", ".5")
        rf"|[-+]?0[xob][0-9a-fA-F_]+{end}"  # hex/octal/binary
        rf"|[-+]?+\d[\d_]*+(?::[0-5]?\d)+(?:\.\d*)?{end}"  # sexagesimal (YAML 1.1)
        r"|\d{4}-\d\d?-\d\d?"  # dates and timestamps (a prefix is enough)
    )


# ...but not anything a YAML 1.1 resolver would turn into a bool, null, number or date.
_SPECIAL = re.compile(_special("$"))  # with .match
_LINE_END = r"\n"
# Many strings at once, one per line (none holding a line break): every line is plain and
# not special. The same two patterns as ``_PLAIN`` and ``_SPECIAL``, one regex call for all.
_PLAIN_LINES = re.compile(f"(?:(?!{_special(_LINE_END)}){_PLAIN_TEXT}{_LINE_END})*")


# Characters a YAML reader refuses or folds when raw: C1 controls incl. NEL, line and paragraph
# separators, lone surrogates, non-characters (JSON already escapes the C0 controls).
_NON_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scalar(value: Any) -> str:
    """Anything but a string or a container (strings are ``_text``'s)."""
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
    return _string(str(value))


@lru_cache(maxsize=1 << 16)
def _string(text: str) -> str:
    """Plain when safe, else double-quoted; cached because keys and values repeat a lot."""
    if text and _PLAIN.match(text) and not _SPECIAL.match(text):
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    """Double-quoted with JSON escaping (what ``json.dumps(text, ensure_ascii=False)`` writes).

    ASCII text without DEL has nothing ``_NON_PRINTABLE`` matches, before or after JSON's
    escapes (which are ASCII): the regex pass is skipped for it (``isascii`` is a flag test).
    That makes the common case cheaper than a cache: an LRU cache here (tagged inventory
    strings repeat across files) missed a third of the time at 32k (every BGP neighbor's
    address is new) and its misses cost more than the text's escaping.
    """
    quoted = _encode_basestring(text)
    if text.isascii() and "\x7f" not in text:
        return quoted
    return _NON_PRINTABLE.sub(_escape_non_printable, quoted)


def _escape_non_printable(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _text(value: str, tag: str | None, untagged: tuple[type, ...]) -> str:
    """A string value: its own ``yaml_tag``, else ``tag`` (unless its type is ``untagged``), else plain when safe."""
    own = getattr(value, "yaml_tag", None)
    if own:
        return f"{own} {_quoted(str(value))}"
    if tag is None or isinstance(value, untagged):
        return _string(value)
    return f"{tag} {_quoted(str(value))}"


# One record of a list written in one call (``_record_writer``); None: an item of another shape.
_Record = Callable[..., str | None]


def _key(key: Any) -> str:
    return _string(key if isinstance(key, str) else str(key))


# The emitter proper. One call per non-empty mapping or sequence; the common leaf types (exact
# str and int) are written inline and everything else goes through ``_child``, so a 32k render's
# several million values cost a type check and one append each. ``tag``: every string value
# not already tagged is written with it (Ansible's ``!unsafe``) except instances of ``untagged``.


def _mapping(
    data: dict[Any, Any], indent: int, out: list[str], tag: str | None, untagged: tuple[type, ...], first: str = ""
) -> None:
    """``key: value`` lines at ``indent``; ``first`` replaces the indent of the first line ("- " of a list item)."""
    pad = " " * indent
    prefix = first or pad
    append = out.append
    for k, v in data.items():
        line = f"{prefix}{_string(k) if type(k) is str else _key(k)}:"
        prefix = pad
        t = type(v)
        if t is str:
            if tag is None:
                append(f"{line} {_string(v)}\n")
            else:
                append(f"{line} {tag} {_quoted(v)}\n")
        elif t is int:
            append(f"{line} {v}\n")
        else:
            _child(v, indent, out, line, tag, untagged)


def _sequence(
    data: list[Any] | tuple[Any, ...], indent: int, out: list[str], tag: str | None, untagged: tuple[type, ...]
) -> None:
    """``- item`` lines at ``indent``; a mapping item starts on the dash's line.

    A list of records (dicts with the same keys in the same order: BGP neighbors, NICs) has
    its key lines made once for the list rather than once per item, and, where the first
    item's values are all exact strings and ints, a writer for that shape
    (:func:`_record_writer`) writes each item in one call.
    """
    dash = " " * indent + "-"
    append = out.append
    keys: tuple[Any, ...] = ()
    lines: list[str] = []
    record: _Record | None = None
    for item in data:
        t = type(item)
        if t is str:
            if tag is None:
                append(f"{dash} {_string(item)}\n")
            else:
                append(f"{dash} {tag} {_quoted(item)}\n")
        elif t is dict and item:
            if tuple(item) != keys:
                keys = tuple(item)
                lines = [f"{dash} {_key(keys[0])}:", *(f"{dash[:-1]}  {_key(k)}:" for k in keys[1:])]
                record = _record_writer(tuple(lines), tuple(map(type, item.values())), tag)
            text = record(*item.values()) if record is not None else None
            if text is not None:
                append(text)
                continue
            for line, v in zip(lines, item.values(), strict=True):
                tv = type(v)
                if tv is str:
                    if tag is None:
                        append(f"{line} {_string(v)}\n")
                    else:
                        append(f"{line} {tag} {_quoted(v)}\n")
                elif tv is int:
                    append(f"{line} {v}\n")
                else:
                    _child(v, indent + 2, out, line, tag, untagged)
        elif isinstance(item, dict) and item:
            _mapping(item, indent + 2, out, tag, untagged, dash + " ")
        else:
            _child(item, indent, out, dash, tag, untagged)


@lru_cache(maxsize=1 << 10)
def _record_writer(lines: tuple[str, ...], types: tuple[type, ...], tag: str | None) -> _Record | None:
    """A function writing one record (its values in ``lines``' order) as ``_sequence`` would, or None.

    Only for records whose values are exact ``str`` and ``int`` (``types``): the function checks
    each value's type and returns None for an item of another shape, which ``_sequence`` then
    writes value by value. A string is ``_quoted`` behind ``tag``, or ``_string`` without one;
    an int is ``str(int)`` (what ``%s`` writes). Compiled once per shape: the key lines are
    constants of one ``%`` format, so an item costs one call instead of one append per key.
    """
    if not all(t is str or t is int for t in types):
        return None
    text = "" if tag is None else f"{tag} ".replace("%", "%%")
    parts, values, checks = [], [], []
    for i, (line, t) in enumerate(zip(lines, types, strict=True)):
        escaped = line.replace("%", "%%")
        if t is str:
            parts.append(f"{escaped} {text}%s\n")
            values.append(f"{'s' if tag is None else 'q'}(v{i})")
            checks.append(f"type(v{i}) is str")
        else:
            parts.append(f"{escaped} %s\n")
            values.append(f"v{i}")
            checks.append(f"type(v{i}) is int")
    params = ", ".join(f"v{i}" for i in range(len(types)))
    source = (
        f"def record({params}):\n"
        f"    if {' and '.join(checks)}:\n"
        f"        return FORMAT % ({', '.join(values)},)\n"
        "    return None\n"
    )
    namespace: dict[str, Any] = {"FORMAT": "".join(parts), "q": _quoted, "s": _string}
    exec(source, namespace)  # parameter names and a constant format only
    writer: _Record = namespace["record"]
    return writer


def _child(value: Any, indent: int, out: list[str], line: str, tag: str | None, untagged: tuple[type, ...]) -> None:
    """``line`` (a key or a dash) followed by any value; a non-empty container goes on the next lines."""
    if isinstance(value, str):
        out.append(f"{line} {_text(value, tag, untagged)}\n")
    elif isinstance(value, dict):
        if value:
            out.append(line + "\n")
            _mapping(value, indent + 2, out, tag, untagged)
        else:
            out.append(line + " {}\n")
    elif isinstance(value, list | tuple):
        if value:
            out.append(line + "\n")
            _sequence(value, indent + 2, out, tag, untagged)
        else:
            out.append(line + " []\n")
    else:
        out.append(f"{line} {_scalar(value)}\n")


def _slot(value: Any, tag: str | None, untagged: tuple[type, ...]) -> str:
    """One value of :func:`scalars`: what ``_mapping`` and ``_sequence`` write after the key or dash."""
    t = type(value)
    if t is int:
        return str(value)
    if t is str:
        return _string(value) if tag is None else f"{tag} {_quoted(value)}"
    if isinstance(value, dict | list | tuple):
        raise TypeError("a layout slot holds a scalar, not a container")
    if isinstance(value, str):
        return _text(value, tag, untagged)
    return _scalar(value)


def scalars(values: list[Any], tag: str | None = None, untagged: tuple[type, ...] = ()) -> list[str]:
    """Each value as :func:`dump` (with this ``tag`` and ``untagged``) writes it after a key or a
    dash: the slots of a document made from dump's own output (:mod:`aiinfra.platforms.layout`).

    The exact strings are decided together: one regex over all of them, one per line, where
    each alone would cost two (addresses never repeat, so the per-string cache cannot help);
    in tag mode, one search for the characters ``_quoted`` rewrites. A string that is not
    plain (or holds one of those characters) sends the whole list through the one-value path.
    """
    texts = [v for v in values if type(v) is str]
    if tag is None:
        joined = "\n".join(texts) + "\n"
        if texts and joined.count("\n") == len(texts) and _PLAIN_LINES.fullmatch(joined):
            return [v if type(v) is str else str(v) if type(v) is int else _slot(v, tag, untagged) for v in values]
    elif not _NON_PRINTABLE.search("".join(texts)):  # then _quoted(v) is JSON's quoting of v
        quote = _encode_basestring
        return [
            f"{tag} {quote(v)}" if type(v) is str else str(v) if type(v) is int else _slot(v, tag, untagged)
            for v in values
        ]
    return [_slot(v, tag, untagged) for v in values]


def dump(data: Any, *, tag: str | None = None, untagged: tuple[type, ...] = ()) -> str:
    """Block-style YAML for a dict or list of plain data (insertion order kept).

    ``tag`` (e.g. ``"!unsafe"``): every string value (never a key) is written with that tag,
    except strings with a ``yaml_tag`` of their own and instances of ``untagged``; the same
    bytes as first wrapping every such string in a tagged str subclass, without the copy.
    """
    if isinstance(data, str):
        return _text(data, tag, untagged) + "\n"
    if not isinstance(data, dict | list | tuple):
        return _scalar(data) + "\n"
    if not data:
        return "{}\n" if isinstance(data, dict) else "[]\n"
    out: list[str] = []
    if isinstance(data, dict):
        _mapping(data, 0, out, tag, untagged)
    else:
        _sequence(data, 0, out, tag, untagged)
    return "".join(out)
