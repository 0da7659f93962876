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
    phys: dict[str, dict[str, int]] = {}  # switch -> interface -> physical port, built when first needed
    optics: Counter[tuple[str, int]] = Counter()
    seen_ports: set[tuple[str, int]] = set()
    for link in links:
        if link.reach == "DAC" or link.kind in ("mgmt", "oob-uplink"):
            continue
        for dev, ifname, optic, gbps in (
            (link.a_device, link.a_interface, link.a_optic, link.a_port_gbps),
            (link.b_device, link.b_interface, link.b_optic, link.b_port_gbps),
        ):
            if dev in devices:
                ports = phys.get(dev)
                if ports is None:
                    ports = phys[dev] = {i.name: i.physical_port for i in devices[dev].interfaces}
                key = (dev, ports[ifname])
                if key in seen_ports:
                    continue
                seen_ports.add(key)
            optics[(optic, gbps)] += 1
    for (optic, speed), count in sorted(optics.items()):
        lines.append(BomLine("optic", optic, count, "", speed))
    for (cable, detail), count in sorted(cables.items()):
        lines.append(BomLine("cable", cable, count, detail))
    return lines
