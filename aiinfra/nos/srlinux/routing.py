"""eBGP underlay, its policies, BFD and static routes of an SR Linux 25.3.1 config, as data.

SR Linux has no ``network`` statement: BGP advertises what its export policy accepts from
the route table. ``aiinfra-export`` accepts the Design's originated networks (a prefix-set,
exact lengths) and the routes BGP learned (a spine passes its leaves' prefixes on), and
rejects the rest; ``aiinfra-import`` accepts what the fabric peers send. Without them
SR Linux's ``ebgp-default-policy`` (import/export-reject-all) would keep every eBGP session
silent. One BGP group per Design peer group; ``peer-as`` on the group when its members share
an ASN, else on each neighbor. ``multipath`` ``allow-multiple-as`` is the Design's
multipath-relax, ``ebgp maximum-paths`` its path count. BFD runs on every subinterface
with a BFD neighbor, with the Design's timers in microseconds (srl_nokia-bfd), and the
groups use it through ``failure-detection enable-bfd``.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Bgp, Device
from aiinfra.nos.srlinux import units
from aiinfra.nos.srlinux.interfaces import subinterface_name

EXPORT = "aiinfra-export"
IMPORT = "aiinfra-import"
ORIGINATED = "aiinfra-originated"
IPV4 = "srl_nokia-common:ipv4-unicast"
STATIC_PREFIX = "static-"


def _groups(bgp: Bgp) -> list[dict[str, Any]]:
    out = []
    for name in sorted(bgp.peer_groups):
        members = [n for n in bgp.neighbors if n.peer_group == name]
        group: dict[str, Any] = {
            "group-name": name,
            "export-policy": [EXPORT],
            "import-policy": [IMPORT],
            "afi-safi": [{"afi-safi-name": IPV4, "admin-state": "enable"}],
        }
        asn = bgp.peer_groups[name]
        if asn is not None:
            group["peer-as"] = asn
        if members and all(n.bfd for n in members):
            group["failure-detection"] = {"enable-bfd": True, "fast-failover": True}
        out.append(group)
    return out


def _neighbors(bgp: Bgp) -> list[dict[str, Any]]:
    out = []
    for n in sorted(bgp.neighbors, key=lambda n: tuple(int(o) for o in n.address.split("."))):
        entry: dict[str, Any] = {"peer-address": n.address, "peer-group": n.peer_group, "description": n.peer_device}
        shared = bgp.peer_groups.get(n.peer_group)
        if shared is None:
            entry["peer-as"] = n.remote_asn
        members = [m for m in bgp.neighbors if m.peer_group == n.peer_group]
        if n.bfd and not all(m.bfd for m in members):
            entry["failure-detection"] = {"enable-bfd": True, "fast-failover": True}
        out.append(entry)
    return out


def bgp(device: Device) -> dict[str, Any]:
    """``protocols`` of the default network-instance: the BGP instance."""
    b = device.bgp
    if b is None:
        return {}
    instance: dict[str, Any] = {
        "admin-state": "enable",
        "autonomous-system": b.asn,
        "router-id": b.router_id,
        "afi-safi": [
            {
                "afi-safi-name": IPV4,
                "admin-state": "enable",
                "multipath": {"allow-multiple-as": b.multipath_relax, "ebgp": {"maximum-paths": b.maximum_paths}},
            }
        ],
        "group": _groups(b),
        "neighbor": _neighbors(b),
    }
    return {"srl_nokia-bgp:bgp": instance}


def routing_policy(device: Device) -> dict[str, Any]:
    """The prefix-set of the originated networks and the two fabric policies."""
    b = device.bgp
    if b is None:
        return {}
    statements: list[dict[str, Any]] = []
    prefix_sets: list[dict[str, Any]] = []
    if b.networks:
        prefix_sets.append(
            {
                "name": ORIGINATED,
                "prefix": [{"ip-prefix": p, "mask-length-range": "exact"} for p in b.networks],
            }
        )
        statements.append(
            {
                "name": "originated",
                "match": {"prefix": {"prefix-set": ORIGINATED}},
                "action": {"policy-result": "accept"},
            }
        )
    statements.append(
        {"name": "learned", "match": {"protocol": "srl_nokia-common:bgp"}, "action": {"policy-result": "accept"}}
    )
    out: dict[str, Any] = {
        "policy": [
            {"name": EXPORT, "default-action": {"policy-result": "reject"}, "statement": statements},
            {"name": IMPORT, "default-action": {"policy-result": "accept"}},
        ]
    }
    if prefix_sets:
        out["prefix-set"] = prefix_sets
    return out


def static_routes(device: Device) -> dict[str, Any]:
    """The Design's static routes of the default network-instance, each through a one-hop group."""
    if not device.static_routes:
        return {}
    groups: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    for r in device.static_routes:
        name = STATIC_PREFIX + r.next_hop
        if name not in {g["name"] for g in groups}:
            groups.append({"name": name, "nexthop": [{"index": 0, "ip-address": r.next_hop}]})
        routes.append({"prefix": r.prefix, "next-hop-group": name})
    return {
        "srl_nokia-next-hop-groups:next-hop-groups": {"group": groups},
        "srl_nokia-static-routes:static-routes": {"route": routes},
    }


def bfd(device: Device) -> dict[str, Any]:
    """A BFD session template on each subinterface that carries a BFD neighbor."""
    b = device.bgp
    if b is None:
        return {}
    names = sorted({n.interface for n in b.neighbors if n.bfd})
    interval = units.bfd_interval_us(b.bfd_interval_ms)
    return {
        "subinterface": [
            {
                "id": subinterface_name(name),
                "admin-state": "enable",
                "desired-minimum-transmit-interval": interval,
                "required-minimum-receive": interval,
                "detection-multiplier": b.bfd_multiplier,
            }
            for name in names
        ]
    }
