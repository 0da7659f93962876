"""``aiinfra report`` and ``render --report`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.render.artefacts import ARTEFACTS
from tests.conftest import EXAMPLES

LAB = EXAMPLES / "lab" / "cluster.yaml"


def test_report_refuses_an_index_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.html").write_text("<html>mine</html>")
    assert main(["report", str(LAB), "-o", str(tmp_path)]) == 2
    assert "was not written by aiinfra" in capsys.readouterr().err
    assert (tmp_path / "index.html").read_text() == "<html>mine</html>"
    assert main(["report", str(LAB), "-o", str(tmp_path), "--force"]) == 0
    assert main(["report", str(LAB), "-o", str(tmp_path)]) == 0  # its own file: replaced without --force


def test_report_takes_a_spec_or_a_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    assert "give a spec or --from-design" in capsys.readouterr().err


def test_plan_file_becomes_a_per_device_table(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "from": "v1",
                "to": "v2",
                "devices": [
                    {"device": "lab-be-spine-01", "action": "change", "lines_added": 3, "sections": ["bgp", "qos"]},
                    {"device": "lab-be-leaf-su01-r1", "action": "unchanged", "lines_added": 0},
                ],
                "other_files": [{"path": "cabling.csv"}, {"path": "bom.csv"}],
            }
        )
    )
    assert main(["report", str(LAB), "-o", str(tmp_path / "r"), "--plan", str(plan)]) == 0
    html = (tmp_path / "r" / "index.html").read_text()
    assert 'id="plan-table"' in html
    assert "<td>lab-be-spine-01</td><td>change</td><td>3</td><td>bgp, qos</td>" in html
    assert "<td>lab-be-leaf-su01-r1</td><td>unchanged</td><td>0</td><td></td>" in html
    assert "<dt>from</dt><dd>v1</dd>" in html
    assert "<dt>other_files</dt><dd>2 items</dd>" in html


def test_unreadable_plan_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text("[1, 2")
    assert main(["report", str(LAB), "-o", str(tmp_path / "r"), "--plan", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "not JSON" in err and "Traceback" not in err


def test_render_report_writes_the_report_beside_the_configs(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert main(["render", str(LAB), "-o", str(out), "--report"]) == 0
    manifest = (out / "MANIFEST.sha256").read_text()
    assert "  report/index.html\n" in manifest
    html = (out / "report" / "index.html").read_text()
    assert '"../configs/lab-be-spine-01.cfg"' in html
    assert (out / "configs" / "lab-be-spine-01.cfg").exists()
    # without the flag the next render drops the report again (it was the render's own file)
    assert main(["render", str(LAB), "-o", str(out)]) == 0
    assert "report" not in ARTEFACTS
    assert not (out / "report" / "index.html").exists()


def test_validation_warnings_reach_the_overview(tmp_path: Path) -> None:
    """Issue 15: the overview lists validate's warnings (here the small-cluster advice), not
    only sizing's; the file is named without its folder, so the report does not depend on it."""
    spec = tmp_path / "cluster.yaml"
    spec.write_text(LAB.read_text().replace("nodes: 4\n", "nodes: 2\n", 1).replace("../../schema", "schema"))
    assert main(["report", str(spec), "-o", str(tmp_path / "r")]) == 0
    html = (tmp_path / "r" / "index.html").read_text()
    warnings = html.split('id="warnings">', 1)[1].split("</ul>", 1)[0]
    assert "<li>cluster.yaml:" in warnings and "compute.nodes: 2 nodes get 14 fabric switches" in warnings
    assert str(tmp_path) not in warnings
    out = tmp_path / "build"
    assert main(["render", str(spec), "-o", str(out), "--report"]) == 0
    assert "compute.nodes: 2 nodes get" in (out / "report" / "index.html").read_text()


def test_a_refused_render_report_leaves_no_report_in_other_renders(tmp_path: Path) -> None:
    """The report is an artefact of its render only: a render that stops early registers
    nothing, so another Design rendered later in the same process gets no report."""
    from aiinfra.pipeline import design_from_file, render_files

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "foreign.txt").write_text("not aiinfra's\n")
    assert main(["render", str(LAB), "-o", str(occupied), "--report"]) == 2
    assert "report" not in ARTEFACTS
    other = design_from_file(EXAMPLES / "srlinux-2su" / "cluster.yaml")
    assert not any(p.startswith("report/") for p in render_files(other).files)
