"""The containerlab part of the Design: which devices and nodes the exported lab holds, as what.

Built by :mod:`aiinfra.design.containerlab`; read by :mod:`aiinfra.clab` (the topology file) and by
anything else that stands the lab up, so the scope, kinds, images and interface names are decided once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LabSwitch:
    """One switch of the lab: its containerlab kind and image, and the container-side name of every
    interface an in-scope link uses (driver name -> container name)."""

    name: str
    kind: str
    image: str
    interfaces: dict[str, str]


@dataclass(frozen=True, slots=True)
class LabIntent:
    """The emulated slice of the fabric. ``scope`` is what was emulated ("full", "su:1"), ``requested``
    what the spec asked for ("auto" resolves by size); the links are the Design's links whose two ends
    are both in the lab (management rides containerlab's own management network instead)."""

    requested: str
    scope: str
    switches: tuple[LabSwitch, ...]
    nodes: tuple[str, ...]
    node_image: str
    links: tuple[int, ...]  # indexes into Design.links, in order
