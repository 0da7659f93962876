"""Blast radius: what loses a path while one device's change is applied.

It follows the batches of ``playbooks/switches.yml`` (imported by ``site.yml``): OOB
switches one at a time (management only), spines and super-spines one at a time (every
leaf keeps its other uplinks: capacity, not reachability), front-end and storage leaves
one at a time (a dual-homed node keeps its other leaf), and back-end leaves one rail at
a time, so the leaves of one rail with changes go down together and every GPU on that
rail in their SUs loses its NIC's only path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiinfra.design.model import Design


@dataclass
class Blast:
    """Who loses a path while a batch is applied, and in which batch the device goes."""

    batch: str
    rails: list[int] = field(default_factory=list)
    sus: list[int] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    gpus: int = 0
    effect: str = ""


def blast_radius(design: Design, device: str, changed: set[str]) -> Blast:
    """The blast radius of applying ``device`` (one of ``changed``) in its rollout batch."""
    d = design.devices.get(device)
    if d is None:
        return Blast("removed", effect="device removed from the design: decommission by hand")
    attached = sorted({i.peer_device for i in d.interfaces if i.role == "host" and i.peer_device})
    if d.role == "oob":
        managed = sorted({i.peer_device for i in d.interfaces if i.role == "oob-access" and i.peer_device})
        return Blast(
            "oob, one at a time",
            nodes=[n for n in managed if n in _nodes(design)],
            effect=f"management access of {len(managed)} devices; no data path",
        )
    if d.role in ("spine", "super-spine"):
        peers = sorted({i.peer_device for i in d.interfaces if i.role == "downlink" and i.peer_device})
        lower = [design.devices[p] for p in peers if p in design.devices]
        rails = sorted({r for x in lower if (r := x.rail) is not None})
        sus = sorted({s for x in lower if (s := x.su) is not None})
        return Blast(
            f"{d.role}s, one at a time",
            rails=rails,
            sus=sus,  # type: ignore[arg-type]
            effect=f"{len(peers)} switches lose one uplink path (capacity only)",
        )
    if d.fabric != "backend" or d.rail is None:
        return Blast(
            f"{d.fabric} leaves, one at a time", nodes=attached, effect=f"{len(attached)} nodes lose one of two uplinks"
        )
    batch = sorted(
        name
        for name in changed
        if name in design.devices and design.devices[name].rail == d.rail and design.devices[name].role == "leaf"
    )
    nodes = sorted(
        {i.peer_device for name in batch for i in design.devices[name].interfaces if i.role == "host" and i.peer_device}
    )
    sus = sorted({su for name in batch if (su := design.devices[name].su) is not None})
    return Blast(
        f"rail {d.rail} leaves together",
        rails=[d.rail],
        sus=sus,
        nodes=nodes,  # type: ignore[arg-type]
        gpus=len(nodes),
        effect=f"{len(nodes)} GPUs (one per node, rail {d.rail}) lose their only path",
    )


def _nodes(design: Design) -> set[str]:
    return {n.name for n in design.nodes}
