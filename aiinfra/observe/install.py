"""``observability/install.yml``: where ``playbooks/observability.yml`` puts each rendered file.

One entry per component (node_exporter with the RDMA textfile timer, dcgm-exporter, gnmic,
Prometheus, Grafana): the packages it needs,
the folders, every rendered file with its destination and mode, the environment files with
secrets (the names of the vault variables that fill them, never a value), the command that
checks the installed config before a restart, and the systemd units to enable. The paths are
the ones the rendered units and configs name (exporters.py, collector.py), so the playbook
copies and never decides a path itself.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.observe import collector, exporters
from aiinfra.observe.dashboards import dashboard_files
from aiinfra.observe.prometheus import DIR as PROMETHEUS_DIR
from aiinfra.observe.prometheus import prometheus_paths
from aiinfra.render.yamlout import dump

UNIT_DIR = "/etc/systemd/system"
QUADLET_DIR = "/etc/containers/systemd"
PROMETHEUS_ETC = "/etc/prometheus"


def _file(src: str, dest: str, mode: str = "0644") -> dict[str, str]:
    return {"src": src.removeprefix("observability/"), "dest": dest, "mode": mode}


def _unit(name: str, generated: bool = False) -> dict[str, Any]:
    """A unit to start; Quadlet generates ``<name>.service`` from a ``.container`` file, and a
    generated unit cannot be enabled (its ``[Install]`` is the generator's), only started."""
    return {"name": name, "enable": not generated}


def _node() -> dict[str, Any]:
    d = exporters.DIR
    units = ("prometheus-node-exporter.service", "aiinfra-rdma-counters.service", "aiinfra-rdma-counters.timer")
    return {
        "packages": ["prometheus-node-exporter"],
        "dirs": [exporters.TEXTFILE_DIR],
        "files": [
            _file(f"{d}/aiinfra-rdma-counters.sh", exporters.RDMA_SCRIPT, "0755"),
            *(_file(f"{d}/{unit}", f"{UNIT_DIR}/{unit}") for unit in units),
        ],
        "binaries": [],
        "services": [_unit("prometheus-node-exporter.service"), _unit("aiinfra-rdma-counters.timer")],
    }


def _dcgm() -> dict[str, Any]:
    d = exporters.DIR
    return {
        "packages": [],
        "dirs": [],
        "files": [
            _file(f"{d}/aiinfra-counters.csv", exporters.COUNTERS_CSV),
            _file(f"{d}/dcgm-exporter.service", f"{UNIT_DIR}/dcgm-exporter.service"),
        ],
        # NVIDIA's (a release binary or the DCGM packages), not a Debian package: checked, not installed
        "binaries": ["/usr/bin/dcgm-exporter"],
        "services": [_unit("dcgm-exporter.service")],
    }


def _gnmic() -> dict[str, Any]:
    return {
        "packages": ["podman"],
        "dirs": [f"{collector.HOST_GNMIC_DIR}/tls"],  # where the collector's client certificate goes
        "files": [
            _file("observability/gnmic/gnmic.yaml", f"{collector.HOST_GNMIC_DIR}/gnmic.yaml"),
            _file(f"{collector.DIR}/containers/gnmic.container", f"{QUADLET_DIR}/gnmic.container"),
        ],
        "env_files": [
            {
                "dest": collector.GNMIC_ENV,
                "vars": [
                    {"env": "GNMIC_USERNAME", "variable": "vault_gnmic_username", "required": False},
                    {"env": "GNMIC_PASSWORD", "variable": "vault_gnmic_password", "required": False},
                ],
            }
        ],
        "binaries": [],
        "services": [_unit("gnmic.service", generated=True)],
    }


def _prometheus(design: Design) -> dict[str, Any]:
    tree = sorted(p for p in prometheus_paths() if p.startswith(PROMETHEUS_DIR + "/"))
    dropin = f"{UNIT_DIR}/prometheus.service.d"
    return {
        "packages": ["prometheus"],
        "dirs": [],
        "files": [
            *(_file(p, f"{PROMETHEUS_ETC}/{p.removeprefix(PROMETHEUS_DIR + '/')}") for p in tree),
            _file(f"{collector.DIR}/prometheus.service.d/aiinfra.conf", f"{dropin}/aiinfra.conf"),
        ],
        # promtool reads rule_files and file_sd relative to the config, as Prometheus will
        "check": {"argv": ["promtool", "check", "config"], "file": f"{PROMETHEUS_ETC}/prometheus.yml"},
        "binaries": [],
        "services": [_unit("prometheus.service")],
    }


def _grafana(design: Design) -> dict[str, Any]:
    g = collector.HOST_GRAFANA_DIR
    provisioning = f"{collector.DIR}/grafana/provisioning"
    return {
        "packages": ["podman"],
        "dirs": [],
        "files": [
            _file(f"{provisioning}/datasources/aiinfra.yaml", f"{g}/provisioning/datasources/aiinfra.yaml"),
            _file(f"{provisioning}/dashboards/aiinfra.yaml", f"{g}/provisioning/dashboards/aiinfra.yaml"),
            *(_file(p, f"{g}/dashboards/{p.rsplit('/', 1)[1]}") for p in sorted(dashboard_files(design))),
            _file(f"{collector.DIR}/containers/grafana.container", f"{QUADLET_DIR}/grafana.container"),
        ],
        "env_files": [
            {
                "dest": collector.GRAFANA_ENV,
                "vars": [
                    {"env": "GF_SECURITY_ADMIN_PASSWORD", "variable": "vault_grafana_admin_password", "required": True}
                ],
            }
        ],
        "binaries": [],
        "services": [_unit("grafana.service", generated=True)],
    }


def _with_parents(component: dict[str, Any]) -> dict[str, Any]:
    """``dirs``: the folders every file goes in, and the component's own, each once, parents first."""
    wanted = [*component["dirs"], *(f["dest"].rsplit("/", 1)[0] for f in component["files"])]
    return {**component, "dirs": sorted(set(wanted))}


def install_plan(design: Design) -> dict[str, Any]:
    components = {
        "node": _node(),
        "dcgm": _dcgm(),
        "gnmic": _gnmic(),
        "prometheus": _prometheus(design),
        "grafana": _grafana(design),
    }
    return {name: _with_parents(c) for name, c in components.items()}


def install_files(design: Design) -> dict[str, str]:
    return {"observability/install.yml": dump(install_plan(design))}
