"""The Design's invariants: every example holds them, and each kind of corruption is caught
(all violations listed at once, as a bug rather than a user error)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import pytest

from aiinfra.design.invariants import (
    DesignInvariantError,
    _addresses,
    _owners,
    _same_subnet,
    check_invariants,
    violations_of,
)
from aiinfra.design.model import Design, Link, TrafficClass
from aiinfra.design.serialize import design_json, parse_design
from tests.conftest import EXAMPLE_NAMES, example


@pytest.mark.parametrize("name", [n for n in EXAMPLE_NAMES if n != "ai-factory-32k"])
def test_examples_hold_every_invariant(name: str) -> None:
    assert list(violations_of(example(name).design)) == []


def _lab() -> Design:
    return copy.deepcopy(example("lab").design)


def _classes(d: Design, edit: Callable[[tuple[TrafficClass, ...]], tuple[TrafficClass, ...]]) -> None:
    q = d.qos["backend"]
    new = dataclasses.replace(q, classes=edit(q.classes))
    d.qos["backend"] = new
    for dev in d.devices.values():
        if dev.qos is q:
            dev.qos = new


def _same_tc(d: Design) -> None:
    _classes(d, lambda cs: (cs[0], dataclasses.replace(cs[1], tc=cs[0].tc), cs[2]))


def _shared_dscp(d: Design) -> None:
    _classes(d, lambda cs: (cs[0], cs[1], dataclasses.replace(cs[2], dscps=(cs[1].dscps[0],))))


def _lossless_best_effort(d: Design) -> None:
    _classes(d, lambda cs: (dataclasses.replace(cs[0], lossless=True), cs[1], cs[2]))


def _lossless_off_the_pfc_priority(d: Design) -> None:
    _classes(d, lambda cs: (cs[0], cs[1], dataclasses.replace(cs[2], lossless=True, dscps=(50,))))


def _duplicate_interface_address(d: Design) -> None:
    leaf = d.devices["lab-be-leaf-su001-r2"]
    host = next(i for i in leaf.interfaces if i.role == "host")
    host.address = d.devices["lab-be-leaf-su001-r1"].interfaces[0].address


def _duplicate_loopback(d: Design) -> None:
    d.devices["lab-be-spine-02"].loopback = d.devices["lab-be-spine-01"].loopback


def _duplicate_mgmt(d: Design) -> None:
    d.nodes[1].bmc_address = d.devices["lab-oob-01"].mgmt_address


def _duplicate_node_address(d: Design) -> None:
    d.nodes[2].frontend_address = d.nodes[1].frontend_address


def _dangling_link_device(d: Design) -> None:
    d.links[0] = dataclasses.replace(d.links[0], b_device="lab-nowhere")


def _dangling_link_interface(d: Design) -> None:
    d.links[0] = dataclasses.replace(d.links[0], b_interface="Ethernet999")


def _dangling_node_port(d: Design) -> None:
    link = next(x for x in d.links if x.kind == "node-leaf")
    d.links[d.links.index(link)] = dataclasses.replace(link, a_interface="eth9")


def _bgp_off_subnet(d: Design) -> None:
    bgp = d.devices["lab-be-leaf-su001-r1"].bgp
    assert bgp is not None
    bgp.neighbors[0].address = "10.9.9.9"


def _bgp_wrong_owner(d: Design) -> None:
    leaf = d.devices["lab-be-leaf-su001-r1"]
    assert leaf.bgp is not None
    n = leaf.bgp.neighbors[0]
    n.address = next(i for i in leaf.interfaces if i.name == n.interface).address.split("/")[0]  # type: ignore[union-attr]


def _bgp_no_interface(d: Design) -> None:
    bgp = d.devices["lab-be-leaf-su001-r1"].bgp
    assert bgp is not None
    bgp.neighbors[0].interface = "Ethernet999"


def _bgp_unknown_peer(d: Design) -> None:
    bgp = d.devices["lab-be-leaf-su001-r1"].bgp
    assert bgp is not None
    bgp.neighbors[0].peer_device = "lab-ghost"


CORRUPTIONS = {
    _same_tc: "share traffic class 0",
    _shared_dscp: "is classified to both ROCE and CNP",
    _lossless_best_effort: "lossless class BEST_EFFORT is the best-effort class",
    _lossless_off_the_pfc_priority: "lossless class CNP is TC 6 but PFC is on priority 3",
    _duplicate_interface_address: "address 10.1.0.0 is both lab-be-leaf-su001-r1 Ethernet0 and lab-be-leaf-su001-r2",
    _duplicate_loopback: "is both the loopback of lab-be-spine-01 and the loopback of lab-be-spine-02",
    _duplicate_mgmt: "is both the management address of lab-oob-01 and the BMC address of node lab-gpu-002",
    _duplicate_node_address: "front-end address of node lab-gpu-002 and the front-end address of node lab-gpu-003",
    _dangling_link_device: "b end lab-nowhere is neither a device nor a node",
    _dangling_link_interface: "has no interface 'Ethernet999'",
    _dangling_node_port: "a end lab-gpu-001 has no interface 'eth9'",
    _bgp_off_subnet: "lab-be-leaf-su001-r1 BGP neighbor 10.9.9.9 (lab-be-spine-01): not on Ethernet256's subnet",
    _bgp_wrong_owner: "that is Ethernet256's own address",
    _bgp_no_interface: "no local interface 'Ethernet999'",
    _bgp_unknown_peer: "(lab-ghost): no such device",
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS), ids=lambda f: f.__name__.strip("_"))
def test_each_corruption_is_caught(corrupt: Callable[[Design], None]) -> None:
    design = _lab()
    corrupt(design)
    with pytest.raises(DesignInvariantError) as info:
        check_invariants(design)
    assert any(CORRUPTIONS[corrupt] in v for v in info.value.violations), info.value.violations
    assert "a bug in aiinfra" in str(info.value)


def test_every_violation_is_listed_at_once() -> None:
    design = _lab()
    _duplicate_loopback(design)
    _dangling_link_device(design)
    _bgp_unknown_peer(design)
    with pytest.raises(DesignInvariantError) as info:
        check_invariants(design)
    assert len(info.value.violations) >= 3


def test_loading_design_json_checks_invariants() -> None:
    design = _lab()
    design.links.append(
        Link("backend", "leaf-spine", "lab-ghost", "e1", "lab-be-spine-01", "x", 400, 1.0, "DAC", "c", "", "", 400, 400)
    )
    with pytest.raises(DesignInvariantError):
        parse_design(design_json(design))


def test_one_address_on_two_interfaces_of_one_device_is_caught() -> None:
    """Owners are counted, not only recorded: a device that holds one address twice owns it
    once, and that is still a collision."""
    design = _lab()
    leaf = design.devices["lab-be-leaf-su001-r1"]
    first, second = [i for i in leaf.interfaces if i.address][:2]
    second.address = first.address
    ip = str(first.address).split("/")[0]
    with pytest.raises(DesignInvariantError) as info:
        check_invariants(design)
    expected = f"address {ip} is both lab-be-leaf-su001-r1 {first.name} and lab-be-leaf-su001-r1 {second.name}"
    assert expected in info.value.violations, info.value.violations


def test_both_ends_of_a_link_are_checked() -> None:
    design = _lab()
    link = next(x for x in design.links if x.kind == "leaf-spine")
    k = design.links.index(link)
    design.links[k] = dataclasses.replace(link, a_device="lab-nowhere", b_interface="Ethernet999")
    assert list(violations_of(design)) == [
        f"link {k} (leaf-spine): a end lab-nowhere is neither a device nor a node",
        f"link {k} (leaf-spine): b end {link.b_device} has no interface 'Ethernet999'",
    ]


def test_an_external_end_is_not_looked_up() -> None:
    design = _lab()
    uplinks = [k for k, x in enumerate(design.links) if x.kind == "oob-uplink"]
    assert uplinks
    for k in uplinks:
        design.links[k] = dataclasses.replace(design.links[k], b_device="site-core", b_interface="xe-0/0/0")
    assert list(violations_of(design)) == []
    design.links[uplinks[0]] = dataclasses.replace(design.links[uplinks[0]], a_interface="nowhere0")
    assert [v for v in violations_of(design)] == [
        f"link {uplinks[0]} (oob-uplink): a end {design.links[uplinks[0]].a_device} has no interface 'nowhere0'"
    ]


@pytest.mark.parametrize(
    ("interface", "address", "same"),
    [
        ("10.0.0.0/31", "10.0.0.1", True),
        ("10.0.0.0/31", "10.0.0.0", False),  # its own address
        ("10.0.0.0/31", "10.0.0.2", False),
        ("10.0.0.1/0", "192.168.1.1", True),
        ("10.0.0.1/32", "10.0.0.1", False),
        ("10.0.0.1", "10.0.0.2", False),  # no length: a /32, which holds only itself
        ("10.0.0.0/031", "10.0.0.1", True),  # lengths int() reads are read as ever
        ("10.0.0.0/ 30", "10.0.0.3", True),
        ("10.0.0.0/x", "10.0.0.1", False),
        ("10.0.0.0/31", "10.0.0.01", False),  # not an address inet_pton takes
        ("10.0.0.0/31", "fd00::1", False),
        ("fd00::/127", "fd00::1", True),
        ("fd00::/64", "fd00::ffff:1", True),
        ("fd00::/127", "fd00::2", False),
    ],
)
def test_same_subnet(interface: str, address: str, same: bool) -> None:
    assert _same_subnet(interface, address) is same


@pytest.mark.parametrize("name", [n for n in EXAMPLE_NAMES if n != "ai-factory-32k"])
def test_the_bulk_address_count_is_the_address_walk(name: str) -> None:
    """``_owners`` (the fast path) counts what ``_addresses`` (the definition, which names a
    collision) yields: a field added to one walk and not the other fails here."""
    design = example(name).design
    walked = list(_addresses(design))
    owners, count = _owners(design)
    assert count == len(walked) > 0
    assert owners == {address.partition("/")[0]: owner for owner, address in walked}
