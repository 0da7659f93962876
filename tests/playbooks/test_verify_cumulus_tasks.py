"""Cumulus Linux's own verify tasks (aiinfra/nos/cumulus/tasks/verify.yml) in a real run of
playbooks/verify.yml against a stand-in AHV back-end spine on localhost (connection local):
its ``nv`` answers each show command with the JSON the collector tests build (the applied
trees are the rendered NVUE config, held to NVUE's 5.14 model there); FRR's own commands
answer empty. Healthy passes qos, counters and optics; a disarmed watchdog fails and is named.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import write_rendered
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible, run
from tests.verify.test_cumulus_collector import SPEC, SPINE, applied, operational, phy, transceivers

SECTIONS = '{"aiinfra_verify_sections": ["qos", "counters", "optics"]}'


@pytest.fixture(scope="module")
def rendered_ahv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    write_rendered(example(SPEC), out)
    return out


def _nv_box(tmp: Path, interfaces_applied: dict[str, Any]) -> Path:
    box = tmp / "switch"
    (box / "phy").mkdir(parents=True)
    (box / "bin").mkdir()
    qos, _ = applied()
    files = {"qos": qos, "interface-applied": interfaces_applied, "interface": operational(), "xcvr": transceivers()}
    for name, value in files.items():
        (box / f"{name}.json").write_text(json.dumps(value), encoding="utf-8")
    for port, detail in phy().items():
        (box / "phy" / f"{port}.json").write_text(json.dumps(detail), encoding="utf-8")
    nv = f"""#!/bin/sh
case "$*" in
  "show qos --applied -o json") exec cat "{box}/qos.json" ;;
  "show interface --applied -o json") exec cat "{box}/interface-applied.json" ;;
  "show interface -o json") exec cat "{box}/interface.json" ;;
  "show platform transceiver detail -o json") exec cat "{box}/xcvr.json" ;;
  "show interface "*" link phy-detail -o json") exec cat "{box}/phy/$3.json" ;;
esac
echo "stand-in nv: unexpected $*" >&2; exit 2
"""
    frr = {"vtysh": "echo '{}'", "lldpcli": "echo '{\"lldp\": []}'", "ip": "echo '[]'", "nv": None}
    for cmd, body in frr.items():
        (box / "bin" / cmd).write_text(nv if body is None else f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (box / "bin" / cmd).chmod(0o755)
    return box


def _play(tmp: Path, rendered: Path, interfaces_applied: dict[str, Any]) -> Any:
    build = tmp / "render"
    shutil.copytree(rendered, build)
    box = _nv_box(tmp, interfaces_applied)
    layer = tmp / "layer"
    (layer / "host_vars").mkdir(parents=True)
    (layer / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {SPINE: None}}}), encoding="utf-8")
    overrides = {
        "ansible_connection": "local",
        "ansible_become": False,
        "ansible_python_interpreter": sys.executable,
        "aiinfra_build_dir": str(build),
    }
    (layer / "host_vars" / f"{SPINE}.yml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    argv = [str(BIN / "ansible-playbook"), "-i", str(build / "inventory"), "-i", str(layer)]
    argv += ["--limit", SPINE, "-e", SECTIONS, "playbooks/verify.yml"]
    extra = {"PATH": f"{box / 'bin'}:{BIN}:/usr/bin:/bin"}
    extra["ANSIBLE_FILTER_PLUGINS"] = str(ROOT / "playbooks/filter_plugins")
    return run(argv, tmp, timeout=300, extra=extra)


@needs_ansible
@pytest.mark.slow
def test_healthy_cumulus_spine_passes_qos_counters_and_optics(rendered_ahv: Path, tmp_path: Path) -> None:
    result = _play(tmp_path, rendered_ahv, applied()[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SPINE}: verified (qos, counters, optics)" in result.stdout


@needs_ansible
@pytest.mark.slow
def test_a_disarmed_watchdog_fails_the_run(rendered_ahv: Path, tmp_path: Path) -> None:
    interfaces = applied()[1]
    interfaces["swp2s0"]["qos"]["pfc-watchdog"] = {"state": "disable"}
    result = _play(tmp_path, rendered_ahv, interfaces)
    assert result.returncode != 0
    assert f"FAIL {SPINE} swp2s0 pfc watchdog: expected armed, found off" in result.stdout
