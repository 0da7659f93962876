"""Incremental render: the same bytes as a full render, whatever changed, and only what changed re-rendered.

Each case renders a small example into DIR, changes the spec (one node's facts, a node added,
an ECN threshold, a user, a scalable unit, a switch model), renders incrementally into the
same DIR and compares the whole tree, byte for byte, with a full render into a fresh folder.
The slice test proves the premise: every switch and node renders the same files from its
slice of the Design as from the whole Design, so a fingerprint of the slice covers every
input the renderer reads.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.nos import driver
from aiinfra.pipeline import design_from_file, render_files, render_into
from aiinfra.render import incremental
from aiinfra.render.incremental import FINGERPRINTS, Basis, device_slice, node_slice
from aiinfra.render.inventory import inventory_files
from aiinfra.render.output import MANIFEST
from aiinfra.render.platforms import per_node, platform_files
from tests.conftest import EXAMPLES, SMALL_EXAMPLES, example, write_spec

Edit = Callable[[dict[str, Any], Path], None]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        os.path.relpath(os.path.join(d, f), root): Path(d, f).read_bytes() for d, _, fs in os.walk(root) for f in fs
    }


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_slices_render_what_the_whole_design_renders(name: str) -> None:
    """Switch configs, node files and host_vars from each unit's slice are those of the whole Design."""
    design = example(name).design
    basis = Basis.of(design)
    for device in design.devices.values():
        whole = driver(device.os).render_device(device, design)
        assert driver(device.os).render_device(device, device_slice(basis, design, device.name)) == whole
    if per_node(design) and design.nodes:
        sliced: dict[str, str] = {}
        for i in range(len(design.nodes)):
            sliced.update(platform_files(node_slice(basis, design, i)))
        assert sliced == platform_files(design)
    rendered = render_files(example(name)).files
    assert {p: t for p, t in rendered.items() if p.startswith("inventory/")} == {
        p: t.encode() for p, t in inventory_files(design).items()
    }
    platform = platform_files(design)
    assert {p: rendered[p] for p in platform} == {p: t.encode() for p, t in platform.items()}


def _spec(tmp: Path, name: str, edit: Edit | None) -> Path:
    """The example's spec (and its node-facts file) copied into ``tmp``, edited."""
    tmp.mkdir(parents=True, exist_ok=True)
    source = EXAMPLES / name
    for extra in source.iterdir():
        if extra.is_file() and extra.name != "cluster.yaml":
            shutil.copy(extra, tmp / extra.name)
    data = yaml.safe_load((source / "cluster.yaml").read_text())
    if edit:
        edit(data, tmp)
    return write_spec(tmp, data)


def _facts(data: dict[str, Any], tmp: Path) -> None:
    path = tmp / data["compute"]["node_facts"]
    lines = path.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("ahv-gpu-002,"))
    lines[row] = lines[row].replace("0c:c4:7a:20:00:02", "0c:c4:7a:20:00:99")
    path.write_text("".join(lines))


def _lab_facts(changed: bool) -> Edit:
    """The lab with a node-facts file giving each node's first back-end NIC a MAC; ``changed``: one differs."""

    def edit(data: dict[str, Any], tmp: Path) -> None:
        nodes = example("lab").design.nodes
        netdev = nodes[0].backend[0].netdev
        rows = [f"host,mac.{netdev}\n"]
        for i, node in enumerate(nodes):
            last = 0x99 if changed and i == 1 else i
            rows.append(f"{node.name},aa:bb:cc:00:01:{last:02x}\n")
        (tmp / "node-facts.csv").write_text("".join(rows))
        data["compute"]["node_facts"] = "node-facts.csv"

    return edit


def _add_node(data: dict[str, Any], tmp: Path) -> None:
    data["compute"]["nodes"] += 1


def _ecn(data: dict[str, Any], tmp: Path) -> None:
    data["fabrics"]["backend"]["roce"]["ecn"] = {"min_kbytes": 300, "max_kbytes": 1500, "max_probability": 10}


def _user(data: dict[str, Any], tmp: Path) -> None:
    data["security"]["users"].append({"name": "auditor", "role": "admin", "ssh_keys": [_KEY]})


