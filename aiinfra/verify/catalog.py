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
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiinfra.design.model import Design, Device, InterfaceRole
from aiinfra.render import yamlout
from aiinfra.verify import thresholds

LLDP_ROLES = frozenset({InterfaceRole.HOST, InterfaceRole.UPLINK, InterfaceRole.DOWNLINK, InterfaceRole.OOB_UPLINK})
FOLDER = "verify"


def _originators(design: Design) -> dict[str, dict[str, set[str]]]:
    """fabric -> prefix -> the devices that originate it."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for device in design.devices.values():
        if device.bgp is not None:
            for prefix in device.bgp.networks:
                out[device.fabric][prefix].add(device.name)
    return out


def _reaches(design: Design) -> dict[tuple[str, str], str]:
    """(device, interface) -> the reach of the cable plugged there."""
    out: dict[tuple[str, str], str] = {}
    for link in design.links:
        out[(link.a_device, link.a_interface)] = link.reach
        out[(link.b_device, link.b_interface)] = link.reach
    return out


def device_catalog(
    design: Design,
    device: Device,
    originators: dict[str, dict[str, set[str]]] | None = None,
    reaches: dict[tuple[str, str], str] | None = None,
    sole: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """The catalog of one device (pass ``originators``/``reaches``/``sole`` when building many)."""
    originators = _originators(design) if originators is None else originators
    reaches = _reaches(design) if reaches is None else reaches
    fabric = originators.get(device.fabric, {})
    sole_here = sole.get(device.fabric) if sole is not None else None
    cabled = [i for i in device.interfaces if i.enabled and i.peer_device and i.role != InterfaceRole.UNUSED]
    out: dict[str, Any] = {"device": device.name, "os": device.os, "os_release": device.os_release}
    out["lldp"] = [
        {"port": i.name, "neighbor": i.peer_device, "neighbor_port": i.peer_interface}
        for i in cabled
        if i.role in LLDP_ROLES and i.peer_interface
    ]
    out["bgp"] = _bgp(design, device, fabric, sole_here)
    out["interfaces"] = [{"port": i.name, "speed_gbps": i.speed_gbps, "mtu": i.mtu} for i in cabled]
    if device.qos is not None:
        q = device.qos
        out["qos"] = {
            "pfc_priorities": [q.nodrop_priority],
            "pfc_watchdog": q.pfc_watchdog.enabled,
            "ecn_queues": sorted(c.tc for c in q.classes if c.ecn),
            "lossless_ports": [i.name for i in cabled if i.lossless],
        }
    out["counters"] = {
        "ports": [i.name for i in cabled],
        "max_fcs": thresholds.MAX_FCS_ERRORS,
        "max_symbol": thresholds.MAX_SYMBOL_ERRORS,
        "max_fec_uncorrectable": thresholds.MAX_FEC_UNCORRECTABLE,
    }
    out["optics"] = {
        "ports": [i.name for i in cabled if reaches.get((device.name, i.name), "DAC") not in thresholds.NO_DOM_REACHES],
        "rx_margin_db": thresholds.RX_MARGIN_DB,
        "max_temperature_c": thresholds.MAX_MODULE_TEMP_C,
    }
    return out


def _sole_origins(prefixes: dict[str, set[str]]) -> dict[str, int]:
    """device -> how many of the fabric's prefixes it alone originates."""
    out: dict[str, int] = defaultdict(int)
    for owners in prefixes.values():
        if len(owners) == 1:
            out[next(iter(owners))] += 1
    return out


def _bgp(
    design: Design, device: Device, prefixes: dict[str, set[str]], sole: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    if device.bgp is None:
        return []
    sole = _sole_origins(prefixes) if sole is None else sole
    most = len(prefixes) - sole.get(device.name, 0)
    rows = []
    for n in device.bgp.neighbors:
        peer = design.devices.get(n.peer_device)
        least = len(set(peer.bgp.networks)) if peer is not None and peer.bgp is not None else 1
        rows.append(
            {
                "address": n.address,
                "interface": n.interface,
                "peer": n.peer_device,
                "asn": n.remote_asn,
                "prefixes_min": min(least, most),
                "prefixes_max": most,
            }
        )
    return rows


def catalogs(design: Design) -> dict[str, dict[str, Any]]:
    """Every switch's catalog, by device name, in the Design's device order."""
    originators, reaches = _originators(design), _reaches(design)
    sole = {fabric: _sole_origins(prefixes) for fabric, prefixes in originators.items()}
    return {name: device_catalog(design, d, originators, reaches, sole) for name, d in design.devices.items()}


def artefact(design: Design) -> dict[str, str]:
    """``verify/<device>.yml`` for every switch, ANTA's catalog for every EOS one, and
    ``verify/perf.yml``, the performance acceptance plan (the render artefact)."""
    from aiinfra.verify import anta, perf

    every = catalogs(design)
    files = {f"{FOLDER}/{name}.yml": yamlout.dump(c) for name, c in every.items()} | anta.files(every)
    files[f"{FOLDER}/perf.yml"] = yamlout.dump(perf.plan(design))
    return files
