"""The design stage's fast paths build exactly what the plain constructors would.

Hot loops construct a few classes positionally (keywords cost three times as much) or
through :func:`aiinfra.design.frozen.builder`; these tests pin the field orders those
calls rely on and check that a built object is an ordinary, still frozen instance.
"""

from __future__ import annotations

import dataclasses

import pytest

from aiinfra.design.frozen import builder
from aiinfra.design.model import BgpNeighbor, Headroom, Interface, InterfaceRole, Link, PhysicalPort, PortMode
from aiinfra.design.platform import RailNicIntent

# The field order each positional call site passes (context.fabric_interface, build._fill_unused,
# bgp._session, context.cable via builder, hosts.rail_intent via builder). A field added or moved
# in model.py must be added or moved at those call sites too, then here.
POSITIONAL = {
    Interface: (
        "name role speed_gbps mtu description enabled address peer_device peer_interface peer_address "
        "lossless headroom physical_port breakout_member mode bfd"
    ),
    BgpNeighbor: "address remote_asn peer_device interface peer_group bfd",
    Link: (
        "fabric kind a_device a_interface b_device b_interface speed_gbps length_m reach cable a_optic b_optic "
        "a_port_gbps b_port_gbps"
    ),
    RailNicIntent: (
        "rail netdev rdma_device rdma_driver address ip gateway route_table mtu switch switch_interface trust "
        "dscp_to_priority pfc_priority dcqcn dcqcn_priorities cnp_dscp cnp_priority roce_dscp roce_tos roce_mode "
        "gid_index gid pause_8023x speed_gbps"
    ),
}


@pytest.mark.parametrize("cls", list(POSITIONAL), ids=lambda c: c.__name__)
def test_positional_call_sites_match_the_field_order(cls: type) -> None:
    assert [f.name for f in dataclasses.fields(cls)] == POSITIONAL[cls].split()


def test_builder_makes_an_ordinary_frozen_instance() -> None:
    values = ("backend", "node-leaf", "n1", "eth0", "leaf1", "swp1", 400, 3.0, "DAC", "c", "o1", "o2", 800, 400)
    built = builder(Link)(*values)
    plain = Link(*values)
    assert type(built) is Link
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert dataclasses.asdict(built) == dataclasses.asdict(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.kind = "leaf-spine"  # type: ignore[misc]
    assert dataclasses.replace(built, kind="leaf-spine").kind == "leaf-spine"


def test_builder_refuses_what_it_cannot_build() -> None:
    with pytest.raises(TypeError):
        builder(Interface)  # not frozen: construct it positionally instead
    with pytest.raises(TypeError):
        builder(int)


def test_builder_needs_every_field() -> None:
    with pytest.raises(TypeError):
        builder(PhysicalPort)(1, 1, 400)  # the name is missing
    assert builder(Headroom)(400, 3.0, 9216, 1000, "pg", 0, 0, 0, 0, "", "floor") == Headroom(
        400, 3.0, 9216, 1000, "pg", 0, 0, 0, 0, "", "floor"
    )


def test_fabric_interface_equals_the_keyword_construction() -> None:
    from aiinfra.design.context import fabric_interface

    built = fabric_interface("swp1", InterfaceRole.HOST, 400, 9216, "node-1", "eth0", 1, 0)
    assert built == Interface(
        name="swp1",
        role=InterfaceRole.HOST,
        speed_gbps=400,
        mtu=9216,
        description="host to node-1 eth0",
        peer_device="node-1",
        peer_interface="eth0",
        physical_port=1,
        breakout_member=0,
        mode=PortMode.ROUTED,
    )
