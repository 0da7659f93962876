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
    GPUs; a switch's ports are indexed when first met.
    """
    optics: Counter[tuple[str, int]] = Counter()
    ports: dict[str, tuple[dict[str, int], set[int]]] = {}  # switch -> (interface -> physical port, ports counted)

    def count(device: str, interface: str, optic: str, gbps: int) -> None:
        if device in devices:
            known = ports.get(device) or _ports(ports, devices[device])
            physical = known[0][interface]
            if physical in known[1]:
                return  # a breakout member of a module already counted
            known[1].add(physical)
        optics[optic, gbps] += 1

    for link in links:
        if link.reach == "DAC" or link.kind in NO_OPTICS:
            continue
        count(link.a_device, link.a_interface, link.a_optic, link.a_port_gbps)
        count(link.b_device, link.b_interface, link.b_optic, link.b_port_gbps)
    return optics


def _ports(ports: dict[str, tuple[dict[str, int], set[int]]], device: Device) -> tuple[dict[str, int], set[int]]:
    entry = ports[device.name] = ({i.name: i.physical_port for i in device.interfaces}, set())
    return entry
