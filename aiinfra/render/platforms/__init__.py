"""Node and platform artefacts, one small module per platform type.

Every renderer takes only the Design: the platform's settings, each node's host
intent and the NIC/GPU facts are ``design.platform`` (:mod:`aiinfra.design.platform`),
and every limit the platform has was refused while designing. ``platform_files``
returns output paths (relative to the render directory) mapped to text.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import ModuleType

from aiinfra.design.model import Design
from aiinfra.design.platform import PLATFORM_TYPES
from aiinfra.render.platforms.common import platform_of

TARGETS = PLATFORM_TYPES


def _module(design: Design) -> ModuleType:
    return importlib.import_module(f"aiinfra.render.platforms.{platform_of(design).type}")


def per_node(design: Design) -> bool:
    """Whether the platform's outputs are independent per node (safe to render in node chunks)."""
    return bool(getattr(_module(design), "PER_NODE", False))


def platform_files(design: Design, nodes: Sequence[str] | None = None) -> dict[str, str]:
    """Every node/platform file of the Design's platform; with ``nodes``, only those nodes'
    files (platforms whose files are per node only)."""
    if nodes is not None:
        if not per_node(design):
            raise ValueError(f"{platform_of(design).type} outputs are not per node; render them whole")
        wanted = set(nodes)
        design = replace(design, nodes=[n for n in design.nodes if n.name in wanted])
    render: Callable[[Design], dict[str, str]] = _module(design).render
    return render(design)


__all__ = ["TARGETS", "per_node", "platform_files"]
