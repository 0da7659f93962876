"""Node and platform artefacts, one small module per ``platform.type``.

``platform_files`` returns output paths (relative to the render directory) mapped to
text; ``check_platform`` is the design-time hook that attaches per-node facts and
fails validation when an output would need a fact the site has not given.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.render.platforms.checks import check_platform, missing_facts
from aiinfra.spec.model import ClusterSpec

TARGETS = ("baremetal", "openshift", "vmware", "nutanix")


def per_node(spec: ClusterSpec) -> bool:
    """Whether the platform's outputs are independent per node (safe to render in node chunks)."""
    return bool(getattr(_module(spec), "PER_NODE", False))


def _module(spec: ClusterSpec):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"aiinfra.render.platforms.{spec.platform.type}")


def platform_files(
    design: Design,
    spec: ClusterSpec,
    catalog: Catalog,
    spec_dir: Path | None = None,
    nodes: Sequence[str] | None = None,
) -> dict[str, str]:
    """Every node/platform file for the spec's platform.

    ``spec_dir`` is accepted for symmetry with :func:`check_platform`; the facts it
    locates are already attached to the design by then. A design that skipped
    ``check_platform`` and lacks a needed fact is refused rather than rendered with a gap.
    """
    del spec_dir
    if nodes is not None:
        if not per_node(spec):
            raise ValueError(f"{spec.platform.type} outputs are not per node; render them whole")
        wanted = set(nodes)
        design = replace(design, nodes=[n for n in design.nodes if n.name in wanted])
    gaps = missing_facts(spec, design)
    if gaps:
        raise ValueError("platform outputs need per-node facts: " + "; ".join(p.message for p in gaps))
    return _module(spec).render(design, spec, catalog)  # type: ignore[no-any-return]


__all__ = ["TARGETS", "check_platform", "per_node", "platform_files"]
