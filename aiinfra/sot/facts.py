"""Read the site-owned node facts out of Nautobot, as the node facts file (``compute.node_facts``) holds them.

A site that keeps its inventory in Nautobot records each GPU node's serial on the device, each NIC's MAC on
its interface (the BMC's on ``bmc``) and the install disk's hints in the ``aiinfra_root_device`` custom field
(a JSON object of OpenShift ``rootDeviceHints`` keys). ``aiinfra sot facts`` writes those into the YAML
facts file, which validate then checks like one written by hand, so nothing read from Nautobot bypasses
the spec's checks.
"""

from __future__ import annotations

from typing import Any

import yaml

from aiinfra.design.model import Design

ROOT_DEVICE_FIELD = "aiinfra_root_device"


def read_facts(design: Design, api: Any) -> dict[str, Any]:
    """``{"nodes": {name: facts}}`` for every designed node Nautobot holds facts about."""
    nodes: dict[str, Any] = {}
    for node in design.nodes:
        device = api.dcim.devices.get(name=node.name, location=design.name)
        if device is None:
            continue
        facts: dict[str, Any] = {}
        if device.serial:
            facts["serial"] = device.serial
        netdevs = {nic.netdev for nic in (*node.backend, *node.frontend, *node.storage)}
        macs = {}
        for interface in api.dcim.interfaces.filter(device=device.id):
            mac = interface.mac_address
            if not mac:
                continue
            if interface.name == "bmc":
                facts["bmc_mac"] = str(mac).lower()
            elif interface.name in netdevs:
                macs[interface.name] = str(mac).lower()
        if macs:
            facts["macs"] = dict(sorted(macs.items()))
        hints = (device.custom_fields or {}).get(ROOT_DEVICE_FIELD)
        if hints:
            facts["root_device"] = hints
        if facts:
            nodes[node.name] = facts
    return {"nodes": nodes}


def facts_yaml(facts: dict[str, Any]) -> str:
    header = "# Node facts read from Nautobot by `aiinfra sot facts`; point compute.node_facts at this file.\n"
    return header + yaml.safe_dump(facts, sort_keys=False)
