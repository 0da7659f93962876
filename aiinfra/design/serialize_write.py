"""Writing design.json: indented where a reader finds their way, one line per repeated record.

The document is two-space indented down to the records a cluster holds by the hundred
thousand: a switch port (:class:`Interface`), a front-panel cage, a BGP session, a static
route, a cable (:class:`Link`), a node NIC and its host intent. Each of those is one line
of compact JSON, so a changed port is a one-line diff that starts with the port's name,
and ai-factory-32k's file is a third of what indenting every field made it. Fixed pairs
(a sysctl and its value) are one line too. Every other value is written as orjson's
two-space indentation writes it.

A class named in :data:`~aiinfra.design.serialize_types.SHARED_TABLES` (the PFC headroom
profile, on every back-end port) is written once per distinct value in the envelope's
table and referenced by its key, ``name/mtu/asic`` (what the profile is computed from), so
the keys are deterministic and stable as the design grows.

The writer is compiled once per file from the type tree (:mod:`aiinfra.design.serialize_types`)
into one small function per type: it walks only where something below needs it and hands
each whole subtree or line to orjson. It hands the file to its caller in pieces of about
a megabyte (:func:`write_document`), so the caller can stream it to disk and hash it
without ever holding the whole document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache

import orjson

from aiinfra.design.model import BgpNeighbor, Design, Interface, Link, NodeNic, PhysicalPort, StaticRoute
from aiinfra.design.platform import RailNicIntent
from aiinfra.design.records_json import PASSTHROUGH, Convert, as_dict, default
from aiinfra.design.serialize_shared import cls_of, collector, direct_ref, shared_keys
from aiinfra.design.serialize_types import (
    Fixed,
    Map,
    Record,
    Ref,
    Seq,
    TypeNode,
    Union,
    record_fields,
    refs,
    shared_records,
)

# Records written one per line: those a 131k-GPU design holds by the hundred thousand.
LINE_RECORDS: frozenset[type] = frozenset(
    {Interface, PhysicalPort, BgpNeighbor, StaticRoute, Link, NodeNic, RailNicIntent}
)
CHUNK_BYTES = 1 << 20  # what :func:`write_document` gathers before handing it on
LINES_PER_PIECE = 4096  # a long array of lines is formatted this many at a time
INDENT = orjson.OPT_INDENT_2
_PAD = [b"\n" + b"  " * depth for depth in range(64)]  # newline and indentation at each depth

Write = Callable[[bytes], object]
Emit = Callable[[object, int], None]  # a value and its depth; writes through the writer's buffer


def write_document(envelope: dict[str, object], design: Design, write: Write) -> None:
    """design.json, handed to ``write`` in pieces of about a megabyte: ``envelope`` (format
    and version), the shared tables, then the design, then a final newline."""
    _Writer(design, write).document(envelope)


@cache
def _walked(node: TypeNode) -> bool:
    """Whether the writer formats this value itself: it holds a line, a pair or a reference.

    Anything else is one call to orjson's indented writer.
    """
    if isinstance(node, Ref | Fixed):
        return True
    if isinstance(node, Record):
        return node.cls in LINE_RECORDS or any(_walked(f.node) for f in record_fields(node.cls))
    if isinstance(node, Seq):
        return _walked(node.item)
    if isinstance(node, Map):
        return _walked(node.value)
    if isinstance(node, Union):
        return any(_walked(o) for o in node.options)
    return False


def _field_prefix(name: str) -> bytes:
    return orjson.dumps(name) + b":"


class _Writer:
    """One file: the shared tables, a buffer, and the emitters compiled for this file's tables."""

    def __init__(self, design: Design, write: Write) -> None:
        self.design = design
        self.tables = shared_keys(design)
        self._write = write
        self._buffer: list[bytes] = []
        self._size = 0
        self._emitters: dict[TypeNode, Emit] = {}
        self._default = default(self._convert)

    # --- output -------------------------------------------------------------------------

    def w(self, piece: bytes) -> None:
        self._buffer.append(piece)
        self._size += len(piece)
        if self._size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._write(b"".join(self._buffer))
            self._buffer, self._size = [], 0

    def document(self, envelope: dict[str, object]) -> None:
        w = self.w
        w(b"{")
        for key, value in envelope.items():
            w(_PAD[1] + orjson.dumps(key) + b": " + orjson.dumps(value) + b",")
        for table, entries in self.tables.items():
            w(_PAD[1] + orjson.dumps(table) + b": ")
            if not entries:
                w(b"{},")
                continue
            w(b"{")
            last = len(entries) - 1
            for n, (key, value) in enumerate(entries.values()):
                body = self.dumps(value, option=INDENT).replace(b"\n", _PAD[2])
                w(_PAD[2] + orjson.dumps(key) + b": " + body + (b"," if n < last else b""))
            w(_PAD[1] + b"},")
        w(_PAD[1] + b'"design": ')
        self.emitter(Record(Design))(self.design, 1)
        w(b"\n}\n")
        self.flush()

    # --- emitters: one per type node, each writing a value at a depth -------------------

    def emitter(self, node: TypeNode) -> Emit:
        emit = self._emitters.get(node)
        if emit is None:
            emit = self._emitters[node] = self._compile(node)
        return emit

    def _compile(self, node: TypeNode) -> Emit:
        w, dumps = self.w, self.dumps
        if not _walked(node):

            def plain(v: object, depth: int) -> None:
                text = dumps(v, option=INDENT)
                w(text.replace(b"\n", _PAD[depth]) if depth else text)

            return plain
        if isinstance(node, Union):
            by_type = {cls_of(o): self.emitter(o) for o in node.options if cls_of(o) is not None}
            other = next((self.emitter(o) for o in node.options if cls_of(o) is None), None)

            def union(v: object, depth: int) -> None:
                emit = by_type.get(type(v), other)
                if emit is None:
                    raise TypeError(f"{type(v).__name__} is none of {node}")
                emit(v, depth)

            return union
        if isinstance(node, Ref):
            keys = self.tables[node.table]

            def ref(v: object, depth: int) -> None:
                w(orjson.dumps(keys[id(v)][0]))

            return ref
        if isinstance(node, Fixed):
            return lambda v, depth: w(dumps(v))
        if isinstance(node, Record) and node.cls in LINE_RECORDS:
            cls = node.cls
            return lambda v, depth: w(self._lines(cls, [v]))
        if isinstance(node, Record):
            return self._record(node.cls)
        if isinstance(node, Seq):
            return self._array(node.item)
        assert isinstance(node, Map)
        return self._object(node.value)

    def _record(self, cls: type) -> Emit:
        """A record the writer walks: each run of plain fields is one orjson call (a dict of
        them, its braces cut off), each other field its own emitter."""
        w, dumps = self.w, self.dumps
        parts: list[tuple[tuple[str, ...], Emit | None]] = []  # resolved on first use: a record may hold itself

        def resolve() -> None:
            run: list[str] = []
            for f in record_fields(cls):
                if _walked(f.node):
                    if run:
                        parts.append((tuple(run), None))
                        run = []
                    parts.append(((f.name,), self.emitter(f.node)))
                else:
                    run.append(f.name)
            if run:
                parts.append((tuple(run), None))

        def record(v: object, depth: int) -> None:
            if not parts:
                resolve()
            pad = _PAD[depth + 1]
            sep = b"{" + pad
            for names, emit in parts:
                if emit is None:  # '{\n  "a": 1,\n  "b": 2\n}' -> its lines, at this depth
                    text = dumps({n: getattr(v, n) for n in names}, option=INDENT)
                    w(sep + text[4:-2].replace(b"\n", _PAD[depth]))
                else:
                    w(sep + _key(names[0]))
                    emit(getattr(v, names[0]), depth + 1)
                sep = b"," + pad
            w(_PAD[depth] + b"}")

        return record

    def _array(self, item: TypeNode) -> Emit:
        w, dumps = self.w, self.dumps
        if isinstance(item, Record) and item.cls in LINE_RECORDS:
            cls = item.cls

            def lines(v: object, depth: int) -> None:
                items: list[object] = v  # type: ignore[assignment]
                if not items:
                    w(b"[]")
                    return
                pad = _PAD[depth + 1]
                sep = b"," + pad
                for start in range(0, len(items), LINES_PER_PIECE):
                    w((sep if start else b"[" + pad) + self._lines(cls, items[start : start + LINES_PER_PIECE], sep))
                w(_PAD[depth] + b"]")

            return lines
        if isinstance(item, Fixed):

            def pairs(v: object, depth: int) -> None:
                items: list[object] = v  # type: ignore[assignment]
                if not items:
                    w(b"[]")
                    return
                pad = _PAD[depth + 1]
                w(b"[" + pad + (b"," + pad).join([dumps(x) for x in items]) + _PAD[depth] + b"]")

            return pairs
        emit = self.emitter(item)

        def array(v: object, depth: int) -> None:
            items: list[object] = v  # type: ignore[assignment]
            if not items:
                w(b"[]")
                return
            pad = _PAD[depth + 1]
            sep = b"[" + pad
            for x in items:
                w(sep)
                emit(x, depth + 1)
                sep = b"," + pad
            w(_PAD[depth] + b"]")

        return array

    def _object(self, value: TypeNode) -> Emit:
        w = self.w
        emit = self.emitter(value)

        def mapping(v: object, depth: int) -> None:
            items: dict[str, object] = v  # type: ignore[assignment]
            if not items:
                w(b"{}")
                return
            pad = _PAD[depth + 1]
            sep = b"{" + pad
            for k, x in items.items():
                w(sep + orjson.dumps(k) + b": ")
                emit(x, depth + 1)
                sep = b"," + pad
            w(_PAD[depth] + b"}")

        return mapping

    # --- lines ----------------------------------------------------------------------------

    def _lines(self, cls: type, items: list[object] | tuple[object, ...], sep: bytes = b"") -> bytes:
        """Each record as one line of compact JSON, joined with ``sep``; shared values by key.

        One orjson call for the whole array (a call per record costs three times as much),
        cut into lines where one record ends and the next begins: ``},{"first":``, with the
        record's first field, can only be that boundary (a quote inside a string is escaped,
        and a line record holds no array of objects; :func:`_boundary` checks). A field
        holding a shared value is written as its key by the record's converter (:meth:`_convert`).

        Cut with ``split`` and ``join``, which is ``replace`` (every non-overlapping match, left
        to right) in one search of the text where ``bytes.replace`` makes two (it counts the
        matches first): 10-15% of a line record's cost, measured.
        """
        dumps = self.dumps
        boundary = _boundary(cls)
        if boundary is None or len(items) == 1:
            return sep.join([dumps(x) for x in items])
        return (b"}" + sep + boundary[2:]).join(dumps(items)[1:-1].split(boundary))

    def dumps(self, value: object, option: int = 0) -> bytes:
        """orjson's bytes for ``value`` (:mod:`aiinfra.design.records_json`), shared values by key."""
        return orjson.dumps(value, default=self._default, option=option | PASSTHROUGH)

    def _convert(self, cls: type) -> Convert:
        """``cls`` as the dict orjson writes, each field holding a shared value as the value's key.

        A key is ``"field":"key"`` where the value's own JSON was: the pattern
        version 3 defines. A record may hold a shared value only as its own field.
        """
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            return as_dict(cls)  # raises the TypeError orjson reports
        by_key: dict[str, dict[int, str]] = {}
        shared = tuple(shared_records(Design).values())
        for f in record_fields(cls):
            ref = direct_ref(f.node)
            if ref is None:
                if refs(f.node) or any(collector(f.node, c) is not None for c in shared):
                    raise TypeError(f"{cls.__name__}.{f.name}: a line holds a shared value only as its own field")
                continue
            by_key[f.name] = {ident: key for ident, (key, _) in self.tables[ref.table].items()}
        return as_dict(cls, by_key)


@cache
def _key(name: str) -> bytes:
    return orjson.dumps(name) + b": "


@cache
def _boundary(cls: type) -> bytes | None:
    """``},{"first":`` between two compact ``cls`` records; None if a ``cls`` holds an array of objects."""
    fields = record_fields(cls)
    if not fields or any(_holds_array_of_records(f.node) for f in fields):
        return None
    return b"},{" + _field_prefix(fields[0].name)


def _holds_array_of_records(node: TypeNode) -> bool:
    if isinstance(node, Seq | Fixed | Map):
        inner = [node.item] if isinstance(node, Seq) else list(node.items) if isinstance(node, Fixed) else [node.value]
        return any(isinstance(n, Record | Ref) or _holds_array_of_records(n) for n in inner)
    if isinstance(node, Union):
        return any(_holds_array_of_records(o) for o in node.options)
    if isinstance(node, Ref):
        return _holds_array_of_records(node.record)
    if isinstance(node, Record):
        return any(_holds_array_of_records(f.node) for f in record_fields(node.cls))
    return False
