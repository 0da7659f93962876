"""Designs of the example specs, with site facts supplied where an example ships none.

The OpenShift example (superpod-4su) describes the cluster but not the site's MAC
addresses, which its agent-config needs; validation rightly refuses it as shipped.
To render it here, a copy gets a generated ``node-facts.csv`` (locally administered
MACs), which is exactly what a site adds before rendering.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml

from aiinfra.design.model import Design, Device
from aiinfra.pipeline import DesignResult, design_from_file
from aiinfra.render.platforms import platform_files
from aiinfra.spec.load import load_spec
from tests.conftest import EXAMPLE_NAMES, EXAMPLES


def needs_facts(name: str) -> bool:
    spec = load_spec(EXAMPLES / name / "cluster.yaml").spec
    return spec.platform.type == "openshift" and spec.compute.node_facts is None


def synthetic_mac(index: int, port: int) -> str:
    return f"02:a1:{index >> 8 & 0xFF:02x}:{index & 0xFF:02x}:00:{port:02x}"


@cache
def example_result(name: str) -> DesignResult:
    path = EXAMPLES / name / "cluster.yaml"
    if not needs_facts(name):
        return design_from_file(path)
    work = Path(tempfile.mkdtemp(prefix=f"aiinfra-{name}-"))
    shutil.copytree(path.parent, work, dirs_exist_ok=True)
    data = yaml.safe_load(path.read_text())
    data["compute"]["node_facts"] = "node-facts.csv"
    (work / "cluster.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    # node names and front-end netdevs from the same spec on baremetal, which needs no MACs
    plain = load_spec(path).spec
    from aiinfra.design.build import build_design, resolve_catalog
    from aiinfra.spec.platform import Baremetal

    bare = plain.model_copy(update={"platform": Baremetal(type="baremetal")})
    design = build_design(bare, resolve_catalog(bare))
    ports = sorted({nic.netdev for node in design.nodes for nic in node.frontend})
    rows = ["host," + ",".join(f"mac.{p}" for p in ports)]
    rows += [
        node.name + "," + ",".join(synthetic_mac(node.index, i) for i in range(len(ports))) for node in design.nodes
    ]
    (work / "node-facts.csv").write_text("\n".join(rows) + "\n")
    return design_from_file(work / "cluster.yaml")


def sample_leaves(design: Design) -> list[Device]:
    """The first and the last back-end leaf: different SUs and rails in the larger examples."""
    leaves = design.devices_by(fabric="backend", role="leaf")
    return [leaves[0], leaves[-1]] if len(leaves) > 1 else leaves


def nodes_on(design: Design, leaf: Device) -> list[str]:
    return sorted({i.peer_device for i in leaf.interfaces if i.role == "host" and i.peer_device})


@cache
def sample_files(name: str) -> dict[str, str]:
    """Platform files for the nodes on the sampled leaves (the whole platform output for
    small examples; a 4,096-node example renders only the nodes the test reads)."""
    result = example_result(name)
    design = result.design
    wanted = {n for leaf in sample_leaves(design) for n in nodes_on(design, leaf)}
    subset = replace(design, nodes=[n for n in design.nodes if n.name in wanted])
    return platform_files(subset)


PLATFORMS = {name: load_spec(EXAMPLES / name / "cluster.yaml").spec.platform.type for name in EXAMPLE_NAMES}
