"""orjson for the Design's slotted dataclasses, at dict speed, with the same bytes.

Every record class of the Design is ``@dataclass(slots=True)`` (a 131k-GPU Design holds
millions of them; slots halve their memory). orjson serializes a dataclass natively, but for
one without ``__dict__`` it takes its fallback path: it asks for ``__dict__`` (raising and
clearing an AttributeError), then reads ``_field_type`` off every ``Field`` before every
value. Measured with orjson 3.13 on Python 3.11, that is about 1.4 microseconds for a
three-string :class:`~aiinfra.design.model.StaticRoute`, 25 times a dict of the same fields;
it was most of design.json's and the unit fingerprints' CPU time (issue 18).

:func:`dumps` hands orjson each dataclass as the dict of its fields instead
(``OPT_PASSTHROUGH_DATACLASS`` and a ``default``), built by a function compiled once per
class: the fields orjson would write (``dataclasses.fields`` order, names starting with an
underscore skipped, as orjson skips them), in the same order, so the bytes are orjson's own
(``tests/design/test_records_json.py`` compares them). :func:`tuples` is the cheaper
positional form the incremental render's fingerprints hash: each record as
``[class name, field values...]``, which no reader needs to read back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import orjson

Convert = Callable[[Any], object]
PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATACLASS


def field_names(cls: type) -> list[str]:
    """The fields orjson writes for dataclass ``cls``: declared order, none starting with an underscore."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"Type is not JSON serializable: {cls.__name__}")
    names = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    assert all(n.isidentifier() for n in names)  # dataclass fields are; compiled into source below
    return names


def as_dict(cls: type, by_key: Mapping[str, Mapping[int, str]] | None = None) -> Convert:
    """A function turning a ``cls`` value into the dict orjson would write for it.

    ``by_key``: fields written as a key instead of their value, ``by_key[field][id(value)]``
    (None stays None): design.json's references to its shared tables.
    """
    namespace: dict[str, object] = {}
    parts = []
    for n in field_names(cls):
        if by_key is not None and n in by_key:
            namespace[f"k_{n}"] = by_key[n]
            parts.append(f"{n!r}: None if o.{n} is None else k_{n}[id(o.{n})]")
        else:
            parts.append(f"{n!r}: o.{n}")
    return _compile("{" + ", ".join(parts) + "}", namespace)


def as_tuple(cls: type) -> Convert:
    """A function turning a ``cls`` value into ``(class name, *field values)``."""
    return _compile("(" + ", ".join([repr(cls.__qualname__), *(f"o.{n}" for n in field_names(cls))]) + ",)", {})


def _compile(expression: str, namespace: dict[str, object]) -> Convert:
    exec(f"def convert(o):\n    return {expression}\n", namespace)  # field names and constants only
    return namespace["convert"]  # type: ignore[return-value]


def default(compile_for: Callable[[type], Convert]) -> Callable[[object], object]:
    """orjson's ``default``: each value's class converted by a function compiled once (on first use)."""
    compiled: dict[type, Convert] = {}

    def convert(value: object) -> object:
        cls = value.__class__
        fn = compiled.get(cls)
        if fn is None:
            fn = compiled[cls] = compile_for(cls)
        return fn(value)

    return convert


_AS_DICT = default(as_dict)
_AS_TUPLE = default(as_tuple)


def dumps(value: object, option: int = 0) -> bytes:
    """``orjson.dumps(value, option=option)``, byte for byte, without orjson's slotted-dataclass path."""
    return orjson.dumps(value, default=_AS_DICT, option=option | PASSTHROUGH)


def tuples(value: object) -> bytes:
    """Compact JSON of ``value`` with every dataclass as ``[class name, *field values]``: for hashing.

    Injective on values of one declared type (a fingerprint's parts each have one): the
    class name and the fields' positions say what each element is, and JSON is unambiguous.
    (A record and a list holding its class name and values do encode alike; no field of the
    Design admits both.) About half of :func:`dumps`'s cost: no dicts built, no keys written.
    """
    return orjson.dumps(value, default=_AS_TUPLE, option=PASSTHROUGH)
