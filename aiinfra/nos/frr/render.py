"""FRR configuration for a device's routing intent.

SONiC deploys this text as its ``frr.conf`` (split-unified mode: bgpcfgd stops
rendering FRR from CONFIG_DB, so interface addresses stay in config_db.json and
the file holds routing only); the SONiC driver renders ``frr.conf.j2`` from this
driver's templates as its template parent. The emulated lab renders the same intent
for switches of every other OS with this driver, and there FRR must also own the
addresses, hence ``with_interfaces``. One template for both keeps the lab honest: it
runs the routing design the SONiC leaves run, not a look-alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiinfra.design.model import BgpNeighbor, Design, Device, Interface
from aiinfra.nos import driver, profile
from aiinfra.render.switches.common import switch_context

if TYPE_CHECKING:
    from aiinfra.nos.base import Driver

TEMPLATE = "frr.conf.j2"


@dataclass(frozen=True, slots=True)
class Member:
    """One session as FRR names it: the interface when unnumbered, else the peer address."""

    key: str
    neighbor: BgpNeighbor


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """A peer group and its members, in the order the Design listed them."""

    name: str
    remote_asn: int | None  # shared by every member; None means set per neighbor
    bfd: bool
    members: tuple[Member, ...]


def peer_groups(device: Device) -> list[PeerGroup]:
    """Neighbors grouped under their peer group, groups in name order (stable output)."""
    bgp = device.bgp
    if bgp is None:
        return []
    out = []
    for name, asn in sorted(bgp.peer_groups.items()):
        neighbors = [n for n in bgp.neighbors if n.peer_group == name]
        members = tuple(Member(n.interface if bgp.unnumbered else n.address, n) for n in neighbors)
        out.append(PeerGroup(name, asn, all(n.bfd for n in neighbors), members))
    return out


def zebra_interfaces(device: Device) -> list[Interface]:
    """Interfaces whose addresses zebra must configure when no other agent does."""
    return [i for i in device.interfaces if i.address and i.enabled]


def frr_conf(device: Device, design: Design, by: Driver, header: list[str], with_interfaces: bool) -> str:
    """``frr.conf.j2`` rendered through driver ``by``'s template search order.

    ``header`` says which release and consumer the file targets, so nobody loads it
    elsewhere; ``with_interfaces`` adds zebra addresses and the loopback.
    """
    context = switch_context(device, design)
    context.update(
        header=header,
        with_interfaces=with_interfaces,
        zebra_interfaces=zebra_interfaces(device) if with_interfaces else [],
        peer_groups=peer_groups(device),
    )
    return by.render_template(TEMPLATE, design, **context)


def lab_header(device: Device) -> list[str]:
    """The FRR box stands in for a switch of another OS: say so, and where its real config is."""
    return [
        f"Rendered by aiinfra for {device.name}; edit the spec, not this file.",
        f"Routing intent of this {profile(device.os).name} {device.os_release} device, rendered for FRR",
        "(emulated lab). The device itself runs the config in configs/.",
    ]


def render_frr(device: Device, design: Design) -> str:
    """FRR that owns the addresses too: no other agent configures them on a plain Linux box."""
    return frr_conf(device, design, driver("frr"), lab_header(device), with_interfaces=True)


def render(device: Device, design: Design) -> dict[str, str]:
    """The frr driver's one file per device."""
    return {f"configs/{device.name}.frr.conf": render_frr(device, design)}
