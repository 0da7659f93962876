"""The CLI contract: exit codes, help text, schema, show and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aiinfra.cli import main
from tests.conftest import EXAMPLES

LAB = EXAMPLES / "lab" / "cluster.yaml"


def test_help_documents_exit_codes() -> None:
    out = subprocess.run([sys.executable, "-m", "aiinfra", "--help"], capture_output=True, text=True, check=True)
    assert "exit codes:" in out.stdout and "2  invalid spec" in out.stdout


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(LAB)]) == 0
    assert "valid (4 nodes, 15 switches)" in capsys.readouterr().out


def test_missing_file_is_a_spec_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/nonexistent/cluster.yaml"]) == 2
    err = capsys.readouterr().err
    assert "cannot read file" in err and "Traceback" not in err


def test_internal_error_has_no_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import aiinfra.pipeline

    def boom(path: Path) -> None:
        raise RuntimeError("synthetic bug")

    monkeypatch.setattr(aiinfra.pipeline, "design_from_file", boom)
    assert main(["validate", str(LAB)]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err and "synthetic bug" not in err


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "aiinfra cluster.yaml"
    assert schema["additionalProperties"] is False
    assert {"site", "compute", "fabrics", "platform", "security"} <= set(schema["required"])


def test_committed_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """The examples point yaml-language-server at schema/cluster.schema.json; keep it in sync."""
    assert main(["schema"]) == 0
    committed = (EXAMPLES.parent / "schema" / "cluster.schema.json").read_text()
    assert committed == capsys.readouterr().out


def test_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(LAB)]) == 0
    out = capsys.readouterr().out
    assert "4 nodes, 32 GPUs" in out and "bisection" in out
    assert main(["show", str(LAB), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gpus"] == 32 and data["backend_tiers"] == 2
    assert data["backend_bisection_tbps"] == 6.4
