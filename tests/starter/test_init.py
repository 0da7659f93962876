"""``aiinfra init`` writes a starter that validates as written, for every switch OS and platform."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from aiinfra import nos
from aiinfra.cli import main
from aiinfra.pipeline import design_from_file
from aiinfra.starter.choices import PLATFORMS, fabric_switch


@pytest.fixture(scope="module")
def ssh_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = tmp_path_factory.mktemp("key") / "id"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "admin@site", "-f", str(key)], check=True)
    return key.with_suffix(".pub")


def _init(tmp: Path, key: Path, *args: str) -> tuple[int, Path]:
    spec = tmp / "cluster.yaml"
    return main(["init", "--ssh-key", str(key), "-o", str(spec), *args]), spec


def test_the_issues_example_validates_as_written(tmp_path: Path, ssh_key: Path) -> None:
    code, spec = _init(tmp_path, ssh_key, "--gpus", "256", "--os", "eos", "--platform", "openshift")
    assert code == 0
    result = design_from_file(spec)
    assert sum(n.gpus for n in result.design.nodes) == 256
    assert {d.os for d in result.design.devices.values() if d.fabric != "oob"} == {"eos"}
    assert result.design.platform is not None and result.design.platform.type == "openshift"
    facts = yaml.safe_load((tmp_path / "node-facts.yaml").read_text())
    assert set(facts["nodes"]) == {n.name for n in result.design.nodes}
    text = spec.read_text()
    assert "SITE" in text and "aiinfra validate" in text, "the starter says what to review and what to run"


@pytest.mark.slow
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("os", nos.names())
def test_every_os_and_platform_validates(tmp_path: Path, ssh_key: Path, os: str, platform: str) -> None:
    code, spec = _init(tmp_path, ssh_key, "--gpus", "64", "--os", os, "--platform", platform, "--server", "dgx-h100")
    assert code == 0
    design = design_from_file(spec).design
    assert {d.model for d in design.devices.values() if d.fabric == "backend"} == {fabric_switch(os)}


@pytest.mark.slow
@pytest.mark.parametrize("gpus", [8, 512, 4096])
def test_sizes_validate_and_pools_fit(tmp_path: Path, ssh_key: Path, gpus: int) -> None:
    code, spec = _init(tmp_path, ssh_key, "--gpus", str(gpus))
    assert code == 0
    assert sum(n.gpus for n in design_from_file(spec).design.nodes) == gpus


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gpus", "12"], "not a whole number of dgx-h200 nodes"),
        (["--gpus", "64", "--platform", "nutanix", "--server", "dgx-b200"], "--gpu-device-id"),
        (["--gpus", "64", "--server", "dgx-h9000"], "unknown server"),
    ],
)
def test_impossible_requests_exit_2(
    tmp_path: Path, ssh_key: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, spec = _init(tmp_path, ssh_key, *args)
    assert code == 2 and not spec.exists()
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_never_overwrites_without_force(tmp_path: Path, ssh_key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text("mine\n")
    code, _ = _init(tmp_path, ssh_key, "--gpus", "16")
    assert code == 2 and spec.read_text() == "mine\n"
    assert "--force" in capsys.readouterr().err
    assert _init(tmp_path, ssh_key, "--gpus", "16", "--force")[0] == 0


def test_a_bad_key_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pub"
    key.write_text("not a key\n")
    code, spec = _init(tmp_path, key, "--gpus", "16")
    assert code == 2 and not spec.exists()
    assert "not an OpenSSH public key" in capsys.readouterr().err


def test_deterministic(tmp_path: Path, ssh_key: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    assert _init(a, ssh_key, "--gpus", "128", "--platform", "vmware", "--server", "dgx-h100")[0] == 0
    assert _init(b, ssh_key, "--gpus", "128", "--platform", "vmware", "--server", "dgx-h100")[0] == 0
    for name in ("cluster.yaml", "node-facts.yaml"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_a_few_nodes_get_the_small_design(tmp_path: Path, ssh_key: Path) -> None:
    code, spec = _init(tmp_path, ssh_key, "--gpus", "16")
    assert code == 0
    result = design_from_file(spec)
    assert result.design.backend_tiers == 1 and not result.warnings
    assert sum(d.fabric != "oob" for d in result.design.devices.values()) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gpus", "8", "--name", "Bad Name!"], "--name 'Bad Name!' cannot prefix hostnames"),
        (["--gpus", "8", "--name", ""], "cannot prefix hostnames"),
        (["--gpus", "8", "--platform", "nutanix", "--gpu-device-id", "-1"], "platform.gpu_device_id"),
        (["--gpus", "8", "--platform", "vmware", "--vgpu-profile", "x\n  gpu_mode: passthrough"], "vgpu_profile"),
        (["--gpus", "262144"], "fabrics.frontend"),
        (["--gpus", "1048576"], "more addresses than 172.16.0.0/12"),
    ],
)
def test_arguments_that_cannot_validate_exit_2_without_a_file(
    tmp_path: Path, ssh_key: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad names, IDs and profiles, and sizes past one fabric, are the user's input, not a bug:
    exit 2 with the reason (never exit 1 with a crash log), and a hostile vGPU profile is a
    quoted YAML scalar, never a key of its own."""
    code, spec = _init(tmp_path, ssh_key, *args)
    err = capsys.readouterr().err
    assert code == 2 and not spec.exists(), err
    assert message in err and "internal error" not in err and "Traceback" not in err
