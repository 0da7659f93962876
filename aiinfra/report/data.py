"""The device and cabling data the report's pages lay out in the browser, as one JSON blob.

At 32k GPUs the Design holds ~186k switch ports, ~134k BGP sessions and ~118k cables: one
HTML page per device would be hundreds of MB. Instead the page carries this blob and its
script lays out a device page or the cabling table on demand. To keep it small (a few MB
at 32k), nothing is stored twice:

* every repeated string (names, interface names, roles, optics) is stored once in ``s``
  and referred to by index (-1: none);
* a port's settings that many ports share (role, speed, mode, MTU, PFC, headroom profile,
  prefix length) are one row of ``port_kinds``;
* a port's IPv4 address is a difference from the previous addressed port of the device
  (consecutive /31s differ by 2); the peer's address is omitted where it is the other
  half of a /31;
* a BGP session on a port names the port (address and peer are the port's; the remote
  ASN is omitted where it is the peer switch's own);
* a cable names the switch port it lands on (which names both ends) and one of the few
  distinct ``cable_types``.

Rows (``columns`` in the blob names them, and ``report.js`` reads them by those names):

* ``devices``: ``DEVICE_COLUMNS`` + ``ports`` + ``bgp``, in Design order;
* a port: ``[name_s, kind, peer_s, peer_if_s, address_delta?, peer_address_s?]``;
* a BGP session: ``[port, group_s, bfd, remote_asn?]`` or ``[-1, group_s, bfd, remote_asn, address_s, peer_s, if_s]``;
* a cable: ``[device, port, type]`` or ``[-1, type, a_s, a_if_s, b_s, b_if_s]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from socket import AF_INET, inet_pton
from typing import Any

from aiinfra.design.model import BgpNeighbor, Design, Device, Interface, Link

DEVICE_COLUMNS = (
    "name_s",
    "fabric_s",
    "role_s",
    "model_s",
    "os_s",
    "release_s",
    "mgmt_s",
    "loopback_s",
    "asn",
    "router_id_s",
    "su",
    "rail",
    "pod",
    "plane",
    "load_balancing_s",
    "mtu",
    "configs",
    "qos_s",
    "power_w",
)
PORT_KIND_COLUMNS = ("role_s", "speed_gbps", "mode_s", "mtu", "enabled", "lossless", "headroom", "bfd", "prefix")
CABLE_TYPE_COLUMNS = (
    "fabric_s",
    "kind_s",
    "speed_gbps",
    "length_m",
    "reach_s",
    "cable_s",
    "a_optic_s",
    "b_optic_s",
)
HEADROOM_COLUMNS = ("name", "xoff_bytes", "size_bytes", "floor_bytes", "xon_bytes", "basis", "cable_m", "speed_gbps")


class _Interned:
    """Values numbered in first-use order (Design order, so the numbering is stable)."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        if value is None:
            return -1
        index = self.index
        return index.setdefault(value, len(index))

    def rows(self) -> list[Any]:
        return [list(k) if isinstance(k, tuple) else k for k in self.index]


def _ipv4(address: str) -> tuple[int, int] | None:
    """``"10.0.0.4/31"`` -> (the address as an integer, 31); None for anything else (IPv6, a name).

    ``inet_pton`` is strict (a dotted quad, nothing else) and runs in C: 175k ports at 32k.
    """
    ip, _, prefix = address.partition("/")
    try:
        value = int.from_bytes(inet_pton(AF_INET, ip), "big")
    except OSError:
        return None
    return (value, int(prefix)) if prefix.isdigit() else None


def _ipv4_value(address: str | None) -> int | None:
    if address is None:
        return None
    try:
        return int.from_bytes(inet_pton(AF_INET, address), "big")
    except OSError:
        return None


