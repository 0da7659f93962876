"""Ansible filter: keep a SONiC switch's own hardware facts in the config aiinfra rendered.

A full ``config reload`` replaces CONFIG_DB. Some of what CONFIG_DB must hold is a fact of
the box, not of the design: the platform string, the HwSKU and base MAC, and each port's
SerDes lanes, alias and index (from the platform's ``platform.json``/``port_config.ini``).
aiinfra cannot know those, so the playbook reads them from the switch's running CONFIG_DB
(``sonic-cfggen -d --print-data``) and this filter writes them into the rendered intent.
Everything else comes from the intent unchanged.
"""

from __future__ import annotations

import copy
from typing import Any

HARDWARE_METADATA = ("platform", "hwsku", "mac")
HARDWARE_PORT_FIELDS = ("lanes", "alias", "index")


def sonic_keep_hardware(intent: dict[str, Any], running: dict[str, Any]) -> dict[str, Any]:
    """The rendered ``intent`` with the running switch's hardware facts filled in."""
    merged = copy.deepcopy(intent)
    running_meta = (running.get("DEVICE_METADATA") or {}).get("localhost") or {}
    meta = merged.setdefault("DEVICE_METADATA", {}).setdefault("localhost", {})
    for key in HARDWARE_METADATA:
        if key in running_meta:
            meta[key] = running_meta[key]
    running_ports = running.get("PORT") or {}
    for name, port in (merged.get("PORT") or {}).items():
        facts = running_ports.get(name) or {}
        for key in HARDWARE_PORT_FIELDS:
            if key in facts:
                port[key] = facts[key]
    return merged


class FilterModule:
    """Registers ``sonic_keep_hardware`` for the SONiC deploy tasks."""

    def filters(self) -> dict[str, Any]:
        return {"sonic_keep_hardware": sonic_keep_hardware}
