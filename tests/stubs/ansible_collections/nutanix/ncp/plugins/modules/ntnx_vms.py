#!/usr/bin/python
"""Stub of nutanix.ncp.ntnx_vms (argument spec only; see the collection README)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ntnx_vms
short_description: Stub of the v3 VM module (argument spec only)
description: Offline stand-in for syntax checks; fails when run.
options: {}
author: aiinfra tests
"""

from ansible_collections.nutanix.ncp.plugins.module_utils.stub import ENTITY, run

NETWORK = {
    "uuid": {"type": "str"},
    "state": {"type": "str", "choices": ["absent"]},
    "subnet": {"type": "dict", "options": {**ENTITY, "cluster": {"type": "dict", "options": ENTITY}}},
    "private_ip": {"type": "str"},
    "mac_address": {"type": "str"},
    "is_connected": {"type": "bool", "default": True},
}
DISK = {
    "uuid": {"type": "str"},
    "state": {"type": "str", "choices": ["absent"]},
    "type": {"type": "str", "default": "DISK", "choices": ["CDROM", "DISK"]},
    "size_gb": {"type": "int"},
    "bus": {"type": "str", "default": "SCSI", "choices": ["SCSI", "PCI", "SATA", "IDE"]},
    "storage_container": {"type": "dict", "options": ENTITY},
    "clone_image": {"type": "dict", "options": ENTITY},
    "empty_cdrom": {"type": "bool"},
}
GUEST = {
    "type": {"type": "str", "required": True, "choices": ["cloud_init", "sysprep"]},
    "script_path": {"type": "path", "required": True},
    "is_overridable": {"type": "bool", "default": False},
}
BOOT = {
    "boot_type": {"type": "str", "default": "LEGACY", "choices": ["LEGACY", "UEFI", "SECURE_BOOT"]},
    "boot_order": {"type": "list", "elements": "str", "default": ["CDROM", "DISK", "NETWORK"]},
}


def main() -> None:
    run(
        {
            "state": {
                "type": "str",
                "default": "present",
                "choices": ["present", "absent", "power_on", "power_off", "soft_shutdown", "hard_poweroff"],
            },
            "wait": {"type": "bool", "default": True},
            "name": {"type": "str"},
            "vm_uuid": {"type": "str"},
            "desc": {"type": "str"},
            "cluster": {"type": "dict", "options": ENTITY},
            "project": {"type": "dict", "options": ENTITY},
            "vcpus": {"type": "int"},
            "cores_per_vcpu": {"type": "int"},
            "memory_gb": {"type": "int"},
            "timezone": {"type": "str", "default": "UTC"},
            "categories": {"type": "dict"},
            "force_power_off": {"type": "bool", "default": False},
            "boot_config": {"type": "dict", "options": BOOT},
            "disks": {"type": "list", "elements": "dict", "options": DISK},
            "networks": {"type": "list", "elements": "dict", "options": NETWORK},
            "guest_customization": {"type": "dict", "options": GUEST},
        }
    )


if __name__ == "__main__":
    main()
