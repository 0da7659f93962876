#!/usr/bin/python
"""Stub of nutanix.ncp.ntnx_subnets (argument spec only; see the collection README)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ntnx_subnets
short_description: Stub of the subnet module (argument spec only)
description: Offline stand-in for syntax checks; fails when run.
options: {}
author: aiinfra tests
"""

from ansible_collections.nutanix.ncp.plugins.module_utils.stub import ENTITY, run

VLAN_SUBNET = {
    "vlan_id": {"type": "int", "required": True},
    "cluster": {"type": "dict", "required": True, "options": ENTITY},
    "virtual_switch": {"type": "dict", "required": True, "options": ENTITY},
    "ipam": {"type": "dict"},
}


def main() -> None:
    run(
        {
            "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
            "wait": {"type": "bool", "default": True},
            "name": {"type": "str"},
            "subnet_uuid": {"type": "str"},
            "vlan_subnet": {"type": "dict", "options": VLAN_SUBNET},
            "external_subnet": {"type": "dict"},
            "overlay_subnet": {"type": "dict"},
        }
    )


if __name__ == "__main__":
    main()