_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF96/wCIP8Jkvui8FlGt7KN3vSSXO+Go0xp2/6g/uR+a auditor@lab"


def _add_su(data: dict[str, Any], tmp: Path) -> None:
    data["compute"]["nodes"] += 4


def _leaf_model(data: dict[str, Any], tmp: Path) -> None:
    data["fabrics"]["backend"]["switches"]["leaf"] = {"model": "sn5600", "os": "sonic"}


# case -> (example, spec edit before, spec edit after)
CASES: dict[str, tuple[str, Edit | None, Edit]] = {
    "ahv-one-node-facts": ("ahv-inference", None, _facts),
    "lab-one-node-facts": ("lab", _lab_facts(False), _lab_facts(True)),
    "lab-node-added": ("lab", None, _add_node),
    "lab-ecn-threshold": ("lab", None, _ecn),
    "lab-new-user": ("lab", None, _user),
    "lab-leaf-model": ("lab", None, _leaf_model),
    "srlinux-new-su": ("srlinux-2su", None, _add_su),
}


SLOW_CASES = {"srlinux-new-su", "lab-node-added", "lab-new-user"}  # 3 to 5 s each on the shared machine


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=[pytest.mark.slow] if c in SLOW_CASES else []) for c in sorted(CASES)]
)
def test_incremental_render_equals_a_full_render(case: str, tmp_path: Path) -> None:
    name, before, after = CASES[case]
    out = tmp_path / "out"
    first = render_into(design_from_file(_spec(tmp_path / "a", name, before)), out)
    assert first.kept == 0 and first.units > 0
    (out / "notes.txt").write_text("mine")  # a user file: carried over
    changed = design_from_file(_spec(tmp_path / "b", name, after))
    again = render_into(changed, out)
    full = render_into(changed, tmp_path / "fresh", incremental=False)
    assert full.kept == 0
    assert 0 < again.kept < again.units or case == "ahv-one-node-facts"  # no unit reads the BMC MAC there
    tree = _tree(out)
    assert tree.pop("notes.txt") == b"mine"
    assert tree == _tree(tmp_path / "fresh")
    assert render_files(changed).changes_against(_target(out)) == []  # --check agrees


def _target(out: Path) -> Any:
    from aiinfra.render.output import prepare

    return prepare(out)


def _lab(tmp_path: Path) -> tuple[Any, Path]:
    result = example("lab")
    out = tmp_path / "out"
    render_into(result, out)
    return result, out


def test_an_unchanged_render_keeps_every_unit_and_links_the_old_inodes(tmp_path: Path) -> None:
    result, out = _lab(tmp_path)
    config = next(p for p in (out / "configs").iterdir())
    inode = config.stat().st_ino
    again = render_into(result, out)
    assert again.kept == again.units
    assert config.stat().st_ino == inode  # hard-linked, not rewritten


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("damage", ["edit", "chmod", "remove", "symlink", "swap"])
def test_a_damaged_kept_file_is_rendered_again(damage: str, tmp_path: Path) -> None:
    result, out = _lab(tmp_path)
    config, other = sorted((out / "configs").iterdir())[0:3:2]  # two switches' (each has two files)
    good, other_good = config.read_bytes(), other.read_bytes()
    damaged = 1
    if damage == "swap":  # two switches' configs exchanged (renames: each file is whole and 0644)
        assert good != other_good
        config.rename(tmp_path / "swapping")
        other.rename(config)
        (tmp_path / "swapping").rename(other)
        damaged = 2
    elif damage == "edit":
        config.write_bytes(good + b"! local edit\n")
    elif damage == "chmod":
        config.chmod(0o600)
    elif damage == "remove":
        config.unlink()
    else:
        (tmp_path / "elsewhere").write_bytes(good)
        config.unlink()
        config.symlink_to(tmp_path / "elsewhere")
    again = render_into(result, out)
    assert again.kept == again.units - damaged
    assert config.read_bytes() == good and not config.is_symlink() and config.stat().st_mode & 0o777 == 0o644
    assert other.read_bytes() == other_good
    assert _tree(out) == _tree_full(result, tmp_path)


