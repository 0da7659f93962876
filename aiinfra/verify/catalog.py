"""The per-device acceptance catalog, built from the Design alone.

One plain dict per switch (written as ``verify/<device>.yml`` by the render artefact), so
the CLI, the playbook and the lab read the same expectations:

- ``lldp``: for every cabled fabric or host port, the neighbour device and port the
  cabling plan puts at its far end (management and BMC ports are left out: BMCs and
  many management NICs do not speak LLDP);
- ``bgp``: every designed session with the peer's ASN and a received-prefix range:
  at least what the peer itself originates, at most every prefix of the fabric that
  this device does not originate alone (eBGP's AS-path check drops its own);
- ``interfaces``: every enabled, cabled port at the designed speed and MTU;
- ``qos`` (RoCE fabrics): PFC on the no-drop priority only, watchdog armed, ECN on the
  RoCE queue, and the lossless ports it must hold on;
- ``counters`` and ``optics``: which ports, against ``thresholds``.

Most of a catalog is the device's own record. Four facts are not: the fabric's prefix
count, the prefixes only this device originates, each BGP peer's own prefix count and the
reach of the cable at each port. :class:`Peers` gathers them in one pass over the Design,
so rendering 6,000 catalogs reads each fact once (``aiinfra.verify.yamltext`` writes
the same catalog straight to YAML text for the render).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiinfra.design.model import Design, Device, Interface, InterfaceRole
from aiinfra.verify import thresholds

LLDP_ROLES = frozenset({InterfaceRole.HOST, InterfaceRole.UPLINK, InterfaceRole.DOWNLINK, InterfaceRole.OOB_UPLINK})
FOLDER = "verify"

# (address, interface, peer, peer ASN, prefixes_min, prefixes_max) of one BGP session
BgpRow = tuple[str, str, str, int, int, int]


@dataclass(frozen=True)
class Peers:
    """What a device's catalog reads beyond its own record, for every device of the Design."""

    prefixes: Mapping[str, int]  # fabric -> distinct prefixes its devices originate
    sole: Mapping[str, int]  # device -> prefixes of its fabric that it alone originates
    networks: Mapping[str, int]  # device with BGP -> distinct prefixes it originates
    optical: Mapping[str, frozenset[str]]  # device -> its ports whose cable carries optics (DOM)

    @classmethod
    def of(cls, design: Design) -> Peers:
        owners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        networks: dict[str, int] = {}
        for device in design.devices.values():
            if device.bgp is not None:
                mine = set(device.bgp.networks)
                networks[device.name] = len(mine)
                fabric = owners[device.fabric]
                for prefix in mine:
                    fabric[prefix].add(device.name)
        sole: dict[str, int] = defaultdict(int)
        for fabric in owners.values():
            for who in fabric.values():
                if len(who) == 1:
                    sole[next(iter(who))] += 1
        optical: dict[str, set[str]] = defaultdict(set)
        for link in design.links:  # a port's last link decides, as a (device, port) -> reach table would
            a, b = optical[link.a_device], optical[link.b_device]
            if link.reach in thresholds.NO_DOM_REACHES:
                a.discard(link.a_interface)
                b.discard(link.b_interface)
            else:
                a.add(link.a_interface)
                b.add(link.b_interface)
        return cls(
            {f: len(p) for f, p in owners.items()},
            dict(sole),
            networks,
            {name: frozenset(ports) for name, ports in optical.items()},
        )


def cabled(device: Device) -> list[Interface]:
    """The enabled ports with something designed at the far end: what the catalog checks."""
    return [i for i in device.interfaces if i.enabled and i.peer_device and i.role != InterfaceRole.UNUSED]


def lldp_ports(ports: list[Interface]) -> list[Interface]:
    """The cabled ports whose neighbour speaks LLDP (fabric, host and OOB-uplink ports)."""
    return [i for i in ports if i.role in LLDP_ROLES and i.peer_interface]


def bgp_rows(device: Device, peers: Peers) -> list[BgpRow]:
    """Every designed session with the peer's ASN and the received-prefix range."""
    if device.bgp is None:
        return []
    most = peers.prefixes.get(device.fabric, 0) - peers.sole.get(device.name, 0)
    return [
        (n.address, n.interface, n.peer_device, n.remote_asn, min(peers.networks.get(n.peer_device, 1), most), most)
        for n in device.bgp.neighbors
    ]


def optical(device: Device, peers: Peers) -> frozenset[str]:
    """The device's ports with optics to read (copper has no DOM; a port without a link neither)."""
    return peers.optical.get(device.name, frozenset())


def ecn_queues(device: Device) -> list[int]:
    assert device.qos is not None
    return sorted(c.tc for c in device.qos.classes if c.ecn)


def device_catalog(device: Device, peers: Peers) -> dict[str, Any]:
    """The catalog of one device."""
    ports = cabled(device)
    out: dict[str, Any] = {"device": device.name, "os": device.os, "os_release": device.os_release}
    out["lldp"] = [
        {"port": i.name, "neighbor": i.peer_device, "neighbor_port": i.peer_interface} for i in lldp_ports(ports)
    ]
    out["bgp"] = [
        {"address": a, "interface": i, "peer": p, "asn": asn, "prefixes_min": least, "prefixes_max": most}
        for a, i, p, asn, least, most in bgp_rows(device, peers)
    ]
    out["interfaces"] = [{"port": i.name, "speed_gbps": i.speed_gbps, "mtu": i.mtu} for i in ports]
    if device.qos is not None:
        out["qos"] = {
            "pfc_priorities": [device.qos.nodrop_priority],
            "pfc_watchdog": device.qos.pfc_watchdog.enabled,
            "ecn_queues": ecn_queues(device),
            "lossless_ports": [i.name for i in ports if i.lossless],
        }
    out["counters"] = {
        "ports": [i.name for i in ports],
        "max_fcs": thresholds.MAX_FCS_ERRORS,
        "max_symbol": thresholds.MAX_SYMBOL_ERRORS,
        "max_fec_uncorrectable": thresholds.MAX_FEC_UNCORRECTABLE,
    }
    out["optics"] = {
        "ports": [i.name for i in ports if i.name in optical(device, peers)],
        "rx_margin_db": thresholds.RX_MARGIN_DB,
        "max_temperature_c": thresholds.MAX_MODULE_TEMP_C,
    }
    return out


def catalogs(design: Design) -> dict[str, dict[str, Any]]:
    """Every switch's catalog, by device name, in the Design's device order."""
    peers = Peers.of(design)
    return {name: device_catalog(d, peers) for name, d in design.devices.items()}


def artefact(design: Design) -> dict[str, str]:
    """``verify/<device>.yml`` for every switch, ANTA's catalog for every EOS one, and
    ``verify/perf.yml``, the performance acceptance plan (the render artefact).

    The catalogs and the plan are written straight to YAML (``yamltext``: the bytes
    ``yamlout`` writes for their dicts, tested) without building 6,000 dicts first; ANTA's
    catalog is built from the dict, for the EOS switches only.
    """
    from aiinfra.verify import anta, yamltext

    peers, s = Peers.of(design), yamltext.Scalars()
    files = {f"{FOLDER}/{name}.yml": yamltext.device_yaml(d, peers, s) for name, d in design.devices.items()}
    files |= anta.files({name: device_catalog(d, peers) for name, d in design.devices.items() if d.os == "eos"})
    files[f"{FOLDER}/perf.yml"] = yamltext.plan_yaml(design)
    return files
