"""Everything ``aiinfra render`` writes, assembled in memory from one Design."""

from __future__ import annotations

from collections.abc import Callable

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.render.inventory import inventory_files
from aiinfra.render.output import OutputSet
from aiinfra.render.platforms import platform_files
from aiinfra.render.reports import addressing_csv, bom_csv, cabling_csv, design_yaml
from aiinfra.render.switches import renderer_for
from aiinfra.spec.model import ClusterSpec

Progress = Callable[[str, int, int], None]


def render_outputs(design: Design, spec: ClusterSpec, catalog: Catalog, progress: Progress | None = None) -> OutputSet:
    out = OutputSet()
    out.add("design.yaml", design_yaml(design))
    out.add("cabling.csv", cabling_csv(design))
    out.add("addressing.csv", addressing_csv(design))
    out.add("bom.csv", bom_csv(design))
    for path, text in inventory_files(design, catalog, spec.platform.type).items():
        out.add(path, text)
    devices = list(design.devices.values())
    for i, device in enumerate(devices, 1):
        for path, text in renderer_for(device.os)(device, design, catalog).items():
            out.add(path, text)
        if progress:
            progress("switch configs", i, len(devices))
    for path, text in platform_files(design, spec, catalog).items():
        out.add(path, text)
    return out.with_manifest()
