"""The gnmic collector config: every switch as a gNMI target, one subscription per OS, and
processors that give each OS's leaf one OS-neutral metric name.

What an OS serves is its driver's ``telemetry.yaml`` (``aiinfra/nos/<os>/``): the shared
OpenConfig leaves (``openconfig.yaml`` here) where it speaks OpenConfig, and its native paths.
gnmic dials each switch on the Design's gNMI port with the collector's client certificate
(the CA the switches trust), and serves the renamed values to Prometheus.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from aiinfra import nos
from aiinfra.design.model import Design
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.observe.metrics import SWITCH_NAMES, SWITCH_PREFIX
from aiinfra.render.yamlout import dump

SAMPLE_INTERVAL = "10s"
CERT_DIR = "/etc/gnmic/tls"  # where the collector deploy writes its client certificate and the CA
STATUS_UP = {"^UP$": "1", "^DOWN$": "0", "^ESTABLISHED$": "1"}  # anchored: LOWER_LAYER_DOWN is 0 too


@cache
def openconfig_leaves() -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load(resources.files("aiinfra.observe").joinpath("openconfig.yaml").read_text())
    return data


@cache
def os_telemetry(os: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(resources.files(f"aiinfra.nos.{os}").joinpath("telemetry.yaml").read_text())
    unknown = set(data.get("native", {})) - SWITCH_NAMES
    if unknown:
        raise ValueError(f"aiinfra/nos/{os}/telemetry.yaml names metrics the vocabulary lacks: {sorted(unknown)}")
    return data


def leaves(os: str, priority: int | None) -> dict[str, tuple[str, str]]:
    """metric -> (subscription path, value-name regex) for one OS."""
    data = os_telemetry(os)
    out: dict[str, tuple[str, str]] = {}
    if data["openconfig"]:
        out.update({m: (p, f"^{p}$") for m, p in openconfig_leaves().items()})
    for metric, native in data.get("native", {}).items():
        leaf = native["leaf"]
        if "{priority}" in leaf:
            if priority is None:
                continue
            leaf = leaf.format(priority=priority)
        out[metric] = (native["path"], f"/{leaf}$")
    return dict(sorted(out.items()))


def _subscription(os: str, paths: list[str]) -> dict[str, Any]:
    data = os_telemetry(os)
    sub: dict[str, Any] = {
        "paths": paths,
        "mode": "stream",
        "stream-mode": "sample",
        "sample-interval": SAMPLE_INTERVAL,
        "encoding": data["encoding"],
    }
    if "target" in data:
        sub["target"] = data["target"]
    return sub


def _processors(oses: list[str], priority: int | None) -> dict[str, Any]:
    names: dict[str, str] = {}
    tags: dict[str, str] = {}
    extract: list[str] = []
    for os in oses:
        for metric, (_, regex) in leaves(os, priority).items():
            if names.setdefault(regex, metric) != metric:
                raise ValueError(f"{os}: value {regex} maps to two metrics")
        data = os_telemetry(os)
        tags.update({f"^{k}$": v for k, v in data.get("tags", {}).items()})
        extract += [r for r in data.get("extract", []) if r not in extract]
    status = [f"^{m}$" for m in ("if_oper_status", "if_admin_status", "bgp_established")]
    processors: dict[str, Any] = {
        "aiinfra-names": {"event-rename": {"value-names": dict(sorted(names.items())), "tag-names": tags}},
        "aiinfra-status": {
            "event-strings": {
                "value-names": status,
                "transforms": [
                    *({"replace": {"apply-on": "value", "old": old, "new": new}} for old, new in STATUS_UP.items()),
                    {"replace": {"apply-on": "value", "old": "^[A-Z_]+$", "new": "0"}},
                ],
            }
        },
    }
    if extract:
        processors["aiinfra-keys"] = {"event-extract-tags": {"value-names": extract}}
    return processors


def _target(telemetry: TelemetryIntent, address: str, os: str, tags: dict[str, str]) -> dict[str, Any]:
    return {"address": f"{address}:{telemetry.gnmi_port}", "subscriptions": [os], "event-tags": tags}


def gnmic_config(design: Design) -> dict[str, Any]:
    t = design.telemetry
    if t is None:
        raise ValueError("the Design has no telemetry intent")
    qos = design.qos.get("backend")
    priority = qos.nodrop_priority if qos else None
    oses = sorted({d.os for d in design.devices.values()})
    targets = {}
    for d in sorted(design.devices.values(), key=lambda d: d.name):
        tags = {"fabric": d.fabric, "role": d.role, "os": d.os}
        if d.rail is not None:
            tags["rail"] = str(d.rail)
        targets[d.name] = _target(t, d.mgmt_address.split("/")[0], d.os, tags)
    processors = _processors(oses, priority)
    return {
        "tls-ca": f"{CERT_DIR}/{t.tls.ca_name}.pem",
        "tls-cert": f"{CERT_DIR}/collector.pem",
        "tls-key": f"{CERT_DIR}/collector.key",
        "encoding": "json_ietf",
        "targets": targets,
        "subscriptions": {os: _subscription(os, sorted({p for p, _ in leaves(os, priority).values()})) for os in oses},
        "processors": processors,
        "outputs": {
            "prometheus": {
                "type": "prometheus",
                "listen": f":{t.gnmic_port}",
                "path": "/metrics",
                "metric-prefix": SWITCH_PREFIX,
                "append-subscription-name": False,
                "export-timestamps": True,
                "event-processors": [p for p in ("aiinfra-keys", "aiinfra-names", "aiinfra-status") if p in processors],
            }
        },
    }


def gnmic_files(design: Design) -> dict[str, str]:
    return {"observability/gnmic/gnmic.yaml": dump(gnmic_config(design))}


def covered(os: str, priority: int | None = 3) -> set[str]:
    """The metrics an OS's telemetry.yaml provides (docs and coverage tests)."""
    return set(leaves(os, priority))


__all__ = ["covered", "gnmic_config", "gnmic_files", "nos"]
