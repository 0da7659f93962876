"""``aiinfra plan``: goldens for the examples' typical changes, and the CLI contract."""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.cli import main
from aiinfra.pipeline import design_from_file
from aiinfra.plan import compute_plan
from aiinfra.render.pipeline import render_outputs
from tests.conftest import EXAMPLES, ROOT, write_spec

GOLDEN = ROOT / "tests" / "golden" / "plan"


@cache
def _rendered(example: str, edit: Any) -> tuple[Any, dict[str, bytes]]:
    """One render per (example, edit), shared by the tests: each costs a second or two."""
    data = yaml.safe_load((EXAMPLES / example / "cluster.yaml").read_text())
    data["compute"].pop("node_facts", None)
    if edit:
        edit(data)
    design = design_from_file(write_spec(Path(tempfile.mkdtemp(prefix="plan-")), data)).design
    return design, render_outputs(design).files


def _render(tmp: Path, example: str, edit: Any = None) -> tuple[Any, dict[str, bytes]]:
    return _rendered(example, edit)


def _ecn(data: dict[str, Any]) -> None:
    data["fabrics"]["backend"]["roce"]["ecn"] = {"min_kbytes": 300, "max_kbytes": 1500, "max_probability": 10}


def _user(data: dict[str, Any]) -> None:
    data["security"]["users"].append(
        {
            "name": "auditor",
            "role": "admin",
            "ssh_keys": [
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF96/wCIP8Jkvui8FlGt7KN3vSSXO+Go0xp2/6g/uR+a auditor@lab"
            ],
        }
    )


@cache
def _nodes(n: int) -> Any:
    def edit(data: dict[str, Any]) -> None:
        data["compute"]["nodes"] = n

    return edit


def _raw(data: dict[str, Any]) -> None:
    data["raw_config"] = [{"group": "os_eos", "after": "alias shint show interfaces status\n"}]


CASES = {
    "lab-ecn-threshold": ("lab", None, _ecn),
    "lab-new-user": ("lab", None, _user),
    "srlinux-node-added": ("srlinux-2su", _nodes(7), _nodes(8)),
    "srlinux-new-su": ("srlinux-2su", None, _nodes(12)),
}


