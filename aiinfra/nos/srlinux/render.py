"""Nokia SR Linux 25.3.1: one JSON config per switch, the whole running configuration.

The tree is built as data from the Design (``interfaces``, ``routing``, ``qos``, ``system``)
and dumped deterministically (sorted members, two-space indent): JSON has no comments, so
nothing but configuration is in the file. The deploy replaces the box's whole running
configuration with it over JSON-RPC (``tasks/deploy.yml``); ``tests/validators/srl_yang.py``
validates every file against Nokia's 25.3.1 YANG models as complete configuration data.
"""

from __future__ import annotations

import json
from typing import Any

from aiinfra.design.model import Design, Device
from aiinfra.nos import profile
from aiinfra.nos.srlinux import interfaces, qos, routing, system


def tree(device: Device, design: Design) -> dict[str, Any]:
    """The whole configuration of ``device``, top-level members module-qualified."""
    protocols = routing.bgp(device)
    routes = routing.static_routes(device)
    out: dict[str, Any] = {
        "srl_nokia-interfaces:interface": interfaces.interfaces(device),
        "srl_nokia-network-instance:network-instance": interfaces.network_instances(device, protocols, routes),
        "srl_nokia-system:system": system.system(device, design.management, design.telemetry),
        "srl_nokia-acl:acl": system.acl(design.management, design.telemetry),
    }
    policy = routing.routing_policy(device)
    if policy:
        out["srl_nokia-routing-policy:routing-policy"] = policy
    bfd = routing.bfd(device)
    if bfd.get("subinterface"):
        out["srl_nokia-bfd:bfd"] = bfd
    if device.qos is not None:
        out["srl_nokia-qos:qos"] = qos.qos(device, design.switch_models[device.model])
    return out


def dumps(data: dict[str, Any]) -> str:
    """The JSON text aiinfra writes: stable member order, one trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def config_path(device: Device) -> str:
    return "configs/" + profile(device.os).config_file.format(hostname=device.name)


def render(device: Device, design: Design) -> dict[str, str]:
    """One SR Linux JSON config for ``device``."""
    return {config_path(device): dumps(tree(device, design))}
