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

from collections import Counter
from operator import attrgetter

from aiinfra.design.addressing import Pool, share
from aiinfra.design.context import Routed
from aiinfra.design.model import Bgp, BgpNeighbor, Device
from aiinfra.spec.fabrics import Underlay

PEER_GROUPS = {"leaf": "LEAVES", "spine": "SPINES", "super-spine": "SUPER_SPINES"}
_GROUP, _ASN = attrgetter("peer_group"), attrgetter("remote_asn")  # of every session: mapped, not a loop
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
    routed: list[Routed],
    underlay: Underlay,
    loopbacks: Pool,
    p2p: Pool,
    unnumbered: bool,
    slots: dict[str, int],
) -> None:
    """Give every fabric switch a loopback, an ASN, link addresses and BGP sessions.

    ``routed``: the switch-to-switch cables (``BuildContext.routed``, in cabling order);
    those whose lower end is one of ``switches`` are this fabric's.
    """
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

    names = {d.name for d in switches}
    fabric_links = [r for r in routed if r[0].kind in ROUTED_LINK_KINDS and r[1].name in names]
    per_lower = Counter(r[1].name for r in fabric_links)  # a switch's routed cables, all kinds
    lowers: dict[str, set[str]] = {kind: set() for kind in ROUTED_LINK_KINDS}  # kind -> its lower switches
    for r in fabric_links:
        lowers[r[0].kind].add(r[1].name)
    uplinks = {kind: max((per_lower[n] for n in lowers[kind]), default=0) for kind in ROUTED_LINK_KINDS}
    taken: dict[str, int] = {}
    top = p2p.capacity - 1
    peer_group = PEER_GROUPS
    for link, lower, upper, low_if, up_if in fabric_links:
        nth = taken[lower.name] = taken.get(lower.name, -1) + 1
        block = slots[lower.name] * uplinks[link.kind] + nth
        if link.kind == "spine-super-spine":  # from the top of the pool, so more leaves never reach it
            block = top - block
        even, odd, even_cidr, odd_cidr = p2p.p2p_ends_at(block)  # the upper switch holds the even end
        up_if.address, low_if.address = even_cidr, odd_cidr
        up_if.peer_address, low_if.peer_address = odd, even
        # one session each way, on the port facing the peer, with the local BGP's BFD setting;
        # positionally, in BgpNeighbor's field order (half a million at 131k GPUs; pinned by a test):
        # address, remote_asn, peer_device, interface, peer_group, bfd
        low_bgp, up_bgp = lower.bgp, upper.bgp
        assert low_bgp is not None and up_bgp is not None
        bfd = low_if.bfd = low_bgp.bfd
        low_bgp.neighbors.append(BgpNeighbor(even, up_bgp.asn, upper.name, low_if.name, peer_group[upper.role], bfd))
        bfd = up_if.bfd = up_bgp.bfd
        up_bgp.neighbors.append(BgpNeighbor(odd, low_bgp.asn, lower.name, up_if.name, peer_group[lower.role], bfd))

    for d in switches:
        assert d.bgp is not None
        groups: dict[str, list[int]] = {}
        neighbors = d.bgp.neighbors
        for group, asn in set(zip(map(_GROUP, neighbors), map(_ASN, neighbors), strict=True)):
            groups.setdefault(group, []).append(asn)
        d.bgp.peer_groups = {g: (a[0] if len(a) == 1 else None) for g, a in sorted(groups.items())}
        d.bgp.maximum_paths = min(MAX_PATHS, max(2, len(d.bgp.neighbors)))
        if d.role == "leaf":
            d.bgp.networks.extend(_host_networks(d))


def _host_networks(leaf: Device) -> list[str]:
    """Prefixes a leaf originates for its hosts: the host /31s (back-end) or host /32s (static)."""
    if leaf.static_routes:
        return [r.prefix for r in leaf.static_routes]
    # The leaf holds the even (.0) end of each host /31, so its address is the network.
    return [i.address for i in leaf.interfaces if i.role == "host" and i.address]
