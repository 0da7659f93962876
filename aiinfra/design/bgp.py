"""Underlay: /31s on switch-to-switch links, loopbacks, ASNs and eBGP sessions.

ASN scheme ``rfc7938`` (RFC 7938 section 5.2): each leaf has its own ASN; the
spines of one pod share one; all super-spines share one. A leaf then never
accepts a path through another pod back into its own, without route policy.
Scheme ``unique`` gives every switch its own ASN.
"""

from __future__ import annotations

from aiinfra.design.addressing import Pool
from aiinfra.design.model import Bgp, BgpNeighbor, Device, Interface, Link
from aiinfra.spec.fabrics import Underlay

PEER_GROUPS = {"leaf": "LEAVES", "spine": "SPINES", "super-spine": "SUPER_SPINES"}
MAX_PATHS = 64


def asn_groups(switches: list[Device], scheme: str) -> list[list[Device]]:
    """Devices that share one ASN, in allocation order."""
    if scheme == "unique":
        return [[d] for d in switches]
    groups: dict[tuple[str, int | None], list[Device]] = {}
    out: list[list[Device]] = []
    for d in switches:
        if d.role == "leaf":
            out.append([d])
            continue
        key = (d.role, d.pod if d.role == "spine" else None)
        if key not in groups:
            groups[key] = []
            out.append(groups[key])
        groups[key].append(d)
    return out


# Switch-to-switch links that carry an eBGP session (leaf-leaf: the peer links of a collapsed pair).
ROUTED_LINK_KINDS = ("leaf-spine", "spine-super-spine", "leaf-leaf")


def assign_underlay(
    switches: list[Device],
    links: list[Link],
    underlay: Underlay,
    loopbacks: Pool,
    p2p: Pool,
    unnumbered: bool,
) -> None:
    """Give every fabric switch a loopback, an ASN, link addresses and BGP sessions."""
    for d in switches:
        d.loopback = loopbacks.take_host()
    asn = underlay.asn_pool.first
    for group in asn_groups(switches, underlay.asn_scheme):
        for d in group:
            assert d.loopback is not None  # given just above
            d.bgp = Bgp(
                asn=asn,
                router_id=d.loopback.split("/")[0],
                neighbors=[],
                networks=[d.loopback],
                peer_groups={},
                maximum_paths=2,
                multipath_relax=True,
                bfd=underlay.bfd,
                unnumbered=unnumbered,
            )
        asn += 1

    by_name = {d.name: d for d in switches}
    index: dict[tuple[str, str], Interface] = {(d.name, i.name): i for d in switches for i in d.interfaces}
    for link in links:
        if link.kind not in ROUTED_LINK_KINDS or link.a_device not in by_name:
            continue
        lower, upper = by_name[link.a_device], by_name[link.b_device]
        low_if, up_if = index[(lower.name, link.a_interface)], index[(upper.name, link.b_interface)]
        upper_addr, lower_addr = p2p.take_p2p()
        up_if.address, low_if.address = upper_addr, lower_addr
        up_if.peer_address, low_if.peer_address = lower_addr.split("/")[0], upper_addr.split("/")[0]
        _session(lower, upper, low_if)
        _session(upper, lower, up_if)

    for d in switches:
        assert d.bgp is not None
        groups: dict[str, set[int]] = {}
        for n in d.bgp.neighbors:
            groups.setdefault(n.peer_group, set()).add(n.remote_asn)
        d.bgp.peer_groups = {g: (next(iter(a)) if len(a) == 1 else None) for g, a in sorted(groups.items())}
        d.bgp.maximum_paths = min(MAX_PATHS, max(2, len(d.bgp.neighbors)))
        if d.role == "leaf":
            d.bgp.networks.extend(_host_networks(d))


def _session(local: Device, remote: Device, iface: Interface) -> None:
    assert local.bgp is not None and remote.bgp is not None
    iface.bfd = local.bgp.bfd
    local.bgp.neighbors.append(
        BgpNeighbor(
            address=iface.peer_address or "",
            remote_asn=remote.bgp.asn,
            peer_device=remote.name,
            interface=iface.name,
            peer_group=PEER_GROUPS[remote.role],
            bfd=local.bgp.bfd,
        )
    )


def _host_networks(leaf: Device) -> list[str]:
    """Prefixes a leaf originates for its hosts: the host /31s (back-end) or host /32s (static)."""
    if leaf.static_routes:
        return [r.prefix for r in leaf.static_routes]
    # The leaf holds the even (.0) end of each host /31, so its address is the network.
    return [i.address for i in leaf.interfaces if i.role == "host" and i.address]
