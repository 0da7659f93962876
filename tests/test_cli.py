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
    assert "exit codes:" in out.stdout and "2    invalid input" in out.stdout
    assert "3    `render --check` or `plan` found changes" in out.stdout
    for code in ("130", "141", "143"):
        assert f"  {code}  " in out.stdout


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(LAB)]) == 0
    assert "valid (4 nodes, 15 switches)" in capsys.readouterr().out


def test_missing_file_is_a_spec_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/nonexistent/cluster.yaml"]) == 2
    err = capsys.readouterr().err
    assert "cannot read file" in err and "Traceback" not in err


def test_internal_error_has_no_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import aiinfra.pipeline

    def boom(path: Path, **_: object) -> None:
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


def test_crash_log_is_private_and_new_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A planted $TMPDIR/aiinfra-crash.log symlink is never followed; runs never share a log."""
    import tempfile

    import aiinfra.pipeline

    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "aiinfra-crash.log").symlink_to(victim)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def boom(path: Path, **_: object) -> None:
        raise RuntimeError("synthetic bug")

    monkeypatch.setattr(aiinfra.pipeline, "design_from_file", boom)
    logs = []
    for _ in range(2):
        assert main(["validate", str(LAB)]) == 1
        err = capsys.readouterr().err
        logs.append(Path(err.rsplit("details in ", 1)[1].strip()))
    assert victim.read_text() == "precious"
    assert logs[0] != logs[1]
    for log in logs:
        assert log.parent == tmp_path and not log.is_symlink()
        assert (log.stat().st_mode & 0o777) == 0o600
        assert "synthetic bug" in log.read_text()


@pytest.mark.parametrize(
    "argv",
    [
        ["show", str(LAB)],
        ["schema"],
        ["size", "--model", "llama-3.1-70b", "--gpu", "h100", "--users", "500"],
        ["--help"],
    ],
    ids=["show", "schema", "size", "help"],
)
def test_a_closed_pipe_is_quiet(argv: list[str]) -> None:
    """`aiinfra show spec | head -1`: the reader is gone before aiinfra writes; no error, exit 141."""
    import os

    read, write = os.pipe()
    os.close(read)  # like head after its first line: nobody reads any more
    try:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as in a shell
        done = subprocess.run(
            [sys.executable, "-m", "aiinfra", *argv], stdout=write, stderr=subprocess.PIPE, text=True, env=env
        )
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 141


def test_a_filesystem_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC (a failed write names no file), ENAMETOOLONG: the path and the errno, no 'internal error'."""
    spec = tmp_path / "lab" / "cluster.yaml"
    spec.parent.mkdir()
    spec.write_text(LAB.read_text())
    from aiinfra.render import output

    real = output.write_file

    def full(target: str, data: bytes) -> None:
        if Path(target).name == "lab.clab.yml":
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(output, "write_file", full)
    assert main(["render", str(spec), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("lab.clab.yml: No space left on device (ENOSPC); nothing was changed"), err
    assert len(err.splitlines()) == 1 and "internal error" not in err
    monkeypatch.undo()
    long = tmp_path / ("x" * 250)
    assert main(["render", str(spec), "-o", str(long)]) == 1
    err = capsys.readouterr().err.strip()
    assert "File name too long (ENAMETOOLONG)" in err and "x" * 250 in err and len(err.splitlines()) == 1