def _tree_full(result: Any, tmp_path: Path) -> dict[str, bytes]:
    render_into(result, tmp_path / "full", incremental=False)
    return _tree(tmp_path / "full")


@pytest.mark.parametrize("damage", ["edit", "garbage", "remove"])
def test_damaged_fingerprints_render_everything(damage: str, tmp_path: Path) -> None:
    result, out = _lab(tmp_path)
    path = out / FINGERPRINTS
    if damage == "edit":  # a plausible edit: the digest no longer matches the manifest
        path.write_bytes(path.read_bytes().replace(b'"fingerprint":"', b'"fingerprint":"0', 1))
    elif damage == "garbage":  # even with the manifest edited to match, junk is no fingerprint
        path.write_bytes(b"[1, 2")
        manifest = out / MANIFEST
        lines = [
            f"{_digest(path)}  {FINGERPRINTS}" if line.endswith(FINGERPRINTS) else line
            for line in manifest.read_text().splitlines()
        ]
        manifest.write_text("\n".join(lines) + "\n")
    else:
        path.unlink()
    again = render_into(result, out)
    assert again.kept == 0
    assert _tree(out) == _tree_full(result, tmp_path)


def test_a_code_change_renders_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, out = _lab(tmp_path)
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "another aiinfra")
    assert render_into(result, out).kept == 0


def test_full_renders_everything(tmp_path: Path) -> None:
    result, out = _lab(tmp_path)
    assert render_into(result, out, incremental=False).kept == 0


def test_the_fingerprints_are_listed_and_name_every_unit_file(tmp_path: Path) -> None:
    result, out = _lab(tmp_path)
    manifest = dict(reversed(line.split("  ", 1)) for line in (out / MANIFEST).read_text().splitlines())
    assert manifest[FINGERPRINTS] == _digest(out / FINGERPRINTS)
    import json

    units = json.loads((out / FINGERPRINTS).read_text())["units"]
    design = result.design
    assert set(units) == {f"switch/{d}" for d in design.devices} | {f"node/{n.name}" for n in design.nodes}
    for entry in units.values():
        assert entry["files"] and all(p in manifest for p in entry["files"])


def _verifies(out: Path) -> bool:
    """Every file the manifest lists has its digest (what a killed or failed render must leave)."""
    lines = (out / MANIFEST).read_text().splitlines()
    return all(_digest(out / line.split("  ", 1)[1]) == line.split("  ", 1)[0] for line in lines)


def test_a_full_disk_during_an_incremental_render_leaves_the_old_tree_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while re-rendering one unit, after other units' files were linked from the old
    tree: the old tree still verifies, its kept files were not written through, no debris."""
    from aiinfra.render import output as output_module

    before = design_from_file(_spec(tmp_path / "a", "lab", None))
    out = tmp_path / "out"
    render_into(before, out)
    old = _tree(out)
    changed = design_from_file(_spec(tmp_path / "b", "lab", _ecn))  # back-end switches change, the rest is kept
    real = output_module.write_file

    def full(target: str, data: bytes) -> None:
        if "/configs/" in target:
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(output_module, "write_file", full)
    with pytest.raises(OSError, match="No space"):
        render_into(changed, out)
    assert _tree(out) == old and _verifies(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    monkeypatch.undo()
    assert render_into(changed, out).kept > 0  # and the next render goes through


def test_the_cli_says_what_it_kept_and_full_keeps_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aiinfra.cli import main

    spec, out = str(EXAMPLES / "lab" / "cluster.yaml"), str(tmp_path / "out")
    assert main(["render", spec, "-o", out]) == 0
    assert "kept" not in capsys.readouterr().err
    assert main(["render", spec, "-o", out]) == 0
    units = len(example("lab").design.devices) + len(example("lab").design.nodes)
    assert f"kept the previous files of {units} of {units} switches and nodes (unchanged)" in capsys.readouterr().err
    assert main(["render", spec, "-o", out, "--full"]) == 0
    assert "kept" not in capsys.readouterr().err
    assert main(["render", spec, "-o", out, "--check"]) == 0
