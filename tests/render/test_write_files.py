"""write_files with a folder set shared across calls (one render job's units) writes what it is given.

The shared set spares the ``stat`` and ``mkdir`` calls for folders already made, so it must
never hide a folder that is missing or a file where a folder should be.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from aiinfra.render.output import write_files


def test_units_sharing_a_folder_set_write_every_file(tmp_path: Path) -> None:
    made: set[str] = set()
    units = [
        {f"nodes/n{i}/etc/netplan/60.yaml": f"a{i}", f"nodes/n{i}.yml": f"b{i}", f"inventory/host_vars/n{i}.yml": "c"}
        for i in range(3)
    ]
    digests: dict[str, str] = {}
    for files in units:
        digests.update(write_files(tmp_path, files, made))
    for files in units:
        for path, text in files.items():
            assert (tmp_path / path).read_text() == text
            assert digests[path] == hashlib.sha256(text.encode()).hexdigest()
    assert {os.fspath(tmp_path / "nodes/n2/etc/netplan"), os.fspath(tmp_path / "inventory")} <= made


def test_a_folder_another_process_made_is_fine(tmp_path: Path) -> None:
    (tmp_path / "nodes/n0").mkdir(parents=True)  # a worker's, not in this process's set
    write_files(tmp_path, {"nodes/n0/etc/x": "x"}, set())
    assert (tmp_path / "nodes/n0/etc/x").read_text() == "x"


def test_a_file_where_a_folder_belongs_fails_and_is_named(tmp_path: Path) -> None:
    (tmp_path / "nodes").write_text("not a folder")
    with pytest.raises(OSError) as caught:
        write_files(tmp_path, {"nodes/n0/etc/x": "x"}, set())
    assert str(tmp_path / "nodes") in str(caught.value.filename)


def test_without_a_set_the_root_is_made(tmp_path: Path) -> None:
    root = tmp_path / "new/root"
    assert write_files(root, {"a/b": b"x"}) == {"a/b": hashlib.sha256(b"x").hexdigest()}
    assert (root / "a/b").read_bytes() == b"x"
