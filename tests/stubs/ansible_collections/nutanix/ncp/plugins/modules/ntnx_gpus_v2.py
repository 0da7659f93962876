#!/usr/bin/python
"""Stub of nutanix.ncp.ntnx_gpus_v2 (argument spec only; see the collection README)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ntnx_gpus_v2
short_description: Stub of the v4 GPU attach module (argument spec only)
description: Offline stand-in for syntax checks; fails when run.
options: {}
author: aiinfra tests
"""

from ansible_collections.nutanix.ncp.plugins.module_utils.stub import run


def main() -> None:
    run(
        {
            "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
            "wait": {"type": "bool", "default": True},
            "ext_id": {"type": "str"},
            "vm_ext_id": {"type": "str", "required": True},
            "mode": {"type": "str", "choices": ["PASSTHROUGH_GRAPHICS", "PASSTHROUGH_COMPUTE", "VIRTUAL"]},
            "device_id": {"type": "int"},
            "vendor": {"type": "str", "choices": ["NVIDIA", "AMD", "INTEL"]},
        }
    )


if __name__ == "__main__":
    main()
