"""The Ansible collection aiinfra.fabric: built from the sources, installed by the real ansible-galaxy
(which checks every file against FILES.json), parsed by ansible-playbook and linted by ansible-lint."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from aiinfra.cli import main
from aiinfra.collection.build import Sources, assemble, build_tarball, playbook_names
from aiinfra.nos import driver_names
from tests.playbooks.ansiblerun import BIN, env, needs_ansible, run


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tarball(tmp_path_factory.mktemp("collection"))


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def test_the_tarball_is_byte_identical_on_rebuild(tarball: Path, tmp_path: Path) -> None:
    assert build_tarball(tmp_path).read_bytes() == tarball.read_bytes()


def test_the_collection_holds_playbooks_roles_plugins_and_every_drivers_tasks(tarball: Path) -> None:
    files = members(tarball)
    assert {"playbooks/site.yml", "playbooks/switches.yml", "playbooks/health_gate.yml", "playbooks/nodes.yml"} <= set(
        files
    )
    assert "roles/aiinfra_node/meta/argument_specs.yml" in files
    specs = yaml.safe_load(files["roles/aiinfra_node/meta/argument_specs.yml"])
    assert specs["argument_specs"]["main"]["options"]
    assert {"plugins/filter/aiinfra_secrets.py", "plugins/filter/aiinfra_sonic.py"} <= set(files)
    assert yaml.safe_load(files["meta/runtime.yml"])["requires_ansible"].startswith(">=")
    for name in driver_names():
        assert f"nos/{name}/tasks/deploy.yml" in files, name
    assert "galaxy.yml" not in files  # ansible-galaxy replaces it with MANIFEST.json


def test_files_json_lists_every_file_with_its_checksum(tarball: Path) -> None:
    files = members(tarball)
    manifest = json.loads(files["MANIFEST.json"])
    assert manifest["collection_info"]["namespace"] == "aiinfra" and manifest["collection_info"]["name"] == "fabric"
    assert manifest["file_manifest_file"]["chksum_sha256"] == hashlib.sha256(files["FILES.json"]).hexdigest()
    listed = {e["name"]: e["chksum_sha256"] for e in json.loads(files["FILES.json"])["files"] if e["ftype"] == "file"}
    packed = {k: hashlib.sha256(v).hexdigest() for k, v in files.items() if k not in {"MANIFEST.json", "FILES.json"}}
    assert listed == packed


def test_playbook_names_are_fqcns_of_the_playbooks() -> None:
    names = playbook_names()
    assert "aiinfra.fabric.site" in names and "aiinfra.fabric.health_gate" in names
    assert len(names) == len([p for p in Sources.find().playbooks.glob("*.yml") if p.name != "requirements.yml"])


@needs_ansible
@pytest.mark.slow
def test_ansible_galaxy_builds_the_same_files_from_the_assembled_tree(tarball: Path, tmp_path: Path) -> None:
    """ansible-galaxy's own build of the same tree lists the same files with the same checksums."""
    tree = assemble(tmp_path / "tree")
    done = run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(tree)], tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr

    def listing(path: Path) -> set[tuple[str, str, str | None]]:
        entries = json.loads(members(path)["FILES.json"])["files"]
        return {(e["name"], e["ftype"], e["chksum_sha256"]) for e in entries}

    theirs = tmp_path / tarball.name
    assert listing(theirs) == listing(tarball)


@needs_ansible
@pytest.mark.slow
def test_installed_collection_parses_and_passes_ansible_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "collections"
    assert main(["collection", "install", "-p", str(path)]) == 0
    assert "aiinfra.fabric.site" in capsys.readouterr().out
    installed = path / "ansible_collections" / "aiinfra" / "fabric"
    extra = {"ANSIBLE_COLLECTIONS_PATH": f"{path}:{env(tmp_path)['ANSIBLE_COLLECTIONS_PATH']}"}
    galaxy = [str(BIN / "ansible-galaxy"), "collection", "verify", "--offline", "-p", str(path), "aiinfra.fabric"]
    verify = run(galaxy, tmp_path, extra=extra)
    assert verify.returncode == 0 and "internally consistent" in verify.stdout, verify.stdout + verify.stderr
    for playbook in playbook_names():
        done = run([str(BIN / "ansible-playbook"), playbook, "--syntax-check"], tmp_path, extra=extra)
        assert done.returncode == 0, playbook + done.stdout + done.stderr
    lint = subprocess.run(
        [str(BIN / "ansible-lint"), "--offline", "--profile", "production", "--nocolor"],
        cwd=installed,
        env=env(tmp_path, extra),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-3000:]
    assert "Profile 'production' was required, and it passed" in lint.stdout + lint.stderr
