"""Node and platform artefacts, one small module per ``platform.type``.

``platform_files`` returns output paths (relative to the render directory) mapped to
text; ``check_platform`` is the design-time hook that attaches per-node facts and
fails validation when an output would need a fact the site has not given.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.render.platforms.checks import check_platform, missing_facts
from aiinfra.spec.model import ClusterSpec

TARGETS = ("baremetal", "openshift", "vmware", "nutanix")


def platform_files(design: Design, spec: ClusterSpec, catalog: Catalog, spec_dir: Path | None = None) -> dict[str, str]:
    """Every node/platform file for the spec's platform.

    ``spec_dir`` is accepted for symmetry with :func:`check_platform`; the facts it
    locates are already attached to the design by then. A design that skipped
    ``check_platform`` and lacks a needed fact is refused rather than rendered with a gap.
    """
    del spec_dir
    gaps = missing_facts(spec, design)
    if gaps:
        raise ValueError("platform outputs need per-node facts: " + "; ".join(p.message for p in gaps))
    module = importlib.import_module(f"aiinfra.render.platforms.{spec.platform.type}")
    return module.render(design, spec, catalog)  # type: ignore[no-any-return]


__all__ = ["TARGETS", "check_platform", "platform_files"]
