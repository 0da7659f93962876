"""FRR configuration for a device's routing intent.

SONiC deploys this text as its ``frr.conf`` (split-unified mode: bgpcfgd stops
rendering FRR from CONFIG_DB, so interface addresses stay in config_db.json and
this file holds routing only). The emulated lab renders the same intent for
switches of every other OS, and there FRR must also own the addresses, hence
``with_interfaces``. One renderer for both keeps the lab honest: it runs the
routing design the SONiC leaves run, not a look-alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.design.model import BgpNeighbor, Design, Device, Interface
from aiinfra.nos import profile
from aiinfra.render.environment import render_template
from aiinfra.render.switches.common import switch_context

TEMPLATE = "frr/frr.conf.j2"


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


def header_lines(device: Device, with_interfaces: bool) -> list[str]:
    """Say which release and which consumer the file targets, so nobody loads it elsewhere."""
    os_profile = profile(device.os)
    lines = [f"Rendered by aiinfra for {device.name}; edit the spec, not this file."]
    if device.os == "sonic" and not with_interfaces:
        lines += [
            f"Target: {os_profile.name} {device.os_release}, FRR in the bgp container, /etc/sonic/frr/frr.conf.",
            "DEVICE_METADATA docker_routing_config_mode split-unified: one FRR file, not generated from",
            "CONFIG_DB; interface and loopback addresses come from config_db.json.",
        ]
    else:
        lines += [
            f"Routing intent of this {os_profile.name} {device.os_release} device, rendered for FRR",
            "(emulated lab). The device itself runs the config in configs/.",
        ]
    return lines


def render_frr(device: Device, design: Design, with_interfaces: bool = False) -> str:
    """The FRR config of ``device``; ``with_interfaces`` adds zebra addresses and the loopback."""
    context = switch_context(device, design)
    context.update(
        header=header_lines(device, with_interfaces),
        with_interfaces=with_interfaces,
        zebra_interfaces=zebra_interfaces(device) if with_interfaces else [],
        peer_groups=peer_groups(device),
    )
    return render_template(TEMPLATE, **context)
