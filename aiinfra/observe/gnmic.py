"""The gnmic collector config: every switch as a gNMI target, its OS's subscriptions, and
processors that give each OS's leaf one OS-neutral metric name.

What an OS serves is its driver's ``telemetry.yaml`` (``aiinfra/nos/<os>/``): the shared
OpenConfig leaves (``openconfig.yaml`` here) where it speaks OpenConfig, and its native paths.
gnmic dials each switch on the Design's gNMI port with the collector's client certificate
(the CA the switches trust), and serves the renamed values to Prometheus.

A native path may name its own gNMI ``target`` (the SubscribeRequest prefix target) and
``origin`` (written ``origin:/path``, gnmic's path syntax); either one defaults to the file's
top-level ``target`` / ``origin``. The paths sharing both form one subscription, since one
SubscribeRequest carries one prefix: SONiC's sonic-gnmi serves each redis database as its own
target (COUNTERS_DB, APPL_DB, STATE_DB). The subscription of the file's defaults is named like
the OS; the others ``<os>-<target or origin>`` (``sonic-state-db``).
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
# Anchored: LOWER_LAYER_DOWN is 0 too. OpenConfig spells states in capitals; SONiC's APPL_DB
# PORT_TABLE ``up``/``down`` and STATE_DB NEIGH_STATE_TABLE ``Established`` (FRR's words).
STATUS_UP = {"^UP$": "1", "^DOWN$": "0", "^ESTABLISHED$": "1", "^up$": "1", "^down$": "0", "^Established$": "1"}
OTHER_STATE = "^[A-Za-z_]+$"  # every other state word: 0


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


Group = tuple[str | None, str | None]  # (gNMI prefix target, path origin) of one subscription


def _entries(os: str, priority: int | None) -> dict[str, tuple[str, str, Group]]:
    """metric -> (subscription path, value-name regex, its group) for one OS."""
    data = os_telemetry(os)
    default: Group = (data.get("target"), data.get("origin"))
    out: dict[str, tuple[str, str, Group]] = {}
    if data["openconfig"]:
        out.update({m: (p, f"^{p}$", default) for m, p in openconfig_leaves().items()})
    for metric, native in data.get("native", {}).items():
        leaf, path = native["leaf"], native["path"]
        if "{priority}" in leaf + path:  # the no-drop priority: in a leaf name or a path key
            if priority is None:
                continue
            leaf, path = leaf.format(priority=priority), path.format(priority=priority)
        group = (native.get("target", default[0]), native.get("origin", default[1]))
        out[metric] = (path, f"/{leaf}$", group)
    return dict(sorted(out.items()))


def leaves(os: str, priority: int | None) -> dict[str, tuple[str, str]]:
    """metric -> (subscription path, value-name regex) for one OS."""
    return {m: (path, regex) for m, (path, regex, _) in _entries(os, priority).items()}


def subscription_name(os: str, group: Group) -> str:
    data = os_telemetry(os)
    if group == (data.get("target"), data.get("origin")):
        return os
    return f"{os}-" + "-".join(str(part).lower().replace("_", "-") for part in group if part)


def subscriptions(os: str, priority: int | None) -> dict[str, dict[str, Any]]:
    """Subscription name -> gnmic subscription, one per (target, origin) group of the OS."""
    data = os_telemetry(os)
    paths: dict[Group, set[str]] = {}
    for path, _, group in _entries(os, priority).values():
        paths.setdefault(group, set()).add(f"{group[1]}:{path}" if group[1] else path)
    out: dict[str, dict[str, Any]] = {}
    for group, members in paths.items():
        sub: dict[str, Any] = {
            "paths": sorted(members),
            "mode": "stream",
            "stream-mode": "sample",
            "sample-interval": SAMPLE_INTERVAL,
            "encoding": data["encoding"],
        }
        if group[0]:
            sub["target"] = group[0]
        out[subscription_name(os, group)] = sub
    return dict(sorted(out.items()))


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
                    {"replace": {"apply-on": "value", "old": OTHER_STATE, "new": "0"}},
                ],
            }
        },
    }
    if extract:
        processors["aiinfra-keys"] = {"event-extract-tags": {"value-names": extract}}
    return processors


def _target(telemetry: TelemetryIntent, address: str, subs: list[str], tags: dict[str, str]) -> dict[str, Any]:
    return {"address": f"{address}:{telemetry.gnmi_port}", "subscriptions": subs, "event-tags": tags}


def gnmic_config(design: Design) -> dict[str, Any]:
    t = design.telemetry
    if t is None:
        raise ValueError("the Design has no telemetry intent")
    qos = design.qos.get("backend")
    priority = qos.nodrop_priority if qos else None
    oses = sorted({d.os for d in design.devices.values()})
    subs = {os: subscriptions(os, priority) for os in oses}
    targets = {}
    for d in sorted(design.devices.values(), key=lambda d: d.name):
        tags = {"fabric": d.fabric, "role": d.role, "os": d.os}
        if d.rail is not None:
            tags["rail"] = str(d.rail)
        targets[d.name] = _target(t, d.mgmt_address.split("/")[0], list(subs[d.os]), tags)
    processors = _processors(oses, priority)
    return {
        "tls-ca": f"{CERT_DIR}/{t.tls.ca_name}.pem",
        "tls-cert": f"{CERT_DIR}/collector.pem",
        "tls-key": f"{CERT_DIR}/collector.key",
        "encoding": "json_ietf",
        "targets": targets,
        "subscriptions": {name: sub for os in oses for name, sub in subs[os].items()},
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
