"""JSON data -> Design dataclasses, checking every value against the field's type hint.

A decoder per type node is built once (``functools.cache`` on the class) and checks
exact JSON types (``True`` is not an int, ``1`` is a valid float). A mismatch raises
:class:`Mismatch`, which gathers the JSON path as it unwinds (each container adds its
key), so the happy path pays no bookkeeping and the error names the exact place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from aiinfra.design.serialize_types import (
    Enum,
    Fixed,
    Map,
    Prim,
    Record,
    Ref,
    Seq,
    TypeNode,
    Union,
    record_fields,
)

Decoder = Callable[[object], object]

_JSON_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", type(None): "null"}


# The envelope's tables while one design.json is decoded: table -> key -> decoded record.
_TABLES: ContextVar[dict[str, dict[str, object]] | None] = ContextVar("design_tables", default=None)


@contextmanager
def shared_tables(tables: dict[str, dict[str, object]]) -> Iterator[None]:
    """Resolve :class:`Ref` fields against ``tables`` (decoded already) while decoding inside."""
    token = _TABLES.set(tables)
    try:
        yield
    finally:
        _TABLES.reset(token)


class Mismatch(Exception):
    """A value that does not fit its field; ``path`` is filled in from the innermost key out."""

    def __init__(self, expected: str, got: object, message: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.message = message or f"expected {expected}, got {describe(got)}"
        self.path: list[str | int] = []


def describe(value: object) -> str:
    """How a JSON value looks, for an error message (never the whole value)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def expected(node: TypeNode) -> str:
    if isinstance(node, Prim):
        return _JSON_NAMES[node.cls]
    if isinstance(node, Enum):
        return "one of " + ", ".join(repr(m.value) for m in node.cls)
    if isinstance(node, Seq):
        return "an array"
    if isinstance(node, Fixed):
        return f"an array of {len(node.items)}"
    if isinstance(node, Map):
        return "an object"
    if isinstance(node, Record):
        return f"an object ({node.cls.__name__})"
    if isinstance(node, Ref):
        return f"a key of {node.table}"
    return " or ".join(expected(o) for o in node.options)


def decoder(node: TypeNode) -> Decoder:
    """The checking decoder of one type node."""
    if isinstance(node, Record):
        return record_decoder(node.cls)
    if isinstance(node, Prim):
        return _prim(node.cls)
    if isinstance(node, Enum):
        return _enum(node)
    if isinstance(node, Seq):
        return _seq(node)
    if isinstance(node, Fixed):
        return _fixed(node)
    if isinstance(node, Map):
        return _map(node)
    if isinstance(node, Ref):
        return _ref(node)
    return _union(node)


def _ref(node: Ref) -> Decoder:
    """The key of a table entry: the one decoded record it names (shared, as the build shares it)."""
    table_name = node.table

    def ref(v: object) -> object:
        tables = _TABLES.get()
        table = tables.get(table_name, {}) if tables is not None else {}
        if v.__class__ is str and v in table:
            return table[v]  # type: ignore[index]
        keys = ", ".join(repr(k) for k in list(table)[:5]) + (", ..." if len(table) > 5 else "")
        message = f"expected a key of {table_name} ({keys or 'none'}), got {describe(v)}"
        raise Mismatch(f"a key of {table_name}", v, message)

    return ref


def _prim(cls: type) -> Decoder:
    name = _JSON_NAMES[cls]
    if cls is float:

        def number(v: object) -> object:
            if v.__class__ is float:
                return v
            if v.__class__ is int:
                return float(v)
            raise Mismatch(name, v)

        return number

    def exact(v: object) -> object:
        if v.__class__ is not cls:
            raise Mismatch(name, v)
        return v

    return exact


def _enum(node: Enum) -> Decoder:
    members = {m.value: m for m in node.cls}
    want = expected(node)

    def enum(v: object) -> object:
        member = members.get(v) if v.__class__ is str else None
        if member is None:
            raise Mismatch(want, v)
        return member

    return enum


def _seq(node: Seq) -> Decoder:
    item = decoder(node.item)
    make: Callable[[list[object]], object] = tuple if node.is_tuple else list

    def seq(v: object) -> object:
        if v.__class__ is not list:
            raise Mismatch("an array", v)
        out = []
        for i, x in enumerate(v):
            try:
                out.append(item(x))
            except Mismatch as exc:
                exc.path.append(i)
                raise
        return make(out)

    return seq


def _fixed(node: Fixed) -> Decoder:
    items = [decoder(i) for i in node.items]
    want = expected(node)

    def fixed(v: object) -> object:
        if not isinstance(v, list) or len(v) != len(items):
            raise Mismatch(want, v)
        out = []
        for i, (item, x) in enumerate(zip(items, v, strict=True)):
            try:
                out.append(item(x))
            except Mismatch as exc:
                exc.path.append(i)
                raise
        return tuple(out)

    return fixed


def _map(node: Map) -> Decoder:
    value = decoder(node.value)

    def mapping(v: object) -> object:
        if v.__class__ is not dict:
            raise Mismatch("an object", v)
        out = {}
        for k, x in v.items():
            try:
                out[k] = value(x)
            except Mismatch as exc:
                exc.path.append(k)
                raise
        return out

    return mapping


def _union(node: Union) -> Decoder:
    nullable = isinstance(node.options[0], Prim) and node.options[0].cls is type(None)
    options = [decoder(o) for o in node.options[1:]] if nullable else [decoder(o) for o in node.options]
    want = expected(node)
    if nullable and len(options) == 1:  # ``T | None``: T's own error says what is wrong inside
        only = options[0]

        def optional(v: object) -> object:
            return None if v is None else only(v)

        return optional

    def union(v: object) -> object:
        if v is None and nullable:
            return None
        deepest: Mismatch | None = None
        for option in options:
            try:
                return option(v)
            except Mismatch as exc:
                if exc.path and (deepest is None or len(exc.path) > len(deepest.path)):
                    deepest = exc  # it matched this option's shape and failed inside: report that
        raise deepest or Mismatch(want, v)

    return union


@cache
def record_decoder(cls: type) -> Decoder:
    """Decoder of one dataclass: exactly its fields (defaults may be left out), each checked."""
    fields = record_fields(cls)
    names = frozenset(f.name for f in fields)
    want = f"an object ({cls.__name__})"
    # Resolved lazily: a dataclass may (indirectly) contain itself.
    decoders: list[tuple[str, bool, Decoder]] = []

    def record(v: object) -> object:
        if v.__class__ is not dict:
            raise Mismatch(want, v)
        if not decoders:
            decoders.extend((f.name, f.required, decoder(f.node)) for f in fields)
        data: dict[str, object] = v
        if not names.issuperset(data):
            extra = sorted(k for k in data if k not in names)[0]
            exc = Mismatch("", extra, f"unknown field in {cls.__name__}; expected one of {', '.join(sorted(names))}")
            exc.path.append(extra)
            raise exc
        kwargs = {}
        for name, required, dec in decoders:
            if name not in data:
                if required:
                    raise Mismatch(f"an object with the field {name!r} ({cls.__name__})", v)
                continue
            try:
                kwargs[name] = dec(data[name])
            except Mismatch as exc:
                exc.path.append(name)
                raise
        return cls(**kwargs)

    return record
