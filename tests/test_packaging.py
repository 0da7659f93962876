"""A plain `pip install .` (a wheel, not an editable install) must carry templates/,
playbooks/ and the catalog data, and render the lab example from anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (found,) = out.glob("aiinfra-*.whl")
    return found


def test_wheel_contains_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [
        p.relative_to(ROOT).as_posix()
        for folder in ("aiinfra/nos", "aiinfra/platforms")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix in {".j2", ".yml", ".yaml"}
    ]
    assert any(n.endswith("/capabilities.yaml") for n in data) and any(n.endswith(".j2") for n in data)
    assert set(data) <= names  # every driver's templates, tasks and capability table ship
    assert "aiinfra/catalog/data/switches.yaml" in names
    # The preflight finds the drivers' tasks beside the installed playbooks (../nos/<driver>/tasks).
    assert {"aiinfra/_playbooks/site.yml", "aiinfra/_playbooks/vars/drivers.yml"} <= names
    # The Ansible collection aiinfra.fabric, built by hatch_build.py, for `aiinfra collection install`.
    assert any(n.startswith("aiinfra/_collection/aiinfra-fabric-") and n.endswith(".tar.gz") for n in names)


def test_installed_wheel_renders_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    spec = tmp_path / "cluster.yaml"
    spec.write_text((ROOT / "inventories" / "lab" / "cluster.yaml").read_text())
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    where = subprocess.run(
        [sys.executable, "-c", "import aiinfra; print(aiinfra.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(target))
    run = subprocess.run(
        [sys.executable, "-m", "aiinfra", "render", str(spec), "-o", str(tmp_path / "out")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "MANIFEST.sha256").is_file()


@pytest.mark.slow
def test_readme_deploy_commands_work_after_a_plain_install(wheel: Path, tmp_path: Path) -> None:
    """pip install, render, `aiinfra collection install`, then the README's ansible-playbook line parses."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "ansible-playbook").exists():
        pytest.skip("ansible-playbook not installed: pip install '.[deploy]'")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    spec = tmp_path / "cluster.yaml"
    spec.write_text((ROOT / "inventories" / "lab" / "cluster.yaml").read_text())
    collections = tmp_path / "collections"
    env = {
        "PYTHONPATH": str(target),
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
    }

    def aiinfra(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "aiinfra", *argv], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    assert aiinfra("render", str(spec), "-o", str(tmp_path / "build")).returncode == 0
    installed = aiinfra("collection", "install", "-p", str(collections))
    assert installed.returncode == 0, installed.stderr
    import ansible_collections  # the collections ansible bundles (arista.eos, cisco.nxos, ...)

    bundled = Path(ansible_collections.__path__[0]).parent
    env["ANSIBLE_COLLECTIONS_PATH"] = f"{collections}:{bundled}"
    parsed = subprocess.run(
        [str(bin_dir / "ansible-playbook"), "-i", "build/inventory", "aiinfra.fabric.site", "--syntax-check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    assert str(collections / "ansible_collections" / "aiinfra" / "fabric" / "playbooks" / "site.yml") in parsed.stdout
