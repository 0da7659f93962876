"""Node and platform artefacts: the render pipeline's entry to the platform drivers.

Each ``platform.type`` is a driver folder under ``aiinfra/platforms/`` (renderer,
templates, checks). Every renderer takes only the Design: the platform's settings,
each node's host intent and the NIC/GPU facts are ``design.platform``
(:mod:`aiinfra.design.platform`), and every limit the platform has was refused while
designing. ``platform_files`` returns output paths (relative to the render directory)
mapped to text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from aiinfra.design.model import Design
from aiinfra.platforms import driver
from aiinfra.platforms.host import platform_of


def per_node(design: Design) -> bool:
    """Whether the platform's outputs are independent per node (safe to render in node chunks)."""
    return driver(platform_of(design).type).per_node


def platform_files(design: Design, nodes: Sequence[str] | None = None) -> dict[str, str]:
    """Every node/platform file of the Design's platform but those :func:`shared_platform_files`
    returns; with ``nodes``, only those nodes' files (platforms whose files are per node only)."""
    if nodes is not None:
        if not per_node(design):
            raise ValueError(f"{platform_of(design).type} outputs are not per node; render them whole")
        wanted = set(nodes)
        design = replace(design, nodes=[n for n in design.nodes if n.name in wanted])
    return driver(platform_of(design).type).render(design)


def shared_platform_files(design: Design) -> dict[str, str]:
    """The files every node of a per-node platform shares (baremetal: the RoCE QoS scripts and
    unit under ``nodes/_common/``, which read each node's values file): rendered once per render
    beside the node units, never in one. Empty for a platform whose files are rendered whole."""
    platform = driver(platform_of(design).type)
    if not platform.per_node or platform.shared is None:
        return {}
    return platform.shared(design)


__all__ = ["per_node", "platform_files", "shared_platform_files"]
