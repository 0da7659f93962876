"""design.json's shared tables: every distinct value of a shared class (the PFC headroom
profile) and the key each is written under (:mod:`aiinfra.design.serialize_write`).

The values are found by functions compiled once from the type tree that visit only the
parts of the Design that can hold one (devices, their interfaces, the headroom field), so
finding 750k ports' profiles at 131k GPUs costs a few hundredths of a second.
"""

from __future__ import annotations

from collections.abc import Callable

from aiinfra.design.model import Design
from aiinfra.design.serialize_types import Fixed, Map, Record, Ref, Seq, TypeNode, Union, record_fields, shared_records

Collect = Callable[[object, list[object]], None]


def shared_keys(design: Design) -> dict[str, dict[int, tuple[str, object]]]:
    """For each envelope table: id(value) -> (key, value), every distinct value in first-use order."""
    tables: dict[str, dict[int, tuple[str, object]]] = {}
    for table, cls in shared_records(Design).items():
        found: list[object] = []
        collect = collector(Record(Design), cls)
        if collect is not None:
            collect(design, found)
        by_id: dict[int, tuple[str, object]] = {}
        by_value: dict[object, str] = {}
        taken: set[str] = set()
        for value in found:
            if id(value) in by_id:
                continue
            key = by_value.get(value)
            if key is None:
                key = by_value[value] = _unique_key(value, taken)
                taken.add(key)
            by_id[id(value)] = (key, value)
        tables[table] = by_id
    return tables


def _unique_key(value: object, taken: set[str]) -> str:
    """``name/mtu/asic``: what a headroom profile is computed from (its name carries speed and
    cable length), so a port's key never changes because another ASIC joined the design.
    Two distinct values with one key (a hand-edited file) get ``.2``, ``.3``, ... in first-use order.
    """
    parts = (getattr(value, "name", ""), getattr(value, "mtu", ""), getattr(value, "asic", ""))
    key = "/".join(str(p) for p in parts if p != "") or type(value).__name__
    if key not in taken:
        return key
    n = 2
    while f"{key}.{n}" in taken:
        n += 1
    return f"{key}.{n}"


def collector(node: TypeNode, cls: type) -> Collect | None:
    """A function appending every shared ``cls`` value under a value of ``node``, in document
    order; None where nothing below can hold one (that part of the Design is never visited)."""
    if isinstance(node, Ref):
        return (lambda v, out: out.append(v)) if node.record.cls is cls else None
    if isinstance(node, Record):
        parts = [(f.name, c) for f in record_fields(node.cls) if (c := collector(f.node, cls)) is not None]
        if not parts:
            return None
        direct = [name for name, _ in parts if direct_ref(field_node(node.cls, name)) is not None]
        if len(direct) == len(parts):  # a record holding the values itself: no call per field

            def fields_of(v: object, out: list[object]) -> None:
                for name in direct:
                    x = getattr(v, name)
                    if x is not None:
                        out.append(x)

            return fields_of

        def record(v: object, out: list[object]) -> None:
            for name, c in parts:
                x = getattr(v, name)
                if x is not None:
                    c(x, out)

        return record
    if isinstance(node, Seq | Map):
        inner = collector(node.item if isinstance(node, Seq) else node.value, cls)
        if inner is None:
            return None
        is_map = isinstance(node, Map)

        def each(v: object, out: list[object]) -> None:
            for x in v.values() if is_map else v:  # type: ignore[attr-defined,union-attr]
                if x is not None:
                    inner(x, out)

        return each
    if isinstance(node, Fixed):
        items = [collector(n, cls) for n in node.items]
        if not any(items):
            return None

        def fixed(v: object, out: list[object]) -> None:
            for c, x in zip(items, v, strict=True):  # type: ignore[call-overload]
                if c is not None and x is not None:
                    c(x, out)

        return fixed
    if isinstance(node, Union):
        by_type = {cls_of(o): c for o in node.options if (c := collector(o, cls)) is not None}
        if not by_type:
            return None

        def union(v: object, out: list[object]) -> None:
            c = by_type.get(type(v))
            if c is not None:
                c(v, out)

        return union
    return None


def field_node(cls: type, name: str) -> TypeNode:
    return next(f.node for f in record_fields(cls) if f.name == name)


def cls_of(node: TypeNode) -> type | None:
    """The dataclass a Record or Ref option holds (a union picks its option by the value's class)."""
    if isinstance(node, Ref):
        return node.record.cls
    return node.cls if isinstance(node, Record) else None


def direct_ref(node: TypeNode) -> Ref | None:
    """The Ref of a field typed ``Shared`` or ``Shared | None``; a line may hold a shared value only so."""
    if isinstance(node, Ref):
        return node
    if isinstance(node, Union) and len(node.options) == 2 and isinstance(node.options[1], Ref):
        return node.options[1]
    return None
