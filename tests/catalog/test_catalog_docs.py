"""docs/catalog.md's worked example validates: a spec with its ``catalog:`` section designs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from aiinfra.pipeline import design_from_file

ROOT = Path(__file__).resolve().parents[2]


def test_the_worked_example_designs(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "catalog.md").read_text()
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "catalog:" in b]
    example = yaml.safe_load(block)
    spec = yaml.safe_load((ROOT / "inventories" / "lab" / "cluster.yaml").read_text())
    spec["catalog"] = example["catalog"]
    spec["compute"] = example["compute"]
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump(spec))
    design = design_from_file(tmp_path / "cluster.yaml").design
    assert len(design.nodes) == 16
    server = example["catalog"]["servers"]["smc-821ge-h200"]
    assert [nic.netdev for nic in design.nodes[0].backend] == server["backend"]["netdevs"]
    assert {n.gpus for n in design.nodes} == {8}
