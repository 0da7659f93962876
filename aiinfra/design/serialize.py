"""``design.json``: the complete Design, written by ``aiinfra render`` and loaded by
``aiinfra render --from-design``.

The document is an envelope ``{"format": "aiinfra-design", "version": 3,
"headroom_profiles": {...}, "design": {...}}``; ``design`` holds every field of
:class:`aiinfra.design.model.Design`, in the Design's own order (it is deterministic:
devices in build order, dicts as built), so two renders of one spec write the same bytes.
Field names and types come from the dataclasses' type hints
(:mod:`aiinfra.design.serialize_types`), the same ones ``schema/design.schema.json`` is
generated from. ``headroom_profiles`` holds each distinct PFC headroom profile once; a
port's ``headroom`` is its key there (version 2 repeated the profile on every port: 13% of
the file).

It is indented down to the records a cluster repeats by the hundred thousand (ports,
cages, BGP sessions, static routes, cables, node NICs and their host intent), which are
one line of compact JSON each (:mod:`aiinfra.design.serialize_write`, docs/design.md):
users commit the render and review it as a Git diff, and a changed port is then one line
that starts with its name. :func:`write_design` hands the file to a writer in pieces of a
megabyte (the render streams them to disk, hashing on the way:
:func:`aiinfra.render.output.write_streamed`); :func:`design_json_bytes` is the same bytes
in memory.

A file that does not fit is refused as a :class:`aiinfra.errors.SpecError` naming the file,
the JSON path and what was expected, never with a traceback. A file that fits but breaks
a Design invariant is a bug (whoever wrote it), raised as ``DesignInvariantError``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import cast

import orjson

from aiinfra.design.invariants import check_invariants
from aiinfra.design.model import Design
from aiinfra.design.serialize_decode import Mismatch, describe, record_decoder, shared_tables
from aiinfra.design.serialize_types import shared_records
from aiinfra.design.serialize_write import write_document
from aiinfra.errors import Diagnostic, SpecError, dotted

FORMAT = "aiinfra-design"
VERSION = 3
TABLES = tuple(shared_records(Design))  # ("headroom_profiles",)
ENVELOPE_KEYS = ("format", "version", *TABLES, "design")


def design_data(design: Design) -> dict[str, object]:
    """The Design as JSON data (dicts, lists, scalars), exactly what design.json's ``design`` holds."""
    data: dict[str, object] = orjson.loads(design_json_bytes(design))["design"]
    return data


def write_design(design: Design, write: Callable[[bytes], object]) -> None:
    """Hand design.json to ``write`` in pieces of about a megabyte (the file never sits whole in memory)."""
    write_document({"format": FORMAT, "version": VERSION}, design, write)


def design_json_bytes(design: Design) -> bytes:
    """design.json as written, in UTF-8, ending in a newline (:func:`write_design`'s pieces, joined)."""
    buffer = io.BytesIO()  # grows in place and hands its buffer over: the document once, not pieces plus a join
    write_design(design, buffer.write)
    return buffer.getvalue()


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
    for key in (*TABLES, "design"):
        if key not in doc:
            raise _error(source, "", f"expected the key {key!r}")
    tables: dict[str, dict[str, object]] = {}
    for table, cls in shared_records(Design).items():
        entries = doc[table]
        if not isinstance(entries, dict):
            raise _error(source, table, f"expected an object ({cls.__name__} by key), got {describe(entries)}")
        decode = record_decoder(cls)
        tables[table] = {}
        for key, value in entries.items():
            try:
                tables[table][key] = decode(value)
            except Mismatch as exc:
                raise _error(source, dotted((table, key, *reversed(exc.path))), exc.message) from None
    try:
        with shared_tables(tables):
            design = cast(Design, record_decoder(Design)(doc["design"]))
    except Mismatch as exc:
        where = dotted(("design", *reversed(exc.path)))
        raise _error(source, where, exc.message) from None
    check_invariants(design)
    return design


def _error(source: str | Path, where: str, message: str) -> SpecError:
    return SpecError([Diagnostic(message, path=where, file=str(source))])
