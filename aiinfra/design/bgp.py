"""Underlay: /31s on switch-to-switch links, loopbacks, ASNs and eBGP sessions.

ASN scheme ``rfc7938`` (RFC 7938 section 5.2): each leaf has its own ASN; the
spines of one pod share one; all super-spines share one. A leaf then never
accepts a path through another pod back into its own, without route policy.
Scheme ``unique`` gives every switch its own ASN.

Everything here comes from a switch's slot (its position in its role, from SU, rail,
pod and number): the loopback and ASN pools are cut into fixed shares per role (leaves
the first half, spines the third quarter, super-spines the last), a leaf-spine link takes
/31 number ``slot * uplinks + n`` from the bottom of the link pool and a spine-super-spine
link the same from the top. Adding leaves, SUs or pods therefore renumbers nothing.
"""

from __future__ import annotations

from aiinfra.design.addressing import Pool, share
from aiinfra.design.model import Bgp, BgpNeighbor, Device, Interface, Link
from aiinfra.spec.fabrics import Underlay

PEER_GROUPS = {"leaf": "LEAVES", "spine": "SPINES", "super-spine": "SUPER_SPINES"}
MAX_PATHS = 64


def asn_slot(device: Device, slot: int, scheme: str, spines_per_pod: int) -> tuple[str, int]:
    """(role share, index in it) of ``device``'s ASN: shared per pod or tier under rfc7938."""
    if scheme == "unique" or device.role == "leaf":
        return device.role, slot
    if device.role == "spine":
        return "spine", slot // spines_per_pod if device.pod is not None else 0
    return "super-spine", 0


# Switch-to-switch links that carry an eBGP session (leaf-leaf: the peer links of a collapsed pair).
ROUTED_LINK_KINDS = ("leaf-spine", "spine-super-spine", "leaf-leaf")


def assign_underlay(
    switches: list[Device],
    links: list[Link],
    underlay: Underlay,
    loopbacks: Pool,
    p2p: Pool,
    unnumbered: bool,
    slots: dict[str, int],
) -> None:
    """Give every fabric switch a loopback, an ASN, link addresses and BGP sessions."""
    spines_per_pod = max(1, sum(1 for d in switches if d.role == "spine" and (d.pod or 1) == 1))
    asn_size = underlay.asn_pool.last - underlay.asn_pool.first + 1
    for d in switches:
        base, _ = share(loopbacks.capacity, d.role)
        d.loopback = loopbacks.host_at(base + slots[d.name])
        role, asn_index = asn_slot(d, slots[d.name], underlay.asn_scheme, spines_per_pod)
        d.bgp = Bgp(
            asn=underlay.asn_pool.first + share(asn_size, role)[0] + asn_index,
            router_id=d.loopback.split("/")[0],
            neighbors=[],
            networks=[d.loopback],
            peer_groups={},
            maximum_paths=2,
            multipath_relax=True,
            bfd=underlay.bfd,
            unnumbered=unnumbered,
        )

    by_name = {d.name: d for d in switches}
    ports: dict[str, dict[str, Interface]] = {}  # device -> interface name -> interface, built when first cabled

    def port(device: Device, name: str) -> Interface:
        table = ports.get(device.name)
        if table is None:
            table = ports[device.name] = {i.name: i for i in device.interfaces}
        return table[name]

    fabric_links = [k for k in links if k.kind in ROUTED_LINK_KINDS and k.a_device in by_name]
    per_lower: dict[str, int] = {}
    for link in fabric_links:
        per_lower[link.a_device] = per_lower.get(link.a_device, 0) + 1
    uplinks = {
        kind: max((per_lower[k.a_device] for k in fabric_links if k.kind == kind), default=0)
        for kind in ROUTED_LINK_KINDS
    }
    taken: dict[str, int] = {}
    for link in fabric_links:
        lower, upper = by_name[link.a_device], by_name[link.b_device]
        low_if, up_if = port(lower, link.a_interface), port(upper, link.b_interface)
        nth = taken[lower.name] = taken.get(lower.name, -1) + 1
        block = slots[lower.name] * uplinks[link.kind] + nth
        if link.kind == "spine-super-spine":  # from the top of the pool, so more leaves never reach it
            block = p2p.capacity - 1 - block
        upper_ip, lower_ip = p2p.p2p_ips_at(block)
        up_if.address, low_if.address = f"{upper_ip}/31", f"{lower_ip}/31"
        up_if.peer_address, low_if.peer_address = lower_ip, upper_ip
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
    bfd = iface.bfd = local.bgp.bfd
    # positionally, in BgpNeighbor's field order (half a million at 131k GPUs; pinned by a test):
    # address, remote_asn, peer_device, interface, peer_group, bfd
    local.bgp.neighbors.append(
        BgpNeighbor(iface.peer_address or "", remote.bgp.asn, remote.name, iface.name, PEER_GROUPS[remote.role], bfd)
    )


def _host_networks(leaf: Device) -> list[str]:
    """Prefixes a leaf originates for its hosts: the host /31s (back-end) or host /32s (static)."""
    if leaf.static_routes:
        return [r.prefix for r in leaf.static_routes]
    # The leaf holds the even (.0) end of each host /31, so its address is the network.
    return [i.address for i in leaf.interfaces if i.role == "host" and i.address]
