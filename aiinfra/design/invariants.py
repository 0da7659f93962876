"""Invariants every Design holds, checked at the end of ``build_design`` and after
loading ``design.json``.

These are not user errors: a spec that validates always builds a Design that holds them,
so a violation is a bug in aiinfra (or a hand-edited design.json) and is raised as
:class:`DesignInvariantError` listing every violation, never rendered into configs.

- traffic classes are distinct: no two share a TC, no DSCP is classified to two;
- lossless is never best effort: a lossless class is not the catch-all (it names its
  DSCPs and is not TC 0) and it is the class of the no-drop priority, the one PFC is on;
- addresses are unique: interface, loopback, management, BMC and node addresses;
- every link has two ends that exist: a device and one of its interfaces, or a node and
  one of its ports (an OOB uplink's far end is the site's switch, outside the Design);
- every BGP neighbor is on a subnet the device shares with it: the local interface's
  network holds the neighbor's address and the peer owns it (unnumbered: the interface
  exists and faces the peer).

Fast enough to run on every 32k-GPU design (measured in docs/performance.md): addresses
are compared as strings and only the BGP check does arithmetic, on integers.
"""

from __future__ import annotations

import socket
from collections.abc import Generator, Iterator
from itertools import repeat

from aiinfra.design.model import BgpNeighbor, Design, Interface, Link, QosIntent

SHOWN = 50  # violations listed in the message; the count says how many more
EXTERNAL_ENDS = frozenset({"oob-uplink"})  # link kinds whose b end is outside the Design
NODE_PORTS = ("bmc", "mgmt0")
_PREFIX = {str(n): n for n in range(129)}  # prefix lengths as written: "31" -> 31


