"""Bill of materials: switches, servers, optics and cables by type.

A broken-out switch port holds one twin-port optic for all its members, so
switch-side optics are counted per physical port; node-side optics per link.
A DAC is a cable with no optics.
"""

from __future__ import annotations

from collections import Counter

from aiinfra.catalog import Catalog
from aiinfra.design.model import BomLine, Device, Link, Node

__all__ = ["BomLine", "bill_of_materials"]


def bill_of_materials(
    devices: dict[str, Device], links: list[Link], nodes: list[Node], catalog: Catalog
) -> list[BomLine]:
    lines: list[BomLine] = []
    switches = Counter((d.model, d.os) for d in devices.values())
    for (model, os), count in sorted(switches.items()):
        m = catalog.switches[model]
        lines.append(
            BomLine("switch", f"{m.vendor} {m.model}", count, f"{catalog.os[os].name} {catalog.os[os].release}")
        )
    servers = Counter(n.model for n in nodes)
    for model, count in sorted(servers.items()):
        s = catalog.servers[model]
        lines.append(BomLine("server", f"{s.vendor} {s.model}", count, f"{s.gpus}x {s.gpu}"))

    # Counted on the links' own fields and formatted once per kind: 470k cables at 131k GPUs.
    by_kind = Counter((link.cable, link.speed_gbps, link.reach) for link in links)
    cables: Counter[tuple[str, str]] = Counter()
    for (cable, speed, reach), count in by_kind.items():
        cables[(cable, f"{speed}G {reach}")] += count
    optics = _optics(devices, links)
    for (optic, speed), count in sorted(optics.items()):
        lines.append(BomLine("optic", optic, count, "", speed))
    for (cable, detail), count in sorted(cables.items()):
        lines.append(BomLine("cable", cable, count, detail))
    return lines


NO_OPTICS = ("mgmt", "oob-uplink")  # the OOB network's cables: no optics counted


def _optics(devices: dict[str, Device], links: list[Link]) -> Counter[tuple[str, int]]:
    """(optic, module line rate) -> count: one per node end, one per switch physical port.

    A switch port's optic is the one of the first cable (in link order) that uses it; its
    other breakout members' cables share that module. One pass over 470k cables at 131k
    GPUs with both ends written out (a call per end cost a tenth of the pass): a switch's
    ports are indexed when first met, and each module's optic is listed, then all counted at once.
    """
    modules: list[tuple[str, int]] = []  # one optic each: a node end, or a switch port's first cable
    ports: dict[str, _Ports | None] = {}  # switch -> its ports; a node (no switch) -> None

    for link in links:
        if link.reach == "DAC" or link.kind in NO_OPTICS:
            continue
        name = link.a_device
        known = ports[name] if name in ports else _ports(ports, devices, name)
        if known is None:
            modules.append((link.a_optic, link.a_port_gbps))
        elif (physical := known[0][link.a_interface]) not in known[1]:  # else: a member of a module counted
            known[1].add(physical)
            modules.append((link.a_optic, link.a_port_gbps))
        name = link.b_device
        known = ports[name] if name in ports else _ports(ports, devices, name)
        if known is None:
            modules.append((link.b_optic, link.b_port_gbps))
        elif (physical := known[0][link.b_interface]) not in known[1]:
            known[1].add(physical)
            modules.append((link.b_optic, link.b_port_gbps))
    return Counter(modules)


_Ports = tuple[dict[str, int], set[int]]  # a switch's interface -> physical port, and the ports counted


def _ports(ports: dict[str, _Ports | None], devices: dict[str, Device], name: str) -> _Ports | None:
    """Index switch ``name``'s ports on first meeting it (None: not a switch, a node)."""
    device = devices.get(name)
    entry = ports[name] = None if device is None else ({i.name: i.physical_port for i in device.interfaces}, set())
    return entry
