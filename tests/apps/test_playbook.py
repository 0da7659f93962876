"""playbooks/apps.yml: syntax-check against a rendered inventory, ansible-lint (production), and a
real run of the OpenShift play's platform gate on a render of another platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiinfra.pipeline import write_rendered
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible
from tests.playbooks.ansiblerun import run as _run

PLAY = "playbooks/apps.yml"


@pytest.fixture(scope="module")
def ahv_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    write_rendered(example("ahv-inference"), out)
    (out / "playbooks").symlink_to(ROOT / "playbooks")
    return out


@needs_ansible
def test_syntax_check_against_the_rendered_inventory(ahv_render: Path, tmp_path: Path) -> None:
    run = _run([str(BIN / "ansible-playbook"), "--syntax-check", "-i", str(ahv_render / "inventory"), PLAY], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


@needs_ansible
@pytest.mark.slow
@pytest.mark.skipif(not (BIN / "ansible-lint").exists(), reason="ansible-lint not installed: pip install '.[deploy]'")
def test_ansible_lint_production_profile(tmp_path: Path) -> None:
    run = _run([str(BIN / "ansible-lint"), "--offline", "--profile", "production", "--nocolor", PLAY], tmp_path, 600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Profile 'production' was required, and it passed" in run.stdout + run.stderr


@needs_ansible
@pytest.mark.slow
def test_the_openshift_play_reads_the_vars_and_leaves_other_platforms(ahv_render: Path, tmp_path: Path) -> None:
    """A real ansible-playbook run: apps/vars.yml loads (its !unsafe strings included) and the
    OpenShift play ends on an AHV render before it touches any cluster."""
    inventory = ["-i", str(ahv_render / "inventory"), "-i", "localhost,"]  # localhost explicit, so --limit finds it
    argv = [
        str(BIN / "ansible-playbook"),
        *inventory,
        PLAY,
        "--limit",
        "localhost",
        "-c",
        "local",
        "-e",
        f"aiinfra_build_dir={ahv_render}",
    ]
    run = _run(argv, tmp_path, 300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Read the apps data" in run.stdout
    assert "Apply the namespace" not in run.stdout
