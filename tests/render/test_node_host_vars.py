"""A node's host_vars from the layout of its shape are byte for byte the generic emitter's.

Every node of the small examples (some with site facts), then nodes the examples lack: no
front-end, storage NICs, no rails, and hostile text in every string field and in the
facts (keys and values), which must stay ``!unsafe`` and read back as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.design.model import Node, NodeNic
from aiinfra.platforms.layout import Slots, layout
from aiinfra.render.inventory import _dump, load_yaml, node_host_vars, node_vars
from tests.conftest import SMALL_EXAMPLES, example

HOSTILE = ["{{ lookup('pipe', 'id') }}", 'a"b', "x\ny", "on", "1e3", "", " ", "ü\u2028", "\x7f", "- a", "b: c"]
text = st.sampled_from(HOSTILE) | st.text(max_size=10)


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_every_example_node(name: str) -> None:
    design = example(name).design
    for node in design.nodes:
        assert node_host_vars(node) == _dump(node_vars(node, design))


def _node() -> Node:
    design = example("lab").design
    return design.nodes[0]


def _nic(nic: NodeNic, value: str) -> NodeNic:
    return replace(nic, netdev=value, switch=value, switch_interface=value, address=value)


@pytest.mark.parametrize("case", ["no-frontend", "storage", "no-rails", "facts"])
def test_shapes_the_examples_lack(case: str) -> None:
    node = _node()
    if case == "no-frontend":
        node = replace(node, frontend=[], frontend_address=None)
    elif case == "storage":
        node = replace(node, storage=node.frontend[:1], storage_address="10.9.0.1/32")
    elif case == "no-rails":
        node = replace(node, backend=[])
    else:
        node = replace(node, facts={"z": "1", "a": "{{ x }}", "serial": "SN 1"})
    assert node_host_vars(node) == _dump(node_vars(node, example("lab").design))


@settings(max_examples=150, deadline=None)
@given(value=text, key=text, fact=text)
def test_hostile_text_anywhere(value: str, key: str, fact: str) -> None:
    node = _node()
    node = replace(
        node,
        model=value,
        bmc_address=value,
        mgmt_address=value,
        frontend_address=value,
        backend=[_nic(n, value) for n in node.backend],
        frontend=[_nic(n, value) for n in node.frontend],
        facts={key: fact, "serial": value},
    )
    written = node_host_vars(node)
    assert written == _dump(node_vars(node, example("lab").design))
    read = load_yaml(written)
    assert read["aiinfra_node_model"] == value and read["aiinfra_backend_nics"][0]["netdev"] == value
    assert read["aiinfra_node_facts"] == dict(sorted({key: fact, "serial": value}.items()))
    assert "\naiinfra_node_model: !unsafe " in written and "\n    netdev: !unsafe " in written


def test_a_tagged_layout_refuses_a_placeholder_it_would_fill_as_a_value() -> None:
    def keyed(s: Slots) -> dict[str, Any]:
        return {s.value("name"): 1}  # a key is never tagged: its slot cannot be filled as one

    with pytest.raises(ValueError, match="tagged values only"):
        layout(keyed, tag="!unsafe")