class DesignInvariantError(Exception):
    """The Design breaks its own invariants: a bug, listed in full in ``violations``."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        shown = "\n  ".join(violations[:SHOWN])
        more = f"\n  ... and {len(violations) - SHOWN} more" if len(violations) > SHOWN else ""
        super().__init__(f"the Design breaks {len(violations)} invariant(s) (a bug in aiinfra):\n  {shown}{more}")

    def __reduce__(self) -> tuple[type[DesignInvariantError], tuple[list[str]]]:
        """Rebuilt from the violations: a render job raises it in a worker process."""
        return (type(self), (self.violations,))


def check_invariants(design: Design) -> None:
    """Raise :class:`DesignInvariantError` listing every violation; return quietly otherwise."""
    violations = list(violations_of(design))
    if violations:
        raise DesignInvariantError(violations)


def violations_of(design: Design) -> Iterator[str]:
    intents: dict[int, tuple[str, QosIntent]] = {}
    for name, q in design.qos.items():
        intents.setdefault(id(q), (f"qos.{name}", q))
    for d in design.devices.values():
        if d.qos is not None:
            intents.setdefault(id(d.qos), (f"device {d.name} qos", d.qos))
    for where, q in intents.values():
        yield from _traffic_classes(where, q)
    owners = yield from _unique_addresses(design)
    yield from _links(design)
    yield from _bgp(design, owners)


def _traffic_classes(where: str, q: QosIntent) -> Iterator[str]:
    tcs: dict[int, str] = {}
    dscps: dict[int, str] = {}
    for c in q.classes:
        if c.tc in tcs:
            yield f"{where}: classes {tcs[c.tc]} and {c.name} share traffic class {c.tc}"
        tcs.setdefault(c.tc, c.name)
        for dscp in c.dscps:
            if dscp in dscps:
                yield f"{where}: DSCP {dscp} is classified to both {dscps[dscp]} and {c.name}"
            dscps.setdefault(dscp, c.name)
        if c.lossless:
            if not c.dscps or c.tc == 0:
                yield f"{where}: lossless class {c.name} is the best-effort class (TC {c.tc}, DSCPs {list(c.dscps)})"
            if c.tc != q.nodrop_priority:
                yield f"{where}: lossless class {c.name} is TC {c.tc} but PFC is on priority {q.nodrop_priority}"
    if not any(c.lossless and c.tc == q.nodrop_priority for c in q.classes):
        yield f"{where}: no lossless class on the no-drop priority {q.nodrop_priority}"


def _unique_addresses(design: Design) -> Generator[str, None, dict[str, str]]:
    """Every address has one owner; returns address (no prefix length) -> owning device or node.

    The fast path only records owners (later ones win, in :func:`_addresses`' order) and
    counts the addresses: fewer owners than addresses means a collision, and only then are
    the colliding addresses found and their labels worked out.
    """
    owners, count = _owners(design)
    if len(owners) != count:
        seen_once: set[str] = set()
        clashes: set[str] = set()
        for _, address in _addresses(design):
            ip = address.partition("/")[0]
            if ip in seen_once:
                clashes.add(ip)
            seen_once.add(ip)
        seen: dict[str, str] = {}
        for _, address, label in _labelled(design):
            ip = address.partition("/")[0]
            if ip in clashes:
                if ip in seen:
                    yield f"address {ip} is both {seen[ip]} and {label}"
                seen.setdefault(ip, label)
    return owners


def _owners(design: Design) -> tuple[dict[str, str], int]:
    """What :func:`_addresses` yields, as address -> owner (the last one) and a count, in
    list comprehensions and one dict update per device or node rather than a tuple per address."""
    owners: dict[str, str] = {}
    count = 0
    for d in design.devices.values():
        ips = [a.partition("/")[0] for a in (d.mgmt_address, d.loopback) if a]
        ips += [i.address.partition("/")[0] for i in d.interfaces if i.address]
        count += len(ips)
        owners.update(zip(ips, repeat(d.name)))
    for n in design.nodes:
        own = (n.mgmt_address, n.bmc_address, n.frontend_address, n.storage_address)
        ips = [a.partition("/")[0] for a in own if a]
        ips += [nic.address.partition("/")[0] for nic in (*n.backend, *n.frontend, *n.storage) if nic.address]
        count += len(ips)
        owners.update(zip(ips, repeat(n.name)))
    return owners, count


def _addresses(design: Design) -> Iterator[tuple[str, str]]:
    """Every set address with its owner: the definition :func:`_owners` counts in bulk."""
    for d in design.devices.values():
        name = d.name
        if d.mgmt_address:
            yield name, d.mgmt_address
        if d.loopback:
            yield name, d.loopback
        for i in d.interfaces:
            if i.address:
                yield name, i.address
    for n in design.nodes:
        name = n.name
        for address in (n.mgmt_address, n.bmc_address, n.frontend_address, n.storage_address):
            if address:
                yield name, address
        for nic in (*n.backend, *n.frontend, *n.storage):
            if nic.address:
                yield name, nic.address


def _labelled(design: Design) -> Iterator[tuple[str, str, str]]:
    """The same addresses as :func:`_addresses`, each with what it is, for the message."""
    for d in design.devices.values():
        yield d.name, d.mgmt_address, f"the management address of {d.name}"
        yield d.name, d.loopback or "", f"the loopback of {d.name}"
        for i in d.interfaces:
            yield d.name, i.address or "", f"{d.name} {i.name}"
    for n in design.nodes:
        for address, what in (
            (n.mgmt_address, "management address"),
            (n.bmc_address, "BMC address"),
            (n.frontend_address, "front-end address"),
            (n.storage_address, "storage address"),
        ):
            yield n.name, address or "", f"the {what} of node {n.name}"
        for nic in (*n.backend, *n.frontend, *n.storage):
            yield n.name, nic.address, f"node {n.name} {nic.netdev}"


def _links(design: Design) -> Iterator[str]:
    """Both ends of every link, looked up inline (a million cable ends at 131k GPUs): the
    messages come from :func:`_end_problem`, for an end that fails."""
    ports: dict[str, set[str]] = {
        d.name: {d.mgmt_interface, *[i.name for i in d.interfaces]} for d in design.devices.values()
    }
    for n in design.nodes:
        ports[n.name] = {*NODE_PORTS, *[nic.netdev for nic in (*n.backend, *n.frontend, *n.storage)]}
    nowhere: frozenset[str] = frozenset()
    get = ports.get
    for k, link in enumerate(design.links):
        if link.a_interface not in get(link.a_device, nowhere):
            yield _end_problem(k, link, "a", link.a_device, link.a_interface, ports)
        if link.kind not in EXTERNAL_ENDS and link.b_interface not in get(link.b_device, nowhere):
            yield _end_problem(k, link, "b", link.b_device, link.b_interface, ports)


def _end_problem(k: int, link: Link, side: str, device: str, interface: str, ports: dict[str, set[str]]) -> str:
    if device not in ports:
        return f"link {k} ({link.kind}): {side} end {device} is neither a device nor a node"
    return f"link {k} ({link.kind}): {side} end {device} has no interface {interface!r}"


def _bgp(design: Design, owners: dict[str, str]) -> Iterator[str]:
    """Fast path inline (134k sessions at 32k GPUs); a session that fails it is described
    by :func:`_neighbor_problems`, which makes the same checks one by one."""
    devices = design.devices
    for d in devices.values():
        if d.bgp is None:
            continue
        by_name = {i.name: i for i in d.interfaces}
        unnumbered = d.bgp.unnumbered
        for n in d.bgp.neighbors:
            iface = by_name.get(n.interface)
            peer = n.peer_device
            if iface is not None and peer in devices and iface.peer_device == peer:
                if unnumbered:
                    continue
                if iface.address and owners.get(n.address) == peer and _same_subnet(iface.address, n.address):
                    continue
            for problem in _neighbor_problems(design, n, iface, unnumbered, owners):
                yield f"{d.name} BGP neighbor {n.address or n.interface} ({n.peer_device}): {problem}"


def _neighbor_problems(
    design: Design, n: BgpNeighbor, iface: Interface | None, unnumbered: bool, owners: dict[str, str]
) -> Iterator[str]:
    if n.peer_device not in design.devices:
        yield "no such device"
        return
    if iface is None:
        yield f"no local interface {n.interface!r}"
        return
    if iface.peer_device != n.peer_device:
        yield f"interface {iface.name} faces {iface.peer_device}, not the peer"
    if unnumbered:
        return
    if not iface.address:
        yield f"interface {iface.name} has no address"
    elif iface.address.partition("/")[0] == n.address:
        yield f"that is {iface.name}'s own address"
    elif not _same_subnet(iface.address, n.address):
        yield f"not on {iface.name}'s subnet {iface.address}"
    elif owners.get(n.address) != n.peer_device:
        yield f"the address belongs to {owners.get(n.address, 'nobody')}"


def _same_subnet(interface: str, address: str) -> bool:
    """Whether ``address`` is on the network of ``interface`` ("10.0.0.0/31"), IPv4 or IPv6.

    Once per numbered BGP session (half a million at 131k GPUs), so the usual prefix
    lengths are looked up rather than parsed; any other text goes to ``int`` as ever.
    """
    ip, _, length = interface.partition("/")
    if ":" in ip:
        family, bits = socket.AF_INET6, 128
    else:
        family, bits = socket.AF_INET, 32
    try:
        mine = int.from_bytes(socket.inet_pton(family, ip), "big")
        theirs = int.from_bytes(socket.inet_pton(family, address), "big")
        prefix = _PREFIX.get(length) or int(length or bits)  # "0" is falsy: int("0") reads it
    except (OSError, ValueError):
        return False
    shift = bits - prefix
    return mine >> shift == theirs >> shift and mine != theirs
