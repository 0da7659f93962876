"""The Design's field types, read once from its dataclasses' type hints.

``design.json``'s reader and its JSON Schema walk this tree, and its writer (orjson)
writes the same dataclass fields in the same order, so they cannot disagree about a field:
add a field to ``aiinfra/design/model.py`` and all three follow (the round-trip and schema
tests hold them together). The hints are resolved once per class (``functools.cache``); a 32k-GPU design
holds about a million objects, so nothing here may run per object.

Supported hints are the ones the Design uses: dataclasses, ``str``/``int``/``float``/
``bool``/``None``, ``StrEnum``, ``list[T]``, ``tuple[T, ...]``, fixed ``tuple[A, B]``, ``dict[str, T]`` and unions
(``T | None``). Anything else is refused when the class is first used, not silently
written as something a reader cannot load back. A dataclass named in ``SHARED_TABLES``
is a :class:`Ref`: design.json holds each distinct value once, in a table of the
envelope, and the field holds its key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

PRIMITIVES: tuple[type, ...] = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class Prim:
    """A JSON scalar: str, int, float, bool or None."""

    cls: type


@dataclass(frozen=True, slots=True)
class Enum:
    """A StrEnum: written as its value."""

    cls: type[StrEnum]


@dataclass(frozen=True, slots=True)
class Seq:
    """``list[T]`` (``is_tuple=False``) or ``tuple[T, ...]``: a JSON array."""

    item: TypeNode
    is_tuple: bool


@dataclass(frozen=True, slots=True)
class Fixed:
    """``tuple[A, B, ...]`` of fixed length (a pair such as a sysctl name and value): a JSON array."""

    items: tuple[TypeNode, ...]


@dataclass(frozen=True, slots=True)
class Map:
    """``dict[str, T]``: a JSON object, key order kept."""

    value: TypeNode


@dataclass(frozen=True, slots=True)
class Union:
    """``A | B``: the first alternative that fits (``None`` is tried first)."""

    options: tuple[TypeNode, ...]


@dataclass(frozen=True, slots=True)
class Record:
    """A dataclass: a JSON object with exactly its fields, in declaration order."""

    cls: type


@dataclass(frozen=True, slots=True)
class Ref:
    """A record design.json writes once, in the envelope's ``table``, and names by its key
    wherever the Design holds it (a PFC headroom profile shared by thousands of ports)."""

    table: str
    record: Record


TypeNode = Prim | Enum | Seq | Fixed | Map | Union | Record | Ref

# Classes written once in an envelope table and referenced by key: class name -> table name.
# (By name: the model imports nothing from here, and the table is part of the file format.)
SHARED_TABLES: dict[str, str] = {"Headroom": "headroom_profiles"}


class UnsupportedHint(TypeError):
    """A Design field whose type design.json cannot hold (a bug in model.py, caught on first use)."""


@dataclass(frozen=True, slots=True)
class FieldInfo:
    name: str
    node: TypeNode
    required: bool  # no default: a design.json without it is refused


@cache
def record_fields(cls: type) -> tuple[FieldInfo, ...]:
    """The dataclass's init fields with their resolved types, in declaration order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append(FieldInfo(f.name, node_for(hints[f.name], f"{cls.__name__}.{f.name}"), required))
    return tuple(out)


def node_for(hint: object, where: str) -> TypeNode:
    """The type tree of one hint; ``where`` names the field in the error."""
    if hint is None or hint is type(None):
        return Prim(type(None))
    if isinstance(hint, type):
        if issubclass(hint, StrEnum):
            return Enum(hint)
        if hint in PRIMITIVES:
            return Prim(hint)
        if dataclasses.is_dataclass(hint):
            table = SHARED_TABLES.get(hint.__name__)
            return Record(hint) if table is None else Ref(table, Record(hint))
        raise UnsupportedHint(f"{where}: {hint!r} has no JSON form")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and len(args) == 1:
        return Seq(node_for(args[0], where), is_tuple=False)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return Seq(node_for(args[0], where), is_tuple=True)
    if origin is tuple and args and Ellipsis not in args:
        return Fixed(tuple(node_for(a, where) for a in args))
    if origin is dict and len(args) == 2 and args[0] is str:
        return Map(node_for(args[1], where))
    if origin in (typing.Union, types.UnionType):
        options = sorted((node_for(a, where) for a in args), key=lambda n: not _is_none(n))
        return Union(tuple(options))
    raise UnsupportedHint(f"{where}: {hint!r} has no JSON form")


def _is_none(node: TypeNode) -> bool:
    return isinstance(node, Prim) and node.cls is type(None)


def records(root: type) -> list[type]:
    """Every dataclass reachable from ``root``, ``root`` first, then in first-use order."""
    seen: dict[type, None] = {}

    def visit(node: TypeNode) -> None:
        if isinstance(node, Record):
            if node.cls in seen:
                return
            seen[node.cls] = None
            for f in record_fields(node.cls):
                visit(f.node)
        elif isinstance(node, Seq):
            visit(node.item)
        elif isinstance(node, Fixed):
            for i in node.items:
                visit(i)
        elif isinstance(node, Map):
            visit(node.value)
        elif isinstance(node, Union):
            for o in node.options:
                visit(o)
        elif isinstance(node, Ref):
            visit(node.record)

    visit(Record(root))
    return list(seen)


def shared_records(root: type) -> dict[str, type]:
    """The envelope tables of design.json and the class each holds, in first-use order."""
    found: dict[str, type] = {}
    for cls in records(root):
        for f in record_fields(cls):
            for ref in refs(f.node):
                found.setdefault(ref.table, ref.record.cls)
    return found


def refs(node: TypeNode) -> list[Ref]:
    """The shared-table references in one field's type, not looking inside other records."""
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Seq | Map):
        return refs(node.item if isinstance(node, Seq) else node.value)
    if isinstance(node, Fixed | Union):
        return [r for n in (node.items if isinstance(node, Fixed) else node.options) for r in refs(n)]
    return []
