"""Addresses the spec names that must not land on addresses aiinfra hands out.

DNS, NTP, syslog and AAA servers, and the OpenShift networks and VIPs, are
chosen by the user; the fabric pools and the management addresses are numbered
by aiinfra. A server inside a pool is eventually a switch loopback or a NIC; an
OpenShift cluster network over a pool makes pod routes shadow the fabric.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network
from socket import inet_aton

from aiinfra.design.model import Device, Node
from aiinfra.design.problems import Problems
from aiinfra.errors import Path, dotted
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.platform import OpenShift

POOL_ROLES = {
    "loopbacks": "switch loopbacks",
    "fabric_links": "switch-to-switch /31s",
    "gpu": "GPU NIC /31s",
    "host_links": "node uplink /31s",
    "hosts": "node /32 addresses",
}


def fabric_pools(spec: ClusterSpec) -> dict[Path, IPv4Network]:
    """Every fabric address pool, keyed by its spec path."""
    out: dict[Path, IPv4Network] = {}
    for name in ("backend", "frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is None:
            continue
        for field, value in fab.addressing:
            out[("fabrics", name, "addressing", field)] = value
    return out


def servers(spec: ClusterSpec) -> Iterator[tuple[Path, IPv4Address]]:
    """Every server address a device or node is pointed at."""
    for field in ("dns", "ntp", "syslog"):
        for i, address in enumerate(getattr(spec.site, field)):
            yield ("site", field, i), address
    if spec.security.aaa is not None:
        for i, server in enumerate(spec.security.aaa.servers):
            yield ("security", "aaa", "servers", i, "address"), server.address


def _pool(path: Path, net: IPv4Network) -> str:
    return f"{dotted(path)} ({net}), the pool of {POOL_ROLES[str(path[-1])]}"


def check_server_addresses(p: Problems, spec: ClusterSpec) -> None:
    """A server must not sit inside a fabric pool."""
    pools = fabric_pools(spec)
    for path, address in servers(spec):
        for pool_path, net in pools.items():
            if address in net:
                p.add(
                    path,
                    f"{address} is inside {_pool(pool_path, net)} that aiinfra numbers; give the server's own "
                    "address, outside every fabric pool",
                )


def check_management_collisions(p: Problems, spec: ClusterSpec, switches: list[Device], nodes: list[Node]) -> None:
    """A server, or an OpenShift VIP, must not be a management address aiinfra assigned.

    The assigned addresses are held as ints (``inet_aton`` of the address part): a 131k-GPU
    design has 40k of them, and an ``IPv4Interface`` each cost more than the rest of the check.
    """
    taken: dict[int, str] = {}
    for d in switches:
        taken[_ip_int(d.mgmt_address)] = f"the management address of switch {d.name}"
    for n in nodes:
        taken[_ip_int(n.mgmt_address)] = f"the management address of node {n.name}"
        taken[_ip_int(n.bmc_address)] = f"the BMC address of node {n.name}"
    if not taken:
        return
    named = list(servers(spec))
    if isinstance(spec.platform, OpenShift):
        named += [(("platform", f), getattr(spec.platform, f)) for f in ("api_vip", "ingress_vip")]
    hits = [(path, address) for path, address in named if int(address) in taken]
    if not hits:
        return
    mgmt = spec.site.management
    first, last = IPv4Address(min(taken)), IPv4Address(max(taken))
    hint = (
        f"aiinfra numbers {first}-{last} (from first_host_offset {mgmt.first_host_offset}); use an address "
        "outside that range, or raise first_host_offset to keep the server's address below it"
    )
    for path, address in hits:
        p.add(path, f"{address} is {taken[int(address)]}; {hint}")


def _ip_int(cidr: str) -> int:
    """The address of ``a.b.c.d/len`` (as the Design writes it) as an int."""
    return int.from_bytes(inet_aton(cidr.partition("/")[0]), "big")


def check_openshift_networks(p: Problems, spec: ClusterSpec, nodes: int) -> None:
    """Cluster and service networks apart from every pool, the management network and each
    other; VIPs outside the pools aiinfra numbers, except the free part of the node pool."""
    platform = spec.platform
    if not isinstance(platform, OpenShift):
        return
    pools = fabric_pools(spec)
    mgmt = spec.site.management.network
    others: dict[Path, tuple[IPv4Network, str]] = {k: (v, f"{dotted(k)} ({v})") for k, v in pools.items()}
    others[("site", "management", "network")] = (mgmt, f"the management network site.management.network ({mgmt})")
    for field in ("cluster_network", "service_network"):
        net: IPv4Network = getattr(platform, field)
        hit = [text for other, text in others.values() if net.overlaps(other)]
        if hit:
            p.add(
                ("platform", field),
                f"{field} {net} overlaps {', '.join(hit)}; pod and service routes would shadow "
                f"{'them' if len(hit) > 1 else 'it'}: choose a private range that no fabric pool and not "
                "the management network uses",
            )
    if platform.cluster_network.overlaps(platform.service_network):
        p.add(
            ("platform", "service_network"),
            f"service_network {platform.service_network} overlaps cluster_network {platform.cluster_network}; "
            "they must be disjoint",
        )
    for path, address in servers(spec):
        for field in ("cluster_network", "service_network"):
            net = getattr(platform, field)
            if address in net:
                p.add(
                    path,
                    f"{address} is inside platform.{field} ({net}), which OpenShift routes inside the cluster, "
                    "so nodes and pods could not reach the server; give its address outside that network",
                )
    hosts = spec.fabrics.frontend.addressing.hosts
    free = f"{hosts.network_address + nodes}-{hosts.broadcast_address}" if nodes < hosts.num_addresses else None
    where = (
        f"an address of the load balancer's own network, or of fabrics.frontend.addressing.hosts above the "
        f"{nodes} node addresses ({free})"
        if free
        else "an address of the load balancer's own network"
    )
    blocked = [v for k, v in others.items() if k != ("fabrics", "frontend", "addressing", "hosts")]
    for f in ("cluster_network", "service_network"):
        blocked.append((getattr(platform, f), f"platform.{f} ({getattr(platform, f)})"))
    for field in ("api_vip", "ingress_vip"):
        vip: IPv4Address = getattr(platform, field)
        hit = [text for net, text in blocked if vip in net]
        if hit:
            p.add(("platform", field), f"{field} {vip} is inside {' and '.join(hit)}; the VIP belongs on {where}")
