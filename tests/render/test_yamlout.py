"""The fast YAML emitter reads back, through PyYAML's safe loader, as exactly what was written."""

from __future__ import annotations

import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.render import yamlout
from aiinfra.render.inventory import Trusted, Unsafe, load_yaml, unsafe
from aiinfra.render.yamlout import dump

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "1e3",
    "0x1F",
    "012",
    "1:30",
    "2024-01-02",
    ".5",
    "-",
    "- a",
    "a: b",
    "#x",
    "{{ vault_x }}",
    "'q'",
    '"d"',
    "",
    " lead",
    "trail ",
    "multi\nline",
    "line end\n",
    "x\n",
    "tab\t",
    "@x",
    "!t",
    "&a",
    "*a",
    "%p",
    "ünïcode",
    "=",
    "10.0.0.1/31",
    "Ethernet1/1",
    "et-0/0/0:1",
    "1_000",
    "+1",
    "3.0",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.sampled_from(TRICKY),
    st.text(max_size=12),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=6)), inner, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_round_trip(value: object) -> None:
    assert yaml.safe_load(dump({"root": value})) == {"root": value}


@given(st.sampled_from(TRICKY))
def test_tricky_strings_stay_strings(text: str) -> None:
    assert yaml.safe_load(dump({"k": text})) == {"k": text}


def test_plain_where_safe() -> None:
    assert dump({"ansible_host": "10.0.0.1", "os": "nxos", "count": 3, "ok": True}) == (
        "ansible_host: 10.0.0.1\nos: nxos\ncount: 3\nok: true\n"
    )
    assert dump({"l": [{"a": 1, "b": [1, 2]}, "x"]}) == "l:\n  - a: 1\n    b:\n      - 1\n      - 2\n  - x\n"


class _Plain(str):
    """A str subclass without a tag of its own (like the inventory's Trusted)."""

    __slots__ = ()


tagged_values = st.recursive(
    st.one_of(scalars, st.sampled_from(TRICKY).map(_Plain), st.sampled_from(TRICKY).map(Unsafe), st.just(Trusted("x"))),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=6)), inner, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(tagged_values)
def test_tag_mode_writes_what_wrapping_every_string_writes(value: object) -> None:
    """``dump(..., tag=...)`` is the inventory's fast path: the same bytes as marking every string
    value Unsafe first (inventory.unsafe), Trusted ones and keys left alone."""
    assert dump({"root": value}, tag=Unsafe.yaml_tag, untagged=(Trusted,)) == dump(unsafe({"root": value}))
    assert dump(value, tag=Unsafe.yaml_tag, untagged=(Trusted,)) == dump(unsafe(value))


def test_tag_mode_tags_values_not_keys() -> None:
    text = dump({"a": "x", "b": [Trusted("{{ t }}"), "y"], "c": 1}, tag="!unsafe", untagged=(Trusted,))
    assert text == 'a: !unsafe "x"\nb:\n  - "{{ t }}"\n  - !unsafe "y"\nc: 1\n'
    assert load_yaml(text) == {"a": "x", "b": ["{{ t }}", "y"], "c": 1}


class _Record(dict):  # type: ignore[type-arg]
    """A dict the emitter does not take for a plain one: written item by item, the reference."""


records = st.lists(
    st.dictionaries(
        st.sampled_from(["address", "peer", "asn", "on", "1", "%s", "a%"]),  # "%": the writers' format
        scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.sampled_from(["a", "no"]), scalars, max_size=2),
        min_size=1,
        max_size=4,
    ),
    max_size=6,
).flatmap(lambda items: st.just(items + [dict(i) for i in items]))  # repeated key orders


@settings(max_examples=100, deadline=None)
@given(records, st.sampled_from([None, "!unsafe"]))
def test_record_lists_write_what_item_by_item_writes(items: list[dict[str, object]], tag: str | None) -> None:
    """A list of dicts sharing keys reuses its key lines; the text is the per-item emitter's."""
    data = {"rows": items, "nested": [{"rows": items}]}
    reference = {"rows": [_Record(i) for i in items], "nested": [_Record({"rows": [_Record(i) for i in items]})]}
    assert dump(data, tag=tag) == dump(reference, tag=tag)
    assert yaml.safe_load(dump(data)) == data


# The special-scalar pattern as it was before its quantifiers were made possessive: the
# rewrite must match exactly the same strings.
_SPECIAL_BEFORE = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|=)$"
    r"|^[-+]?(\d[\d_]*)?(\.[\d_]*)?([eE][-+]?\d+)?$"
    r"|^[-+]?0[xob][0-9a-fA-F_]+$"
    r"|^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$"
    r"|^\d{4}-\d\d?-\d\d?"
)
numberish = st.text(alphabet="0123456789_.:eE+-xobaF~ \n/", max_size=12)


@settings(max_examples=1000, deadline=None)
@given(numberish | st.sampled_from(TRICKY) | st.text(max_size=8))
def test_possessive_special_pattern_matches_the_same_strings(text: str) -> None:
    assert bool(yamlout._SPECIAL.match(text)) == bool(_SPECIAL_BEFORE.match(text))


slot_values = st.one_of(
    scalars,
    numberish,
    st.sampled_from(["10.0.0.1/31", "10.0.0.1", "enp24s0np0", "mlx5_0", "Ethernet1/1", "et-0/0/0:0"]),
    st.sampled_from(TRICKY).map(Unsafe),
    st.sampled_from(TRICKY).map(Trusted),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(slot_values, max_size=12), st.booleans())
def test_scalars_writes_each_value_as_dump_does(values: list[object], tagged: bool) -> None:
    """The batch decision (one regex, or one search in tag mode, for the whole list) gives each
    value the text dump writes after a key: plain lists take the fast path, mixed ones the slow."""
    tag = "!unsafe" if tagged else None
    expected = [dump({"k": v}, tag=tag, untagged=(Trusted,))[3:-1] for v in values]
    assert yamlout.scalars(values, tag, (Trusted,)) == expected


def test_a_final_newline_is_never_plain() -> None:
    """A regex ``$`` matches before a final newline: such a string must still be quoted."""
    assert dump({"k": "A\n"}) == 'k: "A\\n"\n'
    assert yaml.safe_load(dump({"k": "A\n", "l": ["b\n"]})) == {"k": "A\n", "l": ["b\n"]}
