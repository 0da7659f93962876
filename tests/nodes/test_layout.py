"""Netplan from a layout is byte for byte the generic emitter's dump of the netplan document.

Checked for every node of the small examples, then for shapes and values the examples do
not have: storage uplinks, no rails, interface names YAML would read as something else
(``on``, ``1e3``, ``null``) and so must be quoted, and two NICs of one name (one dict key
in the document: the layout steps aside). A builder that branches on a value is refused.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import yaml

from aiinfra.platforms.host import UplinkGroup, UplinkNic, netplan_doc, netplan_yaml, uplink_groups
from aiinfra.platforms.layout import Slots, layout, scalars
from aiinfra.render.yamlout import dump
from tests.conftest import SMALL_EXAMPLES, example


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_every_example_node(name: str) -> None:
    design = example(name).design
    assert design.platform is not None
    for node in design.nodes:
        intent = design.platform.hosts[node.name]
        assert netplan_yaml(intent, uplink_groups(design, node)) == dump(netplan_doc(design, node, intent))


def _lab() -> tuple[Any, tuple[UplinkGroup, ...]]:
    design = example("lab").design
    assert design.platform is not None
    node = design.nodes[0]
    return design.platform.hosts[node.name], uplink_groups(design, node)


def _reference(intent: Any, groups: tuple[UplinkGroup, ...]) -> str:
    """The generic emitter on the same document (what netplan_doc builds, from these inputs)."""
    from aiinfra.platforms.host import _netplan_data

    return dump(_netplan_data(intent.nics, intent.gpu_pool, groups))


def _storage(groups: tuple[UplinkGroup, ...]) -> tuple[UplinkGroup, ...]:
    nics = (UplinkNic("ens9f0", "10.9.0.1/31", "10.9.0.0", 9000), UplinkNic("ens9f1", "10.9.0.3/31", "10.9.0.2", 9000))
    return (*groups, UplinkGroup("storage", "10.9.1.7/32", "10.9.1.7", "10.9.2.0/24", nics))


@pytest.mark.parametrize(
    "case",
    ["storage", "no-rails", "no-uplinks", "odd-names", "repeated-name"],
)
def test_shapes_and_values_the_examples_lack(case: str) -> None:
    intent, groups = _lab()
    if case == "storage":
        groups = _storage(groups)
    elif case == "no-rails":
        intent = replace(intent, nics=())
    elif case == "no-uplinks":
        groups = ()
    elif case == "odd-names":
        names = ["on", "1e3", "null", "a: b", "~"]
        intent = replace(intent, nics=tuple(replace(n, netdev=m) for n, m in zip(intent.nics, names, strict=False)))
    elif case == "repeated-name":
        intent = replace(intent, nics=tuple(replace(n, netdev="eth9") for n in intent.nics[:2]))
    text = netplan_yaml(intent, groups)
    assert text == _reference(intent, groups)
    eths = yaml.safe_load(text)["network"]["ethernets"]
    assert all(isinstance(k, str) for k in eths)  # a quoted name reads back as a name


def test_a_builder_that_computes_with_a_value_is_refused() -> None:
    def branching(s: Slots) -> dict[str, Any]:
        nic = s.obj("nic")
        return {"mtu": 9000 if nic.mtu else 1500}  # reads mtu, places something else

    with pytest.raises(ValueError, match="did not place"):
        layout(branching)


def test_a_container_in_a_slot_is_refused() -> None:
    assert scalars([1, "on", "10.0.0.1/31", None, True]) == ["1", '"on"', "10.0.0.1/31", "null", "true"]
    with pytest.raises(TypeError):
        scalars(["a", ["b", "c"]])
