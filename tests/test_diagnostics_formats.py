"""``validate --format json|sarif``: the same diagnostics as the text form, as documents CI can read.

SARIF is checked with sarif-pydantic's SARIF 2.1.0 model, and against what GitHub code
scanning needs to annotate a line: ruleId, level, a relative artifact URI and a region.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sarif_pydantic import Sarif

from aiinfra.cli import main

LAB = Path(__file__).resolve().parents[1] / "inventories" / "lab" / "cluster.yaml"


def _bad_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "cluster.yaml"
    text = LAB.read_text().replace("priority: 3\n", "priority: 9\n", 1).replace("../../schema", "schema")
    spec.write_text(text)
    return spec


def _small_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(LAB.read_text().replace("nodes: 4\n", "nodes: 2\n", 1))
    return spec


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_lists_errors_with_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _bad_spec(tmp_path)
    code, out, err = _run(capsys, "validate", "--format", "json", str(spec))
    assert code == 2 and not err
    doc = json.loads(out)
    assert doc["valid"] is False and doc["errors"] >= 1
    [d] = [d for d in doc["diagnostics"] if d["field"] == "fabrics.backend.roce.priority"]
    line = spec.read_text().splitlines()[d["line"] - 1]
    assert "priority: 9" in line and d["severity"] == "error" and d["file"] == str(spec)


def test_json_of_a_valid_spec(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", "--format", "json", str(LAB))
    doc = json.loads(out)
    assert code == 0 and doc["valid"] is True and doc["diagnostics"] == []
    assert doc["summary"]["nodes"] == 4


def test_sarif_is_valid_and_annotates_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _bad_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "validate", "--format", "sarif", str(spec))
    assert code == 2
    log = Sarif.model_validate_json(out)
    assert log.version == "2.1.0"
    doc = json.loads(out)
    run = doc["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    assert results and all(r["ruleId"] in rule_ids and r["level"] == "error" for r in results)
    hit = next(r for r in results if "fabrics.backend.roce.priority" in r["message"]["text"])
    where = hit["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "cluster.yaml", "uriBaseId": "%SRCROOT%"}
    assert "priority: 9" in spec.read_text().splitlines()[where["region"]["startLine"] - 1]


def test_advice_is_a_warning_that_does_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _small_spec(tmp_path)
    code, out, err = _run(capsys, "validate", str(spec))
    assert code == 0 and "valid" in out
    assert "compute.nodes: warning: 2 nodes get 14 fabric switches" in err
    code, out, _ = _run(capsys, "validate", "--format", "sarif", str(spec))
    assert code == 0
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["level"] == "warning" and result["ruleId"] == "design-advice"


def test_unreadable_spec_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", "--format", "json", str(tmp_path / "missing.yaml"))
    assert code == 2
    [d] = json.loads(out)["diagnostics"]
    assert "cannot read file" in d["message"]


def test_advice_names_only_what_the_spec_has_not_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 1-node lab with its front-end already collapsed: the advice points at the back-end alone
    (it said "and collapsed: true on the front-end" to a spec that had it), in singular."""
    spec = tmp_path / "cluster.yaml"
    text = LAB.read_text().replace("nodes: 4\n", "nodes: 1\n", 1)
    spec.write_text(text.replace("  frontend:\n", "  frontend:\n    collapsed: true\n", 1))
    code, out, _ = _run(capsys, "validate", "--format", "json", str(spec))
    assert code == 0
    [d] = json.loads(out)["diagnostics"]
    assert d["severity"] == "warning" and d["message"].startswith("1 node gets 11 fabric switches")
    assert "fabrics.backend.design: single-switch" in d["message"] and "frontend" not in d["message"]


def test_sarif_uris_are_percent_encoded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SARIF's artifactLocation.uri must be a valid URI reference: a spec in "my specs #2/"
    was written with a raw space and '#' (a fragment start) that code scanning cannot resolve."""
    folder = tmp_path / "my specs #2"
    folder.mkdir()
    spec = _bad_spec(folder)
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "validate", "--format", "sarif", str(spec))
    assert code == 2
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"my%20specs%20%232/cluster.yaml"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the spec outside the root: an absolute file: URI, encoded too
    code, out, _ = _run(capsys, "validate", "--format", "sarif", str(spec))
    [uri] = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]
    }
    assert code == 2 and uri == spec.resolve().as_uri() and " " not in uri
