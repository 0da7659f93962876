"""The collector host's services: gnmic and Grafana as Podman containers, Prometheus from Debian.

``playbooks/observability.yml`` installs these on every host of the inventory's ``collectors``
group, beside the rendered gnmic config, Prometheus tree and dashboards; it copies, never
templates. Choices, each the one that needs no extra repository on a Debian/Ubuntu collector:

- **Prometheus** is Debian's ``prometheus`` package (the promtool the tests use comes with it).
  A drop-in replaces its ``ExecStart`` so it reads ``/etc/prometheus/prometheus.yml`` (with
  ``rules/`` and ``targets/`` beside it, resolved relative to the config) and listens on the
  Design's port; the package's ``/etc/default/prometheus`` is not read any more.
- **gnmic** and **Grafana** ship no Debian package; they run as Podman Quadlet units
  (``/etc/containers/systemd/*.container``, podman-systemd.unit(5); ``EnvironmentFile=`` needs
  Podman 4.5+: Ubuntu 24.04, Debian 13, not Debian 12's 4.3) on the host
  network, so gnmic's Prometheus output is ``127.0.0.1:<gnmic_port>``, where the scrape config
  looks for it, and Grafana reaches Prometheus on ``127.0.0.1``. Images are pinned by tag.
- Grafana is provisioned from files (Grafana's ``provisioning/`` format, ``apiVersion: 1``): one
  Prometheus data source, the default, which the dashboards' ``datasource`` variable picks, and
  one file provider for the rendered dashboards. Its admin password comes from an environment
  file the playbook writes from the vault, never from here.
"""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.observe.prometheus import _telemetry
from aiinfra.render.yamlout import dump

DIR = "observability/collector"
# Upstream images: gnmic's own (github.com/openconfig/gnmic, ghcr.io) and Grafana's OSS image.
GNMIC_IMAGE = "ghcr.io/openconfig/gnmic:0.38.2"
GRAFANA_IMAGE = "docker.io/grafana/grafana-oss:11.3.0"
GRAFANA_PORT = 3000
GRAFANA_DASHBOARDS = "/var/lib/grafana/dashboards/aiinfra"  # inside the container
# Where the playbook puts things on the collector host (its tasks name the same paths).
HOST_GNMIC_DIR = "/etc/gnmic"
HOST_GRAFANA_DIR = "/etc/aiinfra-grafana"
GRAFANA_ENV = f"{HOST_GRAFANA_DIR}/admin.env"  # GF_SECURITY_ADMIN_PASSWORD, written from the vault, 0600
# GNMIC_USERNAME/GNMIC_PASSWORD where an OS wants a user; always written (empty without), 0600
GNMIC_ENV = f"{HOST_GNMIC_DIR}/credentials.env"
PROMETHEUS_STORAGE = "/var/lib/prometheus/metrics2"  # Debian's prometheus package's data folder


def prometheus_dropin(design: Design) -> str:
    port = _telemetry(design).prometheus_port
    return (
        "[Service]\n"
        "# Rendered by aiinfra: the config tree of observability/prometheus, on the Design's port.\n"
        "ExecStart=\n"
        "ExecStart=/usr/bin/prometheus --config.file=/etc/prometheus/prometheus.yml"
        f" --storage.tsdb.path={PROMETHEUS_STORAGE} --web.listen-address=:{port}\n"
    )


def _quadlet(description: str, container: list[str]) -> str:
    return (
        f"[Unit]\nDescription={description} (aiinfra)\nWants=network-online.target\nAfter=network-online.target\n\n"
        "[Container]\n" + "".join(f"{line}\n" for line in container) + "\n"
        "[Service]\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n"
    )


def gnmic_container() -> str:
    return _quadlet(
        "gnmic gNMI collector",
        [
            f"Image={GNMIC_IMAGE}",
            "ContainerName=gnmic",
            "Network=host",
            f"Volume={HOST_GNMIC_DIR}:{HOST_GNMIC_DIR}:ro,Z",  # gnmic.yaml and tls/ (gnmic.CERT_DIR)
            f"EnvironmentFile={GNMIC_ENV}",
            "Exec=--config /etc/gnmic/gnmic.yaml subscribe",
        ],
    )


def grafana_container() -> str:
    return _quadlet(
        "Grafana",
        [
            f"Image={GRAFANA_IMAGE}",
            "ContainerName=grafana",
            "Network=host",
            f"Volume={HOST_GRAFANA_DIR}/provisioning:/etc/grafana/provisioning:ro,Z",
            f"Volume={HOST_GRAFANA_DIR}/dashboards:{GRAFANA_DASHBOARDS}:ro,Z",
            "Volume=aiinfra-grafana-data:/var/lib/grafana",
            f"Environment=GF_SERVER_HTTP_PORT={GRAFANA_PORT}",
            f"EnvironmentFile={GRAFANA_ENV}",
        ],
    )


def grafana_datasource(design: Design) -> str:
    url = f"http://127.0.0.1:{_telemetry(design).prometheus_port}"
    source = {"name": "Prometheus", "type": "prometheus", "uid": "aiinfra-prometheus", "access": "proxy"}
    return dump({"apiVersion": 1, "datasources": [{**source, "url": url, "isDefault": True, "editable": False}]})


def grafana_dashboard_provider() -> str:
    provider = {
        "name": "aiinfra",
        "orgId": 1,
        "folder": "aiinfra",
        "type": "file",
        "disableDeletion": True,
        "allowUiUpdates": False,
        "updateIntervalSeconds": 60,
        "options": {"path": GRAFANA_DASHBOARDS},
    }
    return dump({"apiVersion": 1, "providers": [provider]})


def collector_files(design: Design) -> dict[str, str]:
    return {
        f"{DIR}/prometheus.service.d/aiinfra.conf": prometheus_dropin(design),
        f"{DIR}/containers/gnmic.container": gnmic_container(),
        f"{DIR}/containers/grafana.container": grafana_container(),
        f"{DIR}/grafana/provisioning/datasources/aiinfra.yaml": grafana_datasource(design),
        f"{DIR}/grafana/provisioning/dashboards/aiinfra.yaml": grafana_dashboard_provider(),
    }
