"""Every example renders files that every vendor model accepts (issue 9, "Done when").

Each example in ``inventories/`` is rendered in memory and its whole file set goes
through every checker of ``tests.validators``. The one exception is the NX-OS/EOS/Junos
cross-reference check on ``ai-factory-32k``: ciscoconfparse2 needs about 0.5 s per
config, four minutes for its 1,539 switches, so there it reads a fixed sample: the first,
the last and every seventh switch of each (fabric, role, OS) group. Switches of one group
come from one template with different numbers, and the sample covers every group, both
ends of every numbering range, and every rail. Every other checker reads all 44k files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from importlib import import_module
from pathlib import Path

import pytest

from aiinfra.design.model import Design
from aiinfra.pipeline import design_from_file, render_files
from tests.validators import CHECKERS, cli_xref, vendor_problems

INVENTORIES = Path(__file__).resolve().parents[2] / "inventories"
EXAMPLES = sorted(p.parent.name for p in INVENTORIES.glob("*/cluster.yaml"))
LARGE = "ai-factory-32k"
STRIDE = 7  # prime, so a stride through rail-ordered leaves lands on every rail


@cache
def rendered(name: str) -> tuple[Design, Mapping[str, bytes]]:
    result = design_from_file(INVENTORIES / name / "cluster.yaml")
    return result.design, render_files(result, None).files


def sampled(design: Design, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The file set with only the sampled switches' configs (inventory and the rest kept)."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for d in design.devices.values():
        groups[(d.fabric, d.role, d.os)].append(d.name)
    keep = set()
    for names in groups.values():
        keep |= {names[0], names[-1], *names[::STRIDE]}
    dropped = {n for n in design.devices if n not in keep}

    def device(path: str) -> str:
        return path.rsplit("/", 1)[-1].split(".", 1)[0]

    return {
        path: data
        for path, data in files.items()
        if not (path.startswith(("configs/", "inventory/host_vars/")) and device(path) in dropped)
    }


def test_the_examples_are_all_here() -> None:
    assert {"lab", "superpod-4su", "ai-factory-32k", "vsphere-inference", "ahv-inference"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n != LARGE])
def test_every_vendor_model_accepts_every_file(name: str) -> None:
    _, files = rendered(name)
    found = vendor_problems(files)
    assert found == [], "\n".join(found[:30])


@pytest.mark.slow
def test_every_vendor_model_accepts_the_large_example() -> None:
    design, files = rendered(LARGE)
    found: list[str] = []
    for checker in CHECKERS:
        if checker != "cli_xref":
            found += import_module(f"tests.validators.{checker}").problems(files)
    sample = sampled(design, files)
    cli_configs = [p for p in sample if p.startswith("configs/") and p in files]
    assert len(cli_configs) < len([p for p in files if p.startswith("configs/")])  # it is a sample
    found += cli_xref.problems(sample)
    assert found == [], "\n".join(found[:30])


def test_the_sample_keeps_every_group_and_both_ends() -> None:
    design, files = rendered("superpod-4su")
    sample = sampled(design, files)
    kept = {p.removeprefix("configs/").split(".", 1)[0] for p in sample if p.startswith("configs/")}
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for d in design.devices.values():
        groups[(d.fabric, d.role, d.os)].append(d.name)
    for names in groups.values():
        assert {names[0], names[-1]} <= kept
    big, big_files = rendered(LARGE)
    leaves = {d.rail for d in big.devices.values() if d.fabric == "backend" and d.role == "leaf"}
    configs = [p for p in sampled(big, big_files) if p.startswith("configs/")]
    kept_big = {p.removeprefix("configs/").split(".", 1)[0] for p in configs}
    assert {big.devices[n].rail for n in kept_big if big.devices[n].role == "leaf"} >= leaves - {None}
