"""The reports are written a block of rows at a time (:func:`aiinfra.render.reports.write_reports`):
the same bytes as the whole texts, the digests of those bytes, and write_files' refusals."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from aiinfra.render import reports
from aiinfra.render.output import write_files, write_pieces
from tests.conftest import example


@pytest.mark.parametrize("name", ["lab", "superpod-4su"])
def test_streamed_reports_are_the_whole_texts(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "_BLOCK_ROWS", 7)  # many blocks even for a small design
    design = example(name).design
    whole = reports.reports(design)
    assert list(whole) == ["design.yaml", "cabling.csv", "addressing.csv", "bom.csv"]
    assert whole["cabling.csv"] == reports.cabling_csv(design) and whole["bom.csv"] == reports.bom_csv(design)
    assert whole["addressing.csv"] == reports.addressing_csv(design)
    assert whole["addressing.csv"].count("\n") > 3 * 7
    digests = reports.write_reports(design, tmp_path / "a")
    assert digests == write_files(tmp_path / "b", whole)
    for path, text in whole.items():
        data = (tmp_path / "a" / path).read_bytes()
        assert data == text.encode() and digests[path] == hashlib.sha256(data).hexdigest()


def test_pieces_never_write_through_an_existing_file(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("kept\n")
    os.link(old, tmp_path / "x.csv")  # a file kept from the old tree
    with pytest.raises(FileExistsError) as info:
        write_pieces(tmp_path, "x.csv", ["new\n"])
    assert info.value.filename == f"{tmp_path}/x.csv" and old.read_text() == "kept\n"


@pytest.mark.parametrize("path", ["/etc/x.csv", "../x.csv", "a/../../x.csv"])
def test_pieces_refuse_an_unsafe_path(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="unsafe output path"):
        write_pieces(tmp_path, path, ["x"])


def test_pieces_make_the_folder_and_hash_what_they_write(tmp_path: Path) -> None:
    digest = write_pieces(tmp_path, "r/a.csv", ["h\n", "", "é,1\n"])
    assert (tmp_path / "r" / "a.csv").read_bytes() == "h\né,1\n".encode()
    assert digest == hashlib.sha256("h\né,1\n".encode()).hexdigest()


def test_a_failed_write_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC from ``write`` names no file; the CLI's one-line message needs it (tests/test_cli.py)."""

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as info:
        write_pieces(tmp_path, "bom.csv", ["h\n"])
    assert info.value.errno == 28 and info.value.filename == f"{tmp_path}/bom.csv"
