"""`render -o DIR` owns only what its previous MANIFEST.sha256 lists (GitHub issue 17 §3).

Every refusal is exit 2 with one line on stderr, and leaves the folder byte for byte
as it was; user files in an output folder survive every render.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from aiinfra.cli import main
from tests.conftest import EXAMPLES


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root``: file bytes, link targets, folders (without following links)."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = path.read_bytes()
    return out


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "site" / "lab" / "cluster.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(EXAMPLES / "lab" / "cluster.yaml", path)
    (path.parent / "node-facts.yaml").write_text("sibling inventory\n")
    return path


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize("where", ["spec folder", "its parent", "filesystem root"])
def test_refuses_the_spec_folder_and_above(
    where: str, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = {"spec folder": spec.parent, "its parent": spec.parent.parent, "filesystem root": Path("/")}[where]
    before = snapshot(tmp_path)
    err = refused(["render", str(spec), "-o", str(out)], capsys)
    assert "refusing to render into" in err
    assert snapshot(tmp_path) == before


def test_refuses_the_working_directory(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    (work / "src").mkdir(parents=True)
    (work / "src" / "notes.md").write_text("mine")
    monkeypatch.chdir(work / "src")
    before = snapshot(tmp_path)
    for out in (".", "..", str(work)):
        assert "working directory" in refused(["render", str(spec), "-o", out], capsys)
    assert snapshot(tmp_path) == before


def test_refuses_home_and_keeps_authorized_keys(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home" / "ops"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "authorized_keys").write_text("ssh-ed25519 AAAA ops\n")
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(tmp_path)
    assert "home folder" in refused(["render", str(spec), "-o", str(home)], capsys)
    assert "home folder" in refused(["render", str(spec), "-o", str(home.parent)], capsys)
    assert snapshot(tmp_path) == before


def test_refuses_a_regular_file(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "build.txt"
    target.write_text("not a folder")
    assert "not a folder" in refused(["render", str(spec), "-o", str(target)], capsys)
    assert target.read_text() == "not a folder"


def test_refuses_a_folder_it_does_not_own(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8 jpeg")
    before = snapshot(tmp_path)
    assert "--force" in refused(["render", str(spec), "-o", str(out)], capsys)
    assert snapshot(tmp_path) == before


def test_force_keeps_every_foreign_file(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    (out / "configs").mkdir(parents=True)
    (out / "README.ops").write_text("runbook")
    (out / "configs" / "site-notes.txt").write_text("in a folder render also writes")
    (out / "empty-folder").mkdir()
    (tmp_path / "outside.txt").write_text("outside")
    (out / "link-out").symlink_to(tmp_path / "outside.txt")
    mine = {k: v for k, v in snapshot(out).items() if k != "configs"}
    assert main(["render", str(spec), "-o", str(out), "--force"]) == 0
    after = snapshot(out)
    assert {k: after[k] for k in mine} == mine
    assert (out / "link-out").is_symlink() and (tmp_path / "outside.txt").read_text() == "outside"
    manifest = (out / "MANIFEST.sha256").read_text()
    assert "README.ops" not in manifest and "configs/site-notes.txt" not in manifest
    # The folder now has a manifest: later renders need no --force and still keep the user's files.
    (out / "later.txt").write_text("added after the first render")
    assert main(["render", str(spec), "-o", str(out)]) == 0
    after = snapshot(out)
    assert {k: after[k] for k in mine} == mine and after["later.txt"] == b"added after the first render"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")) == []


def test_owned_files_are_replaced_and_dropped(spec: Path, tmp_path: Path) -> None:
    """What the previous manifest lists is the render's: rewritten, or removed when no longer rendered."""
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    (out / "configs" / "retired-switch.cfg").write_text("old switch")
    with (out / "MANIFEST.sha256").open("a") as f:
        f.write(f"{'0' * 64}  configs/retired-switch.cfg\n")
    (out / "cabling.csv").write_text("hand edit")
    assert main(["render", str(spec), "-o", str(out)]) == 0
    assert not (out / "configs" / "retired-switch.cfg").exists()
    assert (out / "cabling.csv").read_text().startswith("fabric,kind,")


def test_a_foreign_file_in_the_way_is_refused_then_forced(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    lines = (out / "MANIFEST.sha256").read_text().splitlines()
    (out / "MANIFEST.sha256").write_text("".join(f"{line}\n" for line in lines if not line.endswith("  bom.csv")))
    (out / "bom.csv").write_text("my own bill of materials")
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert "bom.csv" in refused(["render", str(spec), "-o", str(out)], capsys)
    assert snapshot(tmp_path) == before
    assert main(["render", str(spec), "-o", str(out), "--force"]) == 0
    assert "replaced 1 file(s)" in capsys.readouterr().err
    assert (out / "bom.csv").read_text().startswith("category,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in ("site", "out")) == []  # nothing kept aside


@pytest.mark.parametrize("line", ["../../site/lab/cluster.yaml", "/etc/passwd", "a/../../x", "./bom.csv", "escape/x"])
def test_a_manifest_that_leads_out_is_refused(
    line: str, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    (out / "escape").symlink_to(tmp_path / "site")
    with (out / "MANIFEST.sha256").open("a") as f:
        f.write(f"{'0' * 64}  {line}\n")
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert "MANIFEST.sha256" in refused(["render", str(spec), "-o", str(out)], capsys)
    assert "MANIFEST.sha256" in refused(["render", str(spec), "-o", str(out), "--check"], capsys)
    assert snapshot(tmp_path) == before


def test_a_listed_folder_swapped_for_a_symlink_out_is_refused(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder deep in the tree (each distinct folder is tested once) that now leads outside."""
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    nested = out / "nodes" / "lab-gpu-001" / "etc"
    shutil.rmtree(nested)
    nested.symlink_to(tmp_path / "site")
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert "outside it" in refused(["render", str(spec), "-o", str(out)], capsys)
    assert snapshot(tmp_path) == before


def test_a_symlinked_folder_is_followed_and_kept(spec: Path, tmp_path: Path) -> None:
    real = tmp_path / "big-disk" / "build"
    real.mkdir(parents=True)
    (real / "keep.txt").write_text("on the big disk")
    link = tmp_path / "build"
    link.symlink_to(real)
    assert main(["render", str(spec), "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "keep.txt").read_text() == "on the big disk"
    assert (real / "MANIFEST.sha256").is_file()


def test_a_symlink_to_the_spec_folder_is_refused(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "out"
    link.symlink_to(spec.parent)
    before = snapshot(tmp_path)
    assert "spec's folder" in refused(["render", str(spec), "-o", str(link)], capsys)
    assert snapshot(tmp_path) == before


def test_check_follows_ownership(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    (out / "operator-notes.txt").write_text("mine")
    capsys.readouterr()
    assert main(["render", str(spec), "-o", str(out), "--check"]) == 0
    (out / "cabling.csv").write_text("edited by hand\n")
    (out / "design.yaml").unlink()
    (out / "design.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert main(["render", str(spec), "-o", str(out), "--check"]) == 3
    assert capsys.readouterr().out.split() == ["cabling.csv", "design.yaml"]
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(b"jpeg")
    assert "--force" in refused(["render", str(spec), "-o", str(photos), "--check"], capsys)
