"""playbooks/observability.yml: the install plan agrees with the rendered units, the inventory
names the collectors, the playbook parses and passes ansible-lint (production), and the real
ansible-playbook installs the lab's stack into a staging tree on localhost, where Debian's real
Prometheus starts from the installed files with the rules and file_sd targets loaded.
"""

from __future__ import annotations

import json
import shlex
import shutil
import socket
import stat
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.collection.build import playbook_names
from aiinfra.observe import collector, exporters
from aiinfra.observe.artefacts import observability
from aiinfra.observe.install import install_plan
from aiinfra.observe.rules import rule_groups
from aiinfra.pipeline import write_rendered
from aiinfra.render.inventory import inventory_files, load_yaml
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, needs_ansible, run

PLAYBOOK = "playbooks/observability.yml"
TASKS = "playbooks/tasks/observability-component.yml"
PROMETHEUS = shutil.which("prometheus")
SECRET = "Graf-S3cret-from-VAULT-7"


def _dests(component: dict[str, Any]) -> dict[str, str]:
    return {f["dest"]: f["src"] for f in component["files"]}


def _unit_value(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=") and "=" in line]


def test_the_install_plan_puts_each_file_where_the_rendered_units_look_for_it() -> None:
    design = example("lab").design
    files = observability(design)
    plan = yaml.safe_load(files["observability/install.yml"])
    assert plan == install_plan(design)
    for name, component in plan.items():
        for f in component["files"]:
            assert "observability/" + f["src"] in files, (name, f["src"])
            assert f["dest"].rsplit("/", 1)[0] in component["dirs"], (name, f["dest"])
    node, dcgm = _dests(plan["node"]), _dests(plan["dcgm"])
    # dcgm-exporter reads the counters file the plan installs
    dcgm_unit = files[f"{exporters.DIR}/dcgm-exporter.service"]
    (dcgm_exec,) = _unit_value(dcgm_unit, "ExecStart")
    assert shlex.split(dcgm_exec)[shlex.split(dcgm_exec).index("-f") + 1] in dcgm
    assert shlex.split(dcgm_exec)[0] in plan["dcgm"]["binaries"]
    # the RDMA timer's service runs the installed script, into the folder node_exporter reads
    (rdma_exec,) = _unit_value(files[f"{exporters.DIR}/aiinfra-rdma-counters.service"], "ExecStart")
    assert node[rdma_exec] == "node/aiinfra-rdma-counters.sh"
    (node_exec,) = _unit_value(files[f"{exporters.DIR}/prometheus-node-exporter.service"], "ExecStart")
    textfile = next(
        a.split("=", 1)[1] for a in shlex.split(node_exec) if a.startswith("--collector.textfile.directory")
    )
    assert textfile in plan["node"]["dirs"]
    # Prometheus runs the installed config, and promtool checks the same file
    prometheus = _dests(plan["prometheus"])
    dropin = files[f"{collector.DIR}/prometheus.service.d/aiinfra.conf"]
    argv = shlex.split(_unit_value(dropin, "ExecStart")[-1])
    config = next(a.split("=", 1)[1] for a in argv if a.startswith("--config.file="))
    assert prometheus[config] == "prometheus/prometheus.yml"
    assert plan["prometheus"]["check"]["file"] == config
    assert any(a == f"--web.listen-address=:{design.telemetry.prometheus_port}" for a in argv)  # type: ignore[union-attr]
    # the containers mount the folders the plan fills
    for name, unit in (("gnmic", "gnmic.container"), ("grafana", "grafana.container")):
        text = files[f"{collector.DIR}/containers/{unit}"]
        installed = _dests(plan[name])
        assert f"/etc/containers/systemd/{unit}" in installed
        for volume in _unit_value(text, "Volume"):
            host = volume.split(":", 1)[0]
            if host.startswith("/"):
                assert any(d == host or d.startswith(host + "/") for d in installed), (unit, host)
        (env_file,) = _unit_value(text, "EnvironmentFile")
        assert env_file in {e["dest"] for e in plan[name]["env_files"]}
    provider = yaml.safe_load(files[f"{collector.DIR}/grafana/provisioning/dashboards/aiinfra.yaml"])
    grafana = files[f"{collector.DIR}/containers/grafana.container"]
    mounts = dict(v.split(":")[:2] for v in _unit_value(grafana, "Volume"))
    dashboards = next(host for host, inside in mounts.items() if inside == provider["providers"][0]["options"]["path"])
    assert {d for d in _dests(plan["grafana"]) if d.startswith(dashboards + "/")} == {
        f"{dashboards}/{name}.json" for name in ("fabric", "gpu", "sustainability")
    }
    source = yaml.safe_load(files[f"{collector.DIR}/grafana/provisioning/datasources/aiinfra.yaml"])
    assert source["datasources"][0]["url"].endswith(f":{design.telemetry.prometheus_port}")  # type: ignore[union-attr]


def test_the_inventory_groups_the_collectors() -> None:
    design = example("lab").design
    hosts = load_yaml(inventory_files(design)["inventory/hosts.yml"])["all"]["children"]
    assert design.telemetry is not None
    assert list(hosts["collectors"]["hosts"]) == [c.address for c in design.telemetry.collectors]
    superpod = load_yaml(inventory_files(example("superpod-4su").design)["inventory/hosts.yml"])
    assert "collectors" not in superpod["all"]["children"]  # no collectors in its spec: no group


def test_the_collection_addresses_the_playbook() -> None:
    assert "aiinfra.fabric.observability" in playbook_names()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    write_rendered(example("lab"), out)
    return out


@needs_ansible
@pytest.mark.slow
def test_syntax_check_and_ansible_lint_production(rendered: Path, tmp_path: Path) -> None:
    check = run(
        [str(BIN / "ansible-playbook"), "--syntax-check", "-i", str(rendered / "inventory"), PLAYBOOK], tmp_path
    )
    assert check.returncode == 0, check.stdout + check.stderr
    if not (BIN / "ansible-lint").exists():
        pytest.skip("ansible-lint not installed: pip install '.[deploy]'")
    lint = run(
        [str(BIN / "ansible-lint"), "--offline", "--profile", "production", "--nocolor", PLAYBOOK, TASKS], tmp_path, 600
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "Profile 'production' was required, and it passed" in lint.stdout + lint.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@needs_ansible
@pytest.mark.slow
@pytest.mark.skipif(PROMETHEUS is None, reason="Debian's prometheus package is not installed")
def test_the_playbook_installs_the_stack_and_prometheus_runs_from_it(rendered: Path, tmp_path: Path) -> None:
    """The collector play and one node's play, for real, into a staging tree (packages and units
    left alone); then Debian's Prometheus runs the installed drop-in's command line."""
    design = example("lab").design
    assert design.telemetry is not None
    collector_host = design.telemetry.collectors[0].address
    node = design.nodes[0].name
    layer = tmp_path / "layer"
    (layer / "host_vars").mkdir(parents=True)
    (layer / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {collector_host: None, node: None}}}))
    for host in (collector_host, node):
        local = {"ansible_connection": "local", "ansible_python_interpreter": str(BIN / "python")}
        (layer / "host_vars" / f"{host}.yml").write_text(yaml.safe_dump(local))
    root = tmp_path / "root"
    argv = [
        str(BIN / "ansible-playbook"),
        *("-i", str(rendered / "inventory"), "-i", str(layer)),
        *("-l", f"{collector_host},{node},localhost", "--diff"),
        *("-e", f"aiinfra_observability_prefix={root}", "-e", f"vault_grafana_admin_password={SECRET}"),
        PLAYBOOK,
    ]
    done = run(argv, tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert SECRET not in done.stdout + done.stderr  # --diff, yet the secret is never printed
    plan = install_plan(design)
    for name in ("node", "dcgm", "gnmic", "prometheus", "grafana"):
        for f in plan[name]["files"]:
            installed = root / f["dest"].lstrip("/")
            assert installed.read_bytes() == (rendered / "observability" / f["src"]).read_bytes(), f["dest"]
            assert oct(stat.S_IMODE(installed.stat().st_mode)) == oct(int(f["mode"], 8)), f["dest"]
    env = root / collector.GRAFANA_ENV.lstrip("/")
    assert f"GF_SECURITY_ADMIN_PASSWORD={SECRET}\n" in env.read_text()
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert "GNMIC_PASSWORD" not in (root / collector.GNMIC_ENV.lstrip("/")).read_text()  # not in the vault here
    # Prometheus, as the installed drop-in starts it, on a free port and a scratch TSDB
    dropin = (root / "etc/systemd/system/prometheus.service.d/aiinfra.conf").read_text()
    command = shlex.split(_unit_value(dropin, "ExecStart")[-1])
    port = _free_port()
    swap = {
        "--config.file": str(root / "etc/prometheus/prometheus.yml"),
        "--storage.tsdb.path": str(tmp_path / "tsdb"),
        "--web.listen-address": f"127.0.0.1:{port}",
    }
    command = [command[0], *(f"{a.split('=', 1)[0]}={swap[a.split('=', 1)[0]]}" for a in command[1:])]
    log = (tmp_path / "prometheus.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        rules: Any = None
        jobs: dict[str, set[str]] = {}
        for _ in range(120):
            try:
                rules = _get(f"http://127.0.0.1:{port}/api/v1/rules")
                jobs = {}
                for t in _get(f"http://127.0.0.1:{port}/api/v1/targets")["data"]["activeTargets"]:
                    jobs.setdefault(t["labels"]["job"], set()).add(t["labels"].get("node", ""))
                if {"node-exporter", "dcgm-exporter"} <= set(jobs):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert rules is not None, (tmp_path / "prometheus.log").read_text()[-3000:]
        loaded = {g["name"]: len(g["rules"]) for g in rules["data"]["groups"]}
        assert loaded == {g["name"]: len(g["rules"]) for g in rule_groups(design)["groups"]}
        nodes = {n.name for n in design.nodes}
        assert jobs.get("node-exporter") == jobs.get("dcgm-exporter") == nodes  # file_sd, from the installed tree
        assert {"prometheus", "gnmic"} <= set(jobs)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
