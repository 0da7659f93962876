"""What `aiinfra render` writes: determinism, atomicity, --check and the manifest."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.render import output as output_module
from tests.conftest import EXAMPLES, lab_data, write_spec


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def lab_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "lab" / "cluster.yaml"
    spec.parent.mkdir()
    shutil.copy(EXAMPLES / "lab" / "cluster.yaml", spec)
    return spec


def test_render_is_deterministic(lab_spec: Path, tmp_path: Path) -> None:
    assert main(["render", str(lab_spec), "-o", str(tmp_path / "a")]) == 0
    assert main(["render", str(lab_spec), "-o", str(tmp_path / "b")]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b
    expected = {"design.yaml", "cabling.csv", "addressing.csv", "bom.csv", "inventory/hosts.yml", "MANIFEST.sha256"}
    assert expected <= set(a)
    assert any(p.startswith("configs/") for p in a)


def test_default_output_is_build_beside_spec(lab_spec: Path) -> None:
    assert main(["render", str(lab_spec)]) == 0
    assert (lab_spec.parent / "build" / "design.yaml").is_file()


def test_manifest_lists_every_file_sorted(lab_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["render", str(lab_spec), "-o", str(out)]) == 0
    lines = (out / "MANIFEST.sha256").read_text().splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(paths)
    assert set(paths) == set(_tree(out)) - {"MANIFEST.sha256"}
    for line in lines:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest


def test_invalid_spec_leaves_previous_output_untouched(lab_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["render", str(lab_spec), "-o", str(out)]) == 0
    before = _tree(out)
    data = lab_data()
    data["fabrics"]["backend"]["roce"]["priority"] = 42
    bad = write_spec(tmp_path, data, "bad.yaml")
    assert main(["render", str(bad), "-o", str(out)]) == 2
    assert _tree(out) == before


def test_failure_while_writing_leaves_previous_output_untouched(
    lab_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert main(["render", str(lab_spec), "-o", str(out)]) == 0
    before = _tree(out)
    (out / "operator-note.txt").write_text("kept")
    before["operator-note.txt"] = b"kept"

    calls = {"n": 0}
    real = output_module.write_file

    def failing_write(target: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(output_module, "write_file", failing_write)
    assert main(["render", str(lab_spec), "-o", str(out)]) == 1
    monkeypatch.undo()
    assert _tree(out) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    assert leftovers == []


def test_check_mode(lab_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["render", str(lab_spec), "-o", str(out), "--check"]) == 3  # nothing there yet
    assert not out.exists()
    assert main(["render", str(lab_spec), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["render", str(lab_spec), "-o", str(out), "--check"]) == 0
    (out / "cabling.csv").write_text("edited by hand\n")
    (out / "stray.txt").write_text("x")  # not in the manifest: the user's, so no change to report
    assert main(["render", str(lab_spec), "-o", str(out), "--check"]) == 3
    listed = capsys.readouterr().out.split()
    assert listed == ["cabling.csv"]


def test_output_paths_are_safe() -> None:
    files = output_module.OutputSet()
    for bad in ("/etc/passwd", "../x", "a/../../b"):
        with pytest.raises(ValueError):
            files.add(bad, "x")


def test_parallel_render_equals_serial(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-memory and streamed renders, serial and on every core, give the same bytes."""
    from aiinfra.render import pipeline
    from tests.conftest import example

    r = example("lab")
    serial = pipeline.render_outputs(r.design).files
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(pipeline, "SWITCH_CHUNK", 4)
    monkeypatch.setattr(pipeline, "NODE_CHUNK", 1)
    assert pipeline._workers(r.design) > 1 or (os.cpu_count() or 1) == 1
    assert len(pipeline.jobs(r.design)) > 8
    parallel = pipeline.render_outputs(r.design).files
    assert parallel == serial
    count = pipeline.write_outputs(r.design, tmp_path / "streamed").files
    assert count == len(serial)
    assert _tree(tmp_path / "streamed") == serial


def test_a_full_disk_in_a_worker_is_one_line(
    lab_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC raised in a forked worker reaches the CLI with its path: one line, no 'internal error', no debris."""
    from aiinfra.render import pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(pipeline, "SWITCH_CHUNK", 2)
    real = output_module.write_file

    def full(target: str, data: bytes) -> None:
        # switch configs only (a worker writes them); other families write .json too (observability/)
        path = Path(target)
        config = path.suffix == ".cfg" or (path.name.endswith(".json") and path.name != "design.json")
        if "configs" in path.parts and config:
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(output_module, "write_file", full)
    out = tmp_path / "out"
    assert main(["render", str(lab_spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "internal error" not in err, err
    assert "/configs/" in err and err.endswith("No space left on device (ENOSPC); nothing was changed")
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
