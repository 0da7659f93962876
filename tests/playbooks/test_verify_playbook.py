"""playbooks/verify.yml and perf-acceptance.yml: syntax-check and ansible-lint like the other playbooks; a real
run of the real playbook and the FRR task file against two stand-in SONiC leaves on
localhost (connection local), whose vtysh, lldpcli and ip print JSON built from the
Design: healthy passes; two cables swapped between the leaves fail both and are named.

The stand-in commands pick each leaf's answer by the per-host argument the task file
passes (vtysh -N PATHSPACE, lldpcli -u SOCKET), as the lab's per-namespace daemons do.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.design.model import Design
from aiinfra.pipeline import write_rendered
from aiinfra.verify.collectors import linux as linux_json
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible, run

LEAVES = ("lab-be-leaf-su001-r1", "lab-be-leaf-su001-r2")
TASKS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "aiinfra/nos").glob("*/tasks/verify.yml"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    write_rendered(example("lab"), out)
    return out


@needs_ansible
@pytest.mark.parametrize("playbook", ["playbooks/verify.yml", "playbooks/perf-acceptance.yml"])
def test_syntax_check(rendered: Path, tmp_path: Path, playbook: str) -> None:
    argv = [str(BIN / "ansible-playbook"), "--syntax-check", "-i", str(rendered / "inventory"), playbook]
    result = run(argv, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_ansible
@pytest.mark.slow
@pytest.mark.skipif(not (BIN / "ansible-lint").exists(), reason="ansible-lint not installed: pip install '.[deploy]'")
def test_ansible_lint_production_profile(tmp_path: Path) -> None:
    assert len(TASKS) == 7  # cumulus, eos, frr (FRR; SONiC and Cumulus import it), junos, nxos, sonic, srlinux
    argv = [
        str(BIN / "ansible-lint"),
        "--offline",
        "--profile",
        "production",
        "--nocolor",
        "playbooks/verify.yml",
        *TASKS,
    ]
    result = run(argv, tmp_path, 600)
    assert result.returncode == 0, result.stdout + result.stderr


def _answers(design: Design, name: str) -> dict[str, Any]:
    device = design.devices[name]
    assert device.bgp is not None
    cabled = [i for i in device.interfaces if i.enabled and i.peer_device]
    peers = {}
    for n in device.bgp.neighbors:
        peer = design.devices[n.peer_device].bgp
        assert peer is not None
        peers[n.address] = {"remoteAs": n.remote_asn, "state": "Established", "pfxRcd": len(peer.networks)}
    lldp = [
        {
            "name": i.name,
            "chassis": [{"name": [{"value": i.peer_device}]}],
            "port": [{"id": [{"type": "local", "value": i.peer_interface}]}],
        }
        for i in cabled
    ]
    return {
        linux_json.BGP: {"ipv4Unicast": {"peers": peers}},
        linux_json.LLDP: {"lldp": [{"interface": lldp}]},
        linux_json.LINKS: [{"ifname": i.name, "mtu": i.mtu, "operstate": "UP"} for i in cabled],
    }


def _standin(tmp: Path, rendered: Path, swap: bool) -> list[str]:
    build = tmp / "render"
    shutil.copytree(rendered, build)
    box = tmp / "switch"
    (box / "bin").mkdir(parents=True)
    design = example("lab").design
    answers = {name: _answers(design, name) for name in LEAVES}
    if swap:  # the two leaves' first spine uplinks trade places at the spine end
        a, b = (answers[n][linux_json.LLDP]["lldp"][0]["interface"] for n in LEAVES)
        i, j = next(k for k, r in enumerate(a) if r["name"] == "Ethernet256"), 4
        a[i]["port"], b[j]["port"] = b[j]["port"], a[i]["port"]
    for name, out in answers.items():
        for key, value in out.items():
            tag = {"show bgp summary json": "bgp", "lldpcli -f json0 show neighbors": "lldp"}.get(key, "links")
            (box / f"{name}.{tag}.json").write_text(json.dumps(value), encoding="utf-8")
    (box / "links.json").write_text(
        json.dumps([link for n in LEAVES for link in answers[n][linux_json.LINKS]]), encoding="utf-8"
    )
    scripts = {
        "vtysh": f'exec cat "{box}/$2.bgp.json"',  # vtysh -N <leaf> ...
        "lldpcli": f'exec cat "{box}/$2.lldp.json"',  # lldpcli -u <leaf> ...
        "ip": f'exec cat "{box}/links.json"',
    }
    for cmd, body in scripts.items():
        (box / "bin" / cmd).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (box / "bin" / cmd).chmod(0o755)
    layer = tmp / "layer"
    (layer / "host_vars").mkdir(parents=True)
    (layer / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": dict.fromkeys(LEAVES)}}), encoding="utf-8")
    for name in LEAVES:
        overrides = {
            "ansible_connection": "local",
            "ansible_become": False,
            "ansible_python_interpreter": sys.executable,
            "aiinfra_build_dir": str(build),
            "aiinfra_frr_pathspace": name,
            "aiinfra_lldpd_socket": name,
        }
        (layer / "host_vars" / f"{name}.yml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    return [
        str(BIN / "ansible-playbook"),
        "-i",
        str(build / "inventory"),
        "-i",
        str(layer),
        "--limit",
        ",".join(LEAVES),
        "-e",
        '{"aiinfra_verify_sections": ["lldp", "bgp", "interfaces"]}',
        "playbooks/verify.yml",
    ]


def _play(tmp: Path, argv: list[str]) -> Any:
    extra = {
        "PATH": f"{tmp / 'switch' / 'bin'}:{BIN}:/usr/bin:/bin",
        "ANSIBLE_FILTER_PLUGINS": str(ROOT / "playbooks" / "filter_plugins"),
    }
    return run(argv, tmp, timeout=300, extra=extra)


@needs_ansible
@pytest.mark.slow
def test_healthy_leaves_pass(rendered: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    argv = _standin(tmp_path, rendered, swap=False)
    result = _play(tmp_path, [*argv[:-1], "-e", f"aiinfra_verify_state_dir={state}", argv[-1]])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("verified (lldp, bgp, interfaces)") == 2
    # The saved output reads back through `aiinfra verify` with the same verdict.
    assert sorted(p.name for p in state.iterdir()) == [f"{n}.json" for n in LEAVES]
    cli = [sys.executable, "-m", "aiinfra", "verify", str(ROOT / "inventories/lab/cluster.yaml"), str(state)]
    cli += ["--sections", "lldp,bgp,interfaces", *(x for n in LEAVES for x in ("--device", n))]
    checked = run(cli, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("verify: verified; checks run: lldp 16, bgp 8, interfaces 16")


@needs_ansible
@pytest.mark.slow
def test_cables_swapped_between_leaves_are_named(rendered: Path, tmp_path: Path) -> None:
    result = _play(tmp_path, _standin(tmp_path, rendered, swap=True))
    out = result.stdout
    assert result.returncode != 0
    assert "FAIL lab-be-leaf-su001-r1 Ethernet256 lldp neighbor: expected lab-be-spine-01:Ethernet1/1/1" in out
    assert "SWAPPED cables lab-be-leaf-su001-r1:Ethernet256 <-> lab-be-spine-01:Ethernet1/1/1" in out
    assert "failed=1" in out and out.count("failed=1") == 2, out
