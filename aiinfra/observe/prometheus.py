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

_string = json.encoder.encode_basestring_ascii  # how json.dumps writes text (ensure_ascii)

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


def file_sd_json(groups: list[dict[str, Any]]) -> str:
    """``json.dumps(groups, indent=1, sort_keys=True)``, spelled directly for file_sd's shape.

    The stdlib encoder indents in pure Python, a dozen calls per value: two target files of
    16k groups each are most of the observability artefact at 131k GPUs. Groups that are
    exactly ``{"labels": {text: text, ...}, "targets": [text, ...]}``, neither empty, are
    written here with the encoder's own string escaping (which refuses anything but text);
    anything else goes to ``json.dumps``.
    """
    if groups and all(map(_plain_group, groups)):
        try:
            return _file_sd_text(groups)
        except TypeError:  # a label or a target that is not text: json.dumps decides
            pass
    return json.dumps(groups, indent=1, sort_keys=True)


_GROUP_KEYS = frozenset({"labels", "targets"})


def _plain_group(group: Any) -> bool:
    if type(group) is not dict or group.keys() != _GROUP_KEYS:
        return False
    labels, hosts = group["labels"], group["targets"]
    return type(labels) is dict and type(hosts) is list and bool(labels) and bool(hosts)


def _file_sd_text(groups: list[dict[str, Any]]) -> str:
    text = ",\n".join(
        [
            ' {\n  "labels": {\n   '
            + ",\n   ".join([f"{_string(k)}: {_string(v)}" for k, v in sorted(g["labels"].items())])
            + '\n  },\n  "targets": [\n   '
            + ",\n   ".join(map(_string, g["targets"]))
            + "\n  ]\n }"
            for g in groups
        ]
    )
    return f"[\n{text}\n]"


def prometheus_paths() -> list[str]:
    """The files :func:`prometheus_files` writes, without rendering them (the install plan lists them)."""
    return [f"{DIR}/prometheus.yml", f"{DIR}/{RULES}", *(f"{DIR}/targets/{name}.json" for name in TARGETS)]


def prometheus_files(design: Design) -> dict[str, str]:
    config, rules, *target_files = prometheus_paths()
    out = {config: dump(scrape_config(design)), rules: dump(rule_groups(design))}
    for path, port in zip(target_files, TARGETS.values(), strict=True):
        out[path] = file_sd_json(targets(design, port)) + "\n"
    return out
