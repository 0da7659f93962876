"""Advice on a valid spec: a design that renders, but is probably not what was meant.

Advice never stops a render (the spec is valid and the vendors accept the output); it is
printed as a warning at the spec line it concerns, and it is a ``warning`` result in
``validate --format json|sarif``. The first case is the one a new user meets first: a
cluster of a few nodes gets a full rail-optimized fabric, leaf per rail plus spines, whose
switches draw more power than the GPUs they connect.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.errors import Path
from aiinfra.spec.model import ClusterSpec

SMALL_CLUSTER_NODES = 4  # up to here one 64-port switch (back-end) and one pair (front-end) carry every port


def advice(spec: ClusterSpec, catalog: Catalog, design: Design) -> list[tuple[Path, str]]:
    """(spec field path, message) for each piece of advice, in a stable order."""
    out: list[tuple[Path, str]] = []
    out += _small_cluster(spec, catalog, design)
    return out


def _small_cluster(spec: ClusterSpec, catalog: Catalog, design: Design) -> list[tuple[Path, str]]:
    nodes = len(design.nodes)
    fabric = [d for d in design.devices.values() if d.fabric != "oob"]
    if not nodes or nodes > SMALL_CLUSTER_NODES or len(fabric) <= nodes:
        return []
    switch_w = sum(d.power_w for d in fabric)
    node_w = nodes * catalog.servers[spec.compute.node_model].power_w
    # Only what the spec has not set already: advice to set what is set is noise, and with
    # nothing left to set there is no smaller design to point to.
    changes = []
    if spec.fabrics.backend.design != "single-switch":
        changes.append("fabrics.backend.design: single-switch (every NIC on one switch, no spines)")
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is not None and not fab.collapsed:
            changes.append(f"fabrics.{name}.collapsed: true (one leaf pair, no spines)")
    if switch_w <= node_w or not changes:
        return []
    return [
        (
            ("compute", "nodes"),
            f"{_count(nodes, 'node')} {'gets' if nodes == 1 else 'get'} {len(fabric)} fabric switches drawing "
            f"{switch_w / 1000:.1f} kW, more than the nodes' {node_w / 1000:.1f} kW; for {_count(nodes, 'node')} "
            "set " + " and ".join(changes),
        )
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