class _Encoder:
    def __init__(self, design: Design, config_href: Callable[[Device], list[str]]) -> None:
        self.design = design
        self.config_href = config_href
        self.s = _Interned()
        self.kinds = _Interned()
        self.headroom = _Interned()
        self.types = _Interned()
        self.where: dict[str, int] = {}
        self.port_at: list[dict[str, int]] = []

    def device(self, d: Device) -> list[object]:
        s = self.s
        self.where[d.name] = len(self.where)
        index: dict[str, int] = {}
        ports = []
        previous = 0
        for n, i in enumerate(d.interfaces):
            index[i.name] = n
            row, previous = self.port(i, previous)
            ports.append(row)
        self.port_at.append(index)
        bgp = [self.session(n, d, index) for n in d.bgp.neighbors] if d.bgp else []
        return [
            s(d.name),
            s(d.fabric),
            s(d.role),
            s(d.model),
            s(d.os),
            s(d.os_release),
            s(d.mgmt_address),
            s(d.loopback),
            d.bgp.asn if d.bgp else None,
            s(d.bgp.router_id) if d.bgp else -1,
            d.su,
            d.rail,
            d.pod,
            d.plane,
            s(d.load_balancing),
            d.switch_mtu,
            self.config_href(d),
            s(d.fabric if d.qos else None),
            d.power_w,
            ports,
            bgp,
        ]

    def port(self, i: Interface, previous: int) -> tuple[list[object], int]:
        s = self.s
        parsed = _ipv4(i.address) if i.address else None
        h = i.headroom
        profile = -1
        if h is not None:
            profile = self.headroom(
                (h.name, h.bytes, h.size_bytes, h.floor_bytes, h.xon_bytes, h.basis, h.cable_m, h.speed_gbps)
            )
        kind = self.kinds(
            (
                s(i.role),
                i.speed_gbps,
                s(i.mode),
                i.mtu,
                int(i.enabled),
                int(i.lossless),
                profile,
                int(i.bfd),
                parsed[1] if parsed else -1,
            )
        )
        row: list[object] = [s(i.name), kind, s(i.peer_device), s(i.peer_interface)]
        if parsed is not None:
            row.append(parsed[0] - previous)
            previous = parsed[0]
            if parsed[1] != 31 or _ipv4_value(i.peer_address) != parsed[0] ^ 1:
                row.append(s(i.peer_address))
        elif i.address is not None or i.peer_address is not None:
            row += [s(i.address), s(i.peer_address)]  # not IPv4: spelled out (string indices, not a delta)
        return row, previous

    def session(self, n: BgpNeighbor, d: Device, index: dict[str, int]) -> list[object]:
        s = self.s
        at = index.get(n.interface)
        if at is not None:
            i = d.interfaces[at]
            if i.peer_device == n.peer_device and i.peer_address == n.address:
                peer = self.design.devices.get(n.peer_device)
                if peer is not None and peer.bgp is not None and peer.bgp.asn == n.remote_asn:
                    return [at, s(n.peer_group), int(n.bfd)]
                return [at, s(n.peer_group), int(n.bfd), n.remote_asn]
        return [-1, s(n.peer_group), int(n.bfd), n.remote_asn, s(n.address), s(n.peer_device), s(n.interface)]

    def cable(self, link: Link) -> list[int]:
        s = self.s
        kind = self.types(
            (
                s(link.fabric),
                s(link.kind),
                link.speed_gbps,
                link.length_m,
                s(link.reach),
                s(link.cable),
                s(link.a_optic),
                s(link.b_optic),
            )
        )
        at = self.where.get(link.b_device)
        if at is not None:
            port = self.port_at[at].get(link.b_interface)
            if port is not None:
                i = self.design.devices[link.b_device].interfaces[port]
                if i.peer_device == link.a_device and i.peer_interface == link.a_interface:
                    return [at, port, kind]
        return [-1, kind, s(link.a_device), s(link.a_interface), s(link.b_device), s(link.b_interface)]


def device_blob(design: Design, config_href: Callable[[Device], list[str]]) -> dict[str, Any]:
    """The blob as plain data; ``config_href`` gives a device's config files as links from the report."""
    enc = _Encoder(design, config_href)
    devices = [enc.device(d) for d in design.devices.values()]
    cables = [enc.cable(link) for link in design.links]
    return {
        "version": 1,
        "columns": {
            "device": [*DEVICE_COLUMNS, "ports", "bgp"],
            "port_kind": list(PORT_KIND_COLUMNS),
            "cable_type": list(CABLE_TYPE_COLUMNS),
            "headroom": list(HEADROOM_COLUMNS),
        },
        "s": enc.s.rows(),
        "port_kinds": enc.kinds.rows(),
        "headroom": enc.headroom.rows(),
        "cable_types": enc.types.rows(),
        "devices": devices,
        "cables": cables,
        "qos": {
            fabric: {"nodrop_priority": q.nodrop_priority, "roce_dscps": list(q.roce_dscps), "ecn": q.ecn.mode}
            for fabric, q in sorted(design.qos.items())
        },
    }


def blob_json(blob: dict[str, Any]) -> str:
    """Compact JSON that is safe inside ``<script type="application/json">``: no ``<`` at all
    (``\\u003c``), so no spec text can close the element or open a comment."""
    return json.dumps(blob, separators=(",", ":"), ensure_ascii=True).replace("<", "\\u003c")
