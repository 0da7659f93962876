"""The render units: one switch's files or one node's, each rendered from its slice of the Design.

:mod:`aiinfra.render.incremental` says why a unit sees a slice and how it is fingerprinted;
this module says what a unit renders. The render pipeline runs units in chunks, and an
incremental render keeps the previous files of a unit whose fingerprint did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiinfra.design.model import Design
from aiinfra.nos import driver
from aiinfra.render.incremental import Basis, device_fingerprint, device_slice, node_fingerprint, node_slice
from aiinfra.render.inventory import unit_host_vars
from aiinfra.render.platforms import platform_files as render_platform

Files = Mapping[str, str | bytes]


def unit(
    kind: str, name: str, design: Design, basis: Basis, index: int, *, platform_files: bool
) -> tuple[str, str, Callable[[], Files]]:
    """A unit's key, fingerprint and renderer.

    ``switches``: the device's config files and its inventory host_vars. ``nodes`` (node
    ``index`` in the Design): its host_vars and, with ``platform_files`` (the platform's
    files are per node), its node files.
    """
    if kind == "switches":
        device = design.devices[name]

        def switch() -> Files:
            cut = device_slice(basis, design, name)
            return {**driver(device.os).render_device(device, cut), **unit_host_vars(cut, name)}

        return f"switch/{name}", device_fingerprint(basis, design, name), switch
    if kind == "nodes":

        def node() -> Files:
            cut = node_slice(basis, design, index)
            return {**(render_platform(cut) if platform_files else {}), **unit_host_vars(cut, name)}

        return f"node/{name}", node_fingerprint(basis, design, index), node
    raise ValueError(f"unknown render unit {kind!r}")
