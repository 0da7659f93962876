"""The design stage's fast paths build exactly what the plain constructors would.

Hot loops construct a few classes positionally (keywords cost three times as much) or
through :func:`aiinfra.design.frozen.builder`; these tests pin the field orders those
calls rely on and check that a built object is an ordinary, still frozen instance.
"""

from __future__ import annotations

import dataclasses

import pytest

from aiinfra.design.frozen import builder
from aiinfra.design.model import (
    BgpNeighbor,
    Headroom,
    Interface,
    Link,
    NodeNic,
    PhysicalPort,
)
from aiinfra.design.platform import HostIntent, RailNicIntent

# The field order each positional call site passes (Interface: backend._cable_hosts and
# connect_all, leafspine._cable_hosts, oob.build_oob, unused.fill_unused;
# BgpNeighbor: bgp.assign_underlay; Link via builder: context.cable, backend, leafspine, oob;
# NodeNic: nodes.build_nodes, leafspine._cable_hosts; RailNicIntent and HostIntent via builder:
# hosts.rail_intent, hosts.host_intents). A field added or moved in model.py must be added or
# moved at those call sites too, then here.
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
    NodeNic: (
        "fabric index netdev rdma_device nic_model speed_gbps address gateway switch switch_interface route_table mtu"
    ),
    HostIntent: "node load_balancing nics sysctls nccl_env gpu_pool",
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


@pytest.mark.parametrize(
    "ip",
    ["10.1.0.17", "10.1.0.0", "192.168.255.255", "0.0.0.0", "10.1.0.017", "10.1.17", "0x0a.1.2.3", "10.1.2.3 "],
)
def test_gid_of_is_the_gid_of_the_parsed_address(ip: str) -> None:
    """The per-/24 shortcut gives what inet_aton and ipv4_gid give, for plain and odd spellings."""
    import socket

    from aiinfra.design.hosts import gid_of, ipv4_gid

    assert gid_of(ip) == ipv4_gid(socket.inet_aton(ip))
    assert gid_of(ip) == gid_of(ip)  # the cached /24 answers the same


@pytest.mark.parametrize("ip", ["10.1.2.256", "10.1.x.3", "", "10.1.2."])
def test_gid_of_refuses_what_inet_aton_refuses(ip: str) -> None:
    import socket

    from aiinfra.design.hosts import gid_of

    with pytest.raises(OSError):
        socket.inet_aton(ip)
    with pytest.raises(OSError):
        gid_of(ip)


def test_p2p_ends_are_the_formatted_addresses() -> None:
    """Pool.p2p_ends_at and p2p_host_at (one /24 prefix per /31) format what dotted() does."""
    from netaddr import IPAddress, IPNetwork

    from aiinfra.design.addressing import Pool

    pool = Pool("links", IPNetwork("10.0.254.0/23"), 2)
    for index in (0, 1, 127, 128, 255):
        even, odd, even_cidr, odd_cidr = pool.p2p_ends_at(index)
        first = int(IPAddress("10.0.254.0")) + 2 * index
        assert (even, odd) == (str(IPAddress(first)), str(IPAddress(first + 1))) == pool.p2p_ips_at(index)
        assert (even_cidr, odd_cidr) == (f"{even}/31", f"{odd}/31") == pool.p2p_at(index)
        assert pool.p2p_host_at(index) == (even, odd_cidr)
    with pytest.raises(Exception, match="links"):
        pool.p2p_ends_at(256)


def test_claims_name_ports_as_port_name_does() -> None:
    """A switch's claims at two speeds, one broken out: the names, ports and members that
    port_name and the front-panel numbering give, and the modes the ports were claimed in."""
    from aiinfra.catalog import Catalog
    from aiinfra.design.ports import PortAllocator, port_name

    catalog = Catalog.with_additions(None)
    model = catalog.switches["qfx5240-64od"]
    alloc = PortAllocator(model, "junos")
    claims = [alloc.claim(400) for _ in range(5)] + [alloc.claim(800) for _ in range(2)]
    ways = model.breakout_for(400).ways  # type: ignore[union-attr]
    expected = [(port_name(model, "junos", 1 + k // ways, k % ways, ways), 1 + k // ways, k % ways) for k in range(5)]
    first800 = 1 + (5 + ways - 1) // ways
    expected += [(port_name(model, "junos", first800 + k, 0, 1), first800 + k, 0) for k in range(2)]
    assert claims == expected
    assert alloc.modes[1] == (ways, 400) and alloc.modes[first800] == (1, 800)


def test_unused_ports_fill_the_rest_in_port_order() -> None:
    """Claims at two speeds interleaved (cabled ports out of port order): fill_unused lists every
    other logical port once, as unused, and sorts the whole list by (port, member) stably."""
    from types import SimpleNamespace
    from typing import cast

    from aiinfra.catalog import Catalog
    from aiinfra.design.context import BuildContext
    from aiinfra.design.model import Device, InterfaceRole
    from aiinfra.design.ports import PortAllocator
    from aiinfra.design.unused import fill_unused

    catalog = Catalog.with_additions(None)
    model = catalog.switches["qfx5240-64od"]
    alloc = PortAllocator(model, "junos")
    device = Device("sw", "backend", "leaf", "qfx5240-64od", "junos", "", "re0:mgmt-0", "", "")
    for speed in (400, 800, 400, 400):  # port 1 (400G, broken out), port 2 (800G), port 1 again, port 3
        name, phys, member = alloc.claim(speed)
        device.interfaces.append(Interface(name, InterfaceRole.HOST, speed, 9216, "x", True, physical_port=phys))
        device.interfaces[-1].breakout_member = member
    ctx = cast(BuildContext, SimpleNamespace(allocators={"sw": alloc}, catalog=catalog))
    fill_unused(ctx, device, 400)
    keys = [(i.physical_port, i.breakout_member) for i in device.interfaces]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    ways = model.breakout_for(400).ways  # type: ignore[union-attr]
    assert len(keys) == (model.ports - 1) * ways + 1  # port 2 runs unbroken at 800G
    cabled = [i.name for i in device.interfaces if i.role == InterfaceRole.HOST]
    assert cabled == [alloc.name(1, 0, ways), alloc.name(1, 1, ways), alloc.name(2, 0, 1), alloc.name(3, 0, ways)]
    assert all(not i.enabled for i in device.interfaces if i.role == InterfaceRole.UNUSED)
