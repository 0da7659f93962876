"""Growth without churn (docs/design.md, "Growth"): adding nodes or SUs changes only the
new devices' files, the files of devices whose links change, and the fabric-wide files.

Each step renders two sizes of an example in memory and compares the file sets, and the
Designs: every device in both keeps its management address, loopback, ASN, and every node
its NIC addresses and switch ports.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.design.model import Design
from aiinfra.pipeline import design_from_file
from aiinfra.plan.model import topology_changes
from aiinfra.render.pipeline import render_outputs
from tests.conftest import EXAMPLES, write_spec

# Files that describe the whole cluster: they list every device, so growth changes them.
FABRIC_WIDE = {
    "MANIFEST.sha256",
    ".aiinfra/fingerprints.json",  # every unit's fingerprint and files (aiinfra/render/incremental.py)
    "design.json",
    "design.yaml",
    "cabling.csv",
    "bom.csv",
    "addressing.csv",
    "inventory/hosts.yml",
    "nutanix/vars.yml",  # the platform's list of hosts and VMs
    "apps/apps.yaml",  # the services and the nodes they are placed on
    "observability/gnmic/gnmic.yaml",  # one collector target per switch
    "observability/prometheus/targets/dcgm-exporter.json",  # file_sd: one target per node
    "observability/prometheus/targets/node-exporter.json",
    "observability/grafana/sustainability.json",  # the cluster's power and CO2e estimate from the BOM
}

# Acceptance catalogs hold the state a device should show, not its config: a spine's
# expected received-prefix range grows with the nodes behind its leaves, without any change
# to the spine. They are checked against the Design by tests/verify.
EXPECTED_STATE = ("verify/",)
# The containerlab topology lists every emulated node and link: a fabric-wide file.
FABRIC_WIDE_PREFIXES = ("lab/",)


def _sized(example: str, nodes: int) -> tuple[Design, dict[str, bytes]]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / example / "cluster.yaml").read_text())
    data["compute"].pop("node_facts", None)  # the facts name today's nodes only
    data["compute"].pop("scalable_units", None)
    data["compute"]["nodes"] = nodes
    path = write_spec(Path(tempfile.mkdtemp(prefix="growth-")), data)
    design = design_from_file(path).design
    return design, render_outputs(design).files


def _owner(path: str, names: set[str]) -> str | None:
    for part in path.split("/"):
        stem = part.split(".")[0]
        if stem in names:
            return stem
        owners = [n for n in names if stem.startswith(f"{n}-")]  # e.g. nutanix/cloud-init/<node>-vm.yaml
        if owners:
            return max(owners, key=len)
    return None


def _peers(design: Design) -> dict[str, Counter[tuple[str, str, str]]]:
    out: dict[str, Counter[tuple[str, str, str]]] = {}
    for link in design.links:
        out.setdefault(link.a_device, Counter())[(link.a_interface, link.b_device, link.b_interface)] += 1
        out.setdefault(link.b_device, Counter())[(link.b_interface, link.a_device, link.a_interface)] += 1
    return out


def _reshaped(old: Design, new: Design) -> set[str]:
    """Fabrics whose leaves have another uplink count, or whose spine tiers another size."""
    before = {(t.fabric, t.tier): t for t in old.tiers}
    out = set()
    for t in new.tiers:
        was = before.get((t.fabric, t.tier))
        if was is None or t.tier == "oob":
            continue
        if (t.tier == "leaf" and was.uplinks_per_switch != t.uplinks_per_switch) or (
            t.tier != "leaf" and was.count != t.count
        ):
            out.add(t.fabric)
    return out


def check_growth(example: str, before: int, after: int) -> None:
    old, old_files = _sized(example, before)
    new, new_files = _sized(example, after)
    for name, d in old.devices.items():
        n = new.devices[name]  # no switch disappears or is renamed when the cluster grows
        assert (n.mgmt_address, n.loopback) == (d.mgmt_address, d.loopback), name
        assert (n.bgp.asn if n.bgp else None) == (d.bgp.asn if d.bgp else None), name
    new_nodes = {node.name: node for node in new.nodes}
    for node in old.nodes:
        grown = new_nodes[node.name]
        assert (grown.mgmt_address, grown.bmc_address) == (node.mgmt_address, node.bmc_address)
        for a, b in zip(
            node.backend + node.frontend + node.storage, grown.backend + grown.frontend + grown.storage, strict=True
        ):
            assert (a.address, a.switch, a.switch_interface) == (b.address, b.switch, b.switch_interface), node.name

    names = set(new.devices) | {node.name for node in new.nodes}
    old_peers, new_peers = _peers(old), _peers(new)
    relinked = {n for n in names if old_peers.get(n) != new_peers.get(n)}
    # A change of a fabric's shape (more uplinks per leaf, another spine) re-cables that fabric's
    # leaf-spine links: allowed, but only if `aiinfra plan` names it.
    reshaped = _reshaped(old, new)
    if reshaped:
        said = topology_changes(old_files, new)
        assert all(any(f in line for line in said) for f in reshaped), (reshaped, said)
        relinked |= {d.name for d in new.devices.values() if d.fabric in reshaped}
    existing = set(old.devices) | {node.name for node in old.nodes}
    changed = {p for p in set(old_files) | set(new_files) if old_files.get(p) != new_files.get(p)}
    for path in changed - FABRIC_WIDE:
        if path.startswith(EXPECTED_STATE + FABRIC_WIDE_PREFIXES):
            continue
        owner = _owner(path, names)
        assert owner is not None, f"{path} changed but belongs to no device"
        assert owner not in existing or owner in relinked, f"{path} changed though {owner} gained no link"


def test_a_node_added_to_the_last_su_touches_its_leaves_only() -> None:
    check_growth("srlinux-2su", 7, 8)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    step=st.sampled_from(
        [("srlinux-2su", 5, 8), ("srlinux-2su", 8, 12), ("lab", 2, 4), ("ahv-inference", 2, 3), ("lab", 4, 8)]
    )
)
def test_every_growth_step_changes_only_what_it_must(step: tuple[str, int, int]) -> None:
    check_growth(*step)
