"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit on an example spec repository.

``pre-commit try-repo`` reads the hooks from this checkout exactly as a user's ``repo:`` line would; the hooks
are ``language: system``, so it installs nothing and needs no network. The console script the wheel installs
(``aiinfra-pre-commit``) is stood in for by a shim on PATH that runs this checkout's entry point.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aiinfra.cli import main
from aiinfra.precommit import spec_of
from tests.conftest import ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
needs_pre_commit = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit not installed (test extra)")


def test_hooks_name_the_installed_entry_point() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"aiinfra-validate", "aiinfra-render-check"}
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'aiinfra-pre-commit = "aiinfra.precommit:main"' in scripts
    assert all(h["entry"].startswith("aiinfra-pre-commit ") and h["language"] == "system" for h in hooks.values())


def test_changed_files_map_to_their_spec(tmp_path: Path) -> None:
    spec = tmp_path / "site" / "cluster.yaml"
    (spec.parent / "build" / "configs").mkdir(parents=True)
    spec.write_text("name: x\n")
    assert spec_of(spec) == spec
    assert spec_of(spec.parent / "build" / "configs" / "a.cfg") == spec.resolve()


def git(repo: Path, *argv: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *argv],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@needs_pre_commit
@pytest.mark.slow
def test_hooks_pass_a_good_spec_repo_and_fail_a_broken_one(tmp_path: Path) -> None:
    repo = tmp_path / "specs"
    (repo / "lab").mkdir(parents=True)
    spec = repo / "lab" / "cluster.yaml"
    shutil.copy(ROOT / "inventories" / "lab" / "cluster.yaml", spec)
    assert main(["render", str(spec), "-o", str(repo / "lab" / "build")]) == 0
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "lab")
    shim = tmp_path / "bin" / "aiinfra-pre-commit"
    shim.parent.mkdir()
    shim.write_text(f"#!{sys.executable}\nimport sys\nfrom aiinfra.precommit import main\nsys.exit(main())\n")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{shim.parent}:{PRE_COMMIT.parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "ci",
        "GIT_AUTHOR_EMAIL": "ci@example.com",
        "GIT_COMMITTER_NAME": "ci",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
    }

    def hook(hook_id: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(ROOT), hook_id, "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    for hook_id in ("aiinfra-validate", "aiinfra-render-check"):
        ok = hook(hook_id)
        assert ok.returncode == 0 and "Passed" in ok.stdout, ok.stdout + ok.stderr

    config = next((repo / "lab" / "build" / "configs").glob("*.cfg"))
    config.write_text(config.read_text() + "! edited by hand\n")
    stale = hook("aiinfra-render-check")
    assert stale.returncode != 0 and config.name in stale.stdout, stale.stdout
    git(repo, "checkout", "--", ".")

    spec.write_text(spec.read_text().replace("priority: 3", "priority: 9"))
    bad = hook("aiinfra-validate")
    assert bad.returncode != 0 and "Failed" in bad.stdout, bad.stdout
    assert "cluster.yaml:" in bad.stdout and "fabrics.backend.roce.priority" in bad.stdout, bad.stdout
