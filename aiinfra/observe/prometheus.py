"""Prometheus on each collector: the scrape config, file_sd targets from the inventory, rules.

Targets are the Design's nodes (node_exporter and dcgm-exporter on their management
address) and the gnmic collector beside Prometheus, which holds every switch's gNMI
stream. file_sd keeps the scrape config itself small and fixed at any cluster size;
growing the cluster rewrites only the target files, which Prometheus re-reads live.
"""

from __future__ import annotations

import json
from typing import Any

from aiinfra.design.model import Design
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.observe.rules import rule_groups
from aiinfra.render.yamlout import dump

NODE_EXPORTER_PORT = 9100
DCGM_EXPORTER_PORT = 9400
DIR = "observability/prometheus"
RULES = "rules/aiinfra.rules.yml"
TARGETS = {"node-exporter": NODE_EXPORTER_PORT, "dcgm-exporter": DCGM_EXPORTER_PORT}


def _telemetry(design: Design) -> TelemetryIntent:
    if design.telemetry is None:
        raise ValueError("the Design has no telemetry intent")
    return design.telemetry


def gnmic_port(design: Design) -> int:
    return _telemetry(design).gnmic_port


def scrape_config(design: Design) -> dict[str, Any]:
    jobs: list[dict[str, Any]] = [
        {
            "job_name": "prometheus",
            "static_configs": [{"targets": [f"127.0.0.1:{_telemetry(design).prometheus_port}"]}],
        },
        {
            "job_name": "gnmic",
            "honor_labels": True,  # keep the switch name gnmic sets as ``source``
            "static_configs": [{"targets": [f"127.0.0.1:{gnmic_port(design)}"]}],
        },
    ]
    for name in TARGETS:
        jobs.append({"job_name": name, "file_sd_configs": [{"files": [f"targets/{name}.json"]}]})
    return {
        "global": {"scrape_interval": "15s", "evaluation_interval": "30s", "external_labels": {"cluster": design.name}},
        "rule_files": [RULES],
        "scrape_configs": jobs,
    }


def targets(design: Design, port: int) -> list[dict[str, Any]]:
    """One file_sd group per node, labelled so dashboards can group by scalable unit."""
    return [
        {
            "targets": [f"{n.mgmt_address.split('/')[0]}:{port}"],
            "labels": {"node": n.name, "su": str(n.su), "gpu_model": n.gpu},
        }
        for n in design.nodes
    ]


def prometheus_files(design: Design) -> dict[str, str]:
    out = {
        f"{DIR}/prometheus.yml": dump(scrape_config(design)),
        f"{DIR}/{RULES}": dump(rule_groups(design)),
    }
    for name, port in TARGETS.items():
        out[f"{DIR}/targets/{name}.json"] = json.dumps(targets(design, port), indent=1, sort_keys=True) + "\n"
    return out
