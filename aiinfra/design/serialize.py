"""``design.json``: the complete Design, written by ``aiinfra render`` and loaded by
``aiinfra render --from-design``.

The document is an envelope ``{"format": "aiinfra-design", "version": 2, "design": {...}}``;
``design`` holds every field of :class:`aiinfra.design.model.Design`, in the Design's own
order (it is deterministic: devices in build order, dicts as built), so two renders of one
spec write the same bytes. Field names and types come from the dataclasses' type hints
(:mod:`aiinfra.design.serialize_types`), the same ones ``schema/design.schema.json`` is
generated from.

It is written with two-space indentation, one value per line, because users commit the
render and review it as a Git diff: a decision that moves shows as the lines that hold it.
orjson writes the dataclasses directly, in field order (StrEnums as their values, tuples as
arrays), byte for byte what ``json.dumps(indent=2, ensure_ascii=False)`` writes from the
same data and about four times faster than building that data first: ai-factory-32k's
338 MB take 1.3 CPU s.

A file that does not fit is refused as a :class:`aiinfra.errors.SpecError` naming the file,
the JSON path and what was expected, never with a traceback. A file that fits but breaks
a Design invariant is a bug (whoever wrote it), raised as ``DesignInvariantError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import orjson

from aiinfra.design.invariants import check_invariants
from aiinfra.design.model import Design
from aiinfra.design.serialize_decode import Mismatch, describe, record_decoder
from aiinfra.errors import Diagnostic, SpecError, dotted

FORMAT = "aiinfra-design"
VERSION = 2
ENVELOPE_KEYS = ("format", "version", "design")


def design_data(design: Design) -> dict[str, object]:
    """The Design as JSON data (dicts, lists, scalars), exactly what design.json holds."""
    data: dict[str, object] = orjson.loads(orjson.dumps(design))
    return data


def design_json_bytes(design: Design) -> bytes:
    """design.json as written: the envelope, two-space indented, and a final newline, in UTF-8.

    Bytes end to end (orjson's own output plus the newline): 338 MB at 32k GPUs, so a
    decode to str and an encode back would cost two more copies and about half a second.
    """
    doc = {"format": FORMAT, "version": VERSION, "design": design}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def design_json(design: Design) -> str:
    """The text of design.json (:func:`design_json_bytes` decoded)."""
    return design_json_bytes(design).decode()


def load_design(path: Path) -> Design:
    """Read and check design.json; a problem is a SpecError positioned at the JSON path."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_design(text, str(path))


def parse_design(text: str, source: str = "<design.json>") -> Design:
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise SpecError([Diagnostic(f"not JSON: {exc.msg}", file=source, line=exc.lineno, column=exc.colno)]) from None
    if not isinstance(doc, dict):
        raise _error(source, "", f"expected an object with {', '.join(ENVELOPE_KEYS)}, got {describe(doc)}")
    extra = sorted(k for k in doc if k not in ENVELOPE_KEYS)
    if extra:
        raise _error(source, extra[0], f"unknown key; expected only {', '.join(ENVELOPE_KEYS)}")
    if doc.get("format") != FORMAT:
        raise _error(source, "format", f"expected {FORMAT!r}, got {describe(doc.get('format'))}: not an aiinfra design")
    if doc.get("version") != VERSION:
        raise _error(
            source,
            "version",
            f"expected {VERSION}, got {describe(doc.get('version'))}: render it again with this aiinfra",
        )
    if "design" not in doc:
        raise _error(source, "", "expected the key 'design'")
    try:
        design = cast(Design, record_decoder(Design)(doc["design"]))
    except Mismatch as exc:
        where = dotted(("design", *reversed(exc.path)))
        raise _error(source, where, exc.message) from None
    check_invariants(design)
    return design


def _error(source: str | Path, where: str, message: str) -> SpecError:
    return SpecError([Diagnostic(message, path=where, file=str(source))])
