"""records_json: orjson's own bytes for the Design's slotted dataclasses, and an injective hash form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import orjson
import pytest

from aiinfra.design.model import Headroom, Interface, InterfaceRole
from aiinfra.design.records_json import dumps, tuples
from tests.conftest import SMALL_EXAMPLES, example


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_dumps_is_orjsons_bytes_for_every_example_design(name: str) -> None:
    """The whole Design (every record class the model has), compact and indented."""
    design = example(name).design
    assert dumps(design) == orjson.dumps(design)
    assert dumps(design, orjson.OPT_INDENT_2) == orjson.dumps(design, option=orjson.OPT_INDENT_2)


@dataclass
class _Private:
    shown: int
    _hidden: int = 7
    items: list[int] = field(default_factory=list)


def test_dumps_skips_underscore_fields_as_orjson_does_and_refuses_what_orjson_refuses() -> None:
    value = _Private(1, items=[2])
    assert dumps(value) == orjson.dumps(value) == b'{"shown":1,"items":[2]}'
    with pytest.raises(orjson.JSONEncodeError):
        dumps({1, 2})
    with pytest.raises(orjson.JSONEncodeError):
        tuples(object())


def _port(**kw: object) -> Interface:
    base = Interface("Ethernet1", InterfaceRole.HOST, 400, 9216, "to gpu-001")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_tuples_differ_whenever_the_values_differ() -> None:
    """Each field change, a None against a record, a class against another with the same values."""
    headroom = Headroom(400, 3.0, 9216, 50000, "pg_lossless_400g_3m")
    variants = [
        _port(),
        _port(name="Ethernet2"),
        _port(role=InterfaceRole.UPLINK),
        _port(mtu=9100),
        _port(enabled=False),
        _port(headroom=headroom),
        _port(headroom=replace(headroom, cable_m=3.5)),
        _port(headroom=replace(headroom, bytes=50001)),
        _port(description="to gpu-001 "),
    ]
    encoded = [tuples(v) for v in variants]
    assert len(set(encoded)) == len(variants)
    assert tuples(_port()) == tuples(_port())  # deterministic: equal values, equal bytes


@dataclass(slots=True)
class _A:
    x: int


@dataclass(slots=True)
class _B:
    x: int


def test_tuples_name_the_class() -> None:
    assert tuples(_A(1)) != tuples(_B(1))
    assert orjson.loads(tuples([_A(1), None])) == [["_A", 1], None]