SLOW_CASES = {"srlinux-new-su"}  # 27 + 35 switches rendered


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=[pytest.mark.slow] if c in SLOW_CASES else []) for c in sorted(CASES)]
)
def test_plan_golden(case: str, tmp_path: Path) -> None:
    example, before, after = CASES[case]
    _, old = _render(tmp_path / "old", example, before)
    design, new = _render(tmp_path / "new", example, after)
    plan = compute_plan(old, new, design)
    summary = {
        "devices": [
            [d.device, d.status, d.added, d.removed, d.changed, d.flags, d.blast.batch, d.blast.gpus]
            for d in plan.devices
        ],
        "remediation": {d.device: d.remediation for d in plan.devices if d.remediation},
        "topology": plan.topology,
        "other_files": [p for p in plan.other_files if not p.startswith("nodes/")],
    }
    text = json.dumps(summary, indent=1, sort_keys=True) + "\n"
    golden = GOLDEN / f"{case}.json"
    if os.environ.get("AIINFRA_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_ecn_change_is_flagged_and_nxos_gets_remediation(tmp_path: Path) -> None:
    _, old = _render(tmp_path / "old", "lab")
    design, new = _render(tmp_path / "new", "lab", _ecn)
    plan = compute_plan(old, new, design)
    spine = next(d for d in plan.devices if d.device == "lab-be-spine-01")
    assert "qos-change" in spine.flags
    assert any("random-detect minimum-threshold 300 kbytes" in line for line in spine.remediation)
    leaf = next(d for d in plan.devices if d.device == "lab-be-leaf-su001-r1")
    assert leaf.blast.rails == [1] and leaf.blast.gpus == 4
    assert json.loads(plan.to_json())["devices"][0]["device"] == plan.devices[0].device


@pytest.mark.slow
def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    spec = EXAMPLES / "lab" / "cluster.yaml"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    (out / "operator-notes.txt").write_text("mine")  # not in the manifest: no change to report
    assert main(["plan", str(spec), "--against", str(out)]) == 0
    data = yaml.safe_load(spec.read_text())
    _ecn(data)
    changed = write_spec(tmp_path, data)
    md = tmp_path / "plan.md"
    capsys.readouterr()
    assert main(["plan", str(changed), "--against", str(out), "--format", "json", "--markdown", str(md)]) == 3
    assert json.loads(capsys.readouterr().out)["devices"]
    assert md.read_text().startswith("## aiinfra plan")
    assert main(["plan", str(changed), "--against", "no-such-rev-or-dir"]) == 2


@pytest.mark.slow
def test_against_a_git_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--against REV renders the spec as committed at REV; an unknown revision is invalid input."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    spec = write_spec(tmp_path, yaml.safe_load((EXAMPLES / "lab" / "cluster.yaml").read_text()))
    git("add", "cluster.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "lab")
    assert main(["plan", str(spec), "--against", "HEAD"]) == 0
    data = yaml.safe_load(spec.read_text())
    _user(data)
    write_spec(tmp_path, data)
    capsys.readouterr()
    assert main(["plan", str(spec), "--against", "HEAD", "--format", "json"]) == 3
    plan = json.loads(capsys.readouterr().out)
    assert {d["device"] for d in plan["devices"]} >= {"lab-be-spine-01", "lab-fe-leaf-01a", "lab-oob-01"}
    assert main(["plan", str(spec), "--against", "no-such-revision"]) == 2
    assert "no-such-revision" in capsys.readouterr().err


def test_hatches_are_visible_in_the_plan(tmp_path: Path) -> None:
    """A raw_config block changes a device, and the plan lists it among the escape hatches."""
    from aiinfra.plan.report import plan_markdown, plan_table

    _, old = _render(tmp_path / "old", "lab")
    design, new = _render(tmp_path / "new", "lab", _raw)
    plan = compute_plan(old, new, design)
    assert {d.device for d in plan.devices} == {"lab-fe-spine-01", "lab-fe-spine-02"}
    assert [(h["hatch"], h["device"]) for h in plan.hatches] == [
        ("raw_config", "lab-fe-spine-01"),
        ("raw_config", "lab-fe-spine-02"),
    ]
    assert "raw_config: lab-fe-spine-01 after" in plan_table(plan)
    assert "- raw_config: lab-fe-spine-02 after" in plan_markdown(plan)
    spine = plan.devices[0]
    assert spine.remediation == ["alias shint show interfaces status"] and spine.flags == []


@pytest.mark.slow
def test_a_revision_takes_its_node_facts_from_that_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Facts edited since REV show as a change (so REV's facts were used, not today's)."""
    import shutil
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    for name in ("cluster.yaml", "node-facts.csv"):
        shutil.copy(EXAMPLES / "ahv-inference" / name, tmp_path / name)
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "ahv")
    spec = tmp_path / "cluster.yaml"
    assert main(["plan", str(spec), "--against", "HEAD"]) == 0
    facts = tmp_path / "node-facts.csv"
    facts.write_text(facts.read_text().replace("AHV-HGX-2001", "AHV-HGX-9001"))
    capsys.readouterr()
    assert main(["plan", str(spec), "--against", "HEAD", "--format", "json"]) == 3
    plan = json.loads(capsys.readouterr().out)
    assert plan["devices"] == [] and any("ahv-gpu-001" in p for p in plan["other_files"])


def test_a_change_of_tiers_is_said_explicitly(tmp_path: Path) -> None:
    """An old design.json with another tier count or spine count gives TOPOLOGY CHANGE lines."""
    from aiinfra.plan.model import topology_changes
    from aiinfra.plan.report import plan_table

    design, files = _render(tmp_path, "lab")
    old = json.loads(files["design.json"])
    old["design"]["backend_tiers"] = 3
    for tier in old["design"]["tiers"]:
        if (tier["fabric"], tier["tier"]) == ("backend", "spine"):
            tier["count"] = 4
    said = topology_changes({"design.json": json.dumps(old).encode()}, design)
    assert said[0].startswith("the back-end goes from 3 to 2 tiers") and "backend spines go from 4 to 2" in said
    assert topology_changes(files, design) == []
    plan = compute_plan({**files, "design.json": json.dumps(old).encode()}, files, design)
    assert "TOPOLOGY CHANGE: the back-end goes from 3 to 2 tiers" in plan_table(plan)
