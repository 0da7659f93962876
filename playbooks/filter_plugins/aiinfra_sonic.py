"""Ansible filter: keep a SONiC switch's own hardware facts in the config aiinfra rendered.

A full ``config reload`` replaces CONFIG_DB. Some of what CONFIG_DB must hold is a fact of
the box, not of the design: the platform string, the HwSKU and base MAC, and each port's
SerDes lanes, alias and index (from the platform's ``platform.json``/``port_config.ini``).
aiinfra renders lanes by front-panel position (PORT.lanes is mandatory, and a first
install has no running row for a broken-out child port); the playbook reads the box's
running CONFIG_DB (``sonic-cfggen -d --print-data``) and this filter puts the box's facts
in their place wherever it knows them.

Lanes follow position, not names: SONiC names a port after its first lane
(``Ethernet<n>`` holds front-panel lane positions n, n+1, ...), so each running port maps
the positions it covers to the box's lane numbers. A rendered port takes the box's lanes
for exactly the positions it covers, which also holds across a breakout change (a child
of a running 800G port takes its slice of the parent's lanes, and a port that merges two
running children takes both). A port whose positions the box does not cover keeps the
rendered lanes. Alias is kept only for an unchanged port (same name, same lane count), as
a breakout changes the platform's alias; index is the cage, so it follows the first lane.

``VERSIONS|DATABASE`` is the box's CONFIG_DB schema version: a file without it makes
db_migrator (run by ``config reload``) treat the database as ``version_unknown`` and
replay every migration over the rendered tables, so the running value is kept.
Everything else comes from the intent unchanged.
"""

from __future__ import annotations

import copy
import re
from typing import Any

HARDWARE_METADATA = ("platform", "hwsku", "mac")
PORT_NAME = re.compile(r"^Ethernet(\d+)$")


def _lanes(value: Any) -> list[str]:
    return [v.strip() for v in str(value).split(",") if v.strip()] if value else []


def _positions(ports: dict[str, Any]) -> dict[int, tuple[str, dict[str, Any]]]:
    """Front-panel lane position -> (box lane, running port) from the running PORT table."""
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    for name, port in ports.items():
        match = PORT_NAME.match(name)
        if not match or not isinstance(port, dict):
            continue
        for offset, lane in enumerate(_lanes(port.get("lanes"))):
            out[int(match.group(1)) + offset] = (lane, port)
    return out


def _keep_port(name: str, port: dict[str, Any], running: dict[str, Any], at: dict[int, Any]) -> None:
    same = running.get(name)
    count = len(_lanes(port.get("lanes"))) or len(_lanes((same or {}).get("lanes")))
    if isinstance(same, dict) and len(_lanes(same.get("lanes"))) == count:
        for key in ("lanes", "alias", "index"):
            if key in same:
                port[key] = same[key]
        return
    match = PORT_NAME.match(name)
    if not match or not count:
        return
    first = int(match.group(1))
    covered = [at.get(first + n) for n in range(count)]
    if all(covered):
        port["lanes"] = ",".join(lane for lane, _ in covered)  # type: ignore[misc]
        port.pop("alias", None)
        index = covered[0][1].get("index")  # type: ignore[index]
        if index is not None:
            port["index"] = index


def sonic_keep_hardware(intent: dict[str, Any], running: dict[str, Any]) -> dict[str, Any]:
    """The rendered ``intent`` with the running switch's hardware facts filled in."""
    merged = copy.deepcopy(intent)
    running_meta = (running.get("DEVICE_METADATA") or {}).get("localhost") or {}
    meta = merged.setdefault("DEVICE_METADATA", {}).setdefault("localhost", {})
    for key in HARDWARE_METADATA:
        if key in running_meta:
            meta[key] = running_meta[key]
    version = (running.get("VERSIONS") or {}).get("DATABASE")
    if isinstance(version, dict) and version.get("VERSION"):
        merged.setdefault("VERSIONS", {})["DATABASE"] = {"VERSION": version["VERSION"]}
    running_ports = running.get("PORT") or {}
    at = _positions(running_ports)
    for name, port in (merged.get("PORT") or {}).items():
        _keep_port(name, port, running_ports, at)
    return merged


class FilterModule:
    """Registers ``sonic_keep_hardware`` for the SONiC deploy tasks."""

    def filters(self) -> dict[str, Any]:
        return {"sonic_keep_hardware": sonic_keep_hardware}
