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

    phys = {(d.name, i.name): i.physical_port for d in devices.values() for i in d.interfaces}
    optics: Counter[tuple[str, int]] = Counter()
    seen_ports: set[tuple[str, int]] = set()
    cables: Counter[tuple[str, str]] = Counter()
    for link in links:
        cables[(link.cable, f"{link.speed_gbps}G {link.reach}")] += 1
        if link.reach == "DAC" or link.kind in ("mgmt", "oob-uplink"):
            continue
        for dev, ifname, optic, gbps in (
            (link.a_device, link.a_interface, link.a_optic, link.a_port_gbps),
            (link.b_device, link.b_interface, link.b_optic, link.b_port_gbps),
        ):
            if dev in devices:
                key = (dev, phys[(dev, ifname)])
                if key in seen_ports:
                    continue
                seen_ports.add(key)
            optics[(optic, gbps)] += 1
    for (optic, speed), count in sorted(optics.items()):
        lines.append(BomLine("optic", optic, count, "", speed))
    for (cable, detail), count in sorted(cables.items()):
        lines.append(BomLine("cable", cable, count, detail))
    return lines
