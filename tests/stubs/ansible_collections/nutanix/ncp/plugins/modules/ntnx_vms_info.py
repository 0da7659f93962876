#!/usr/bin/python
"""Stub of nutanix.ncp.ntnx_vms_info (argument spec only; see the collection README)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ntnx_vms_info
short_description: Stub of the VM info module (argument spec only)
description: Offline stand-in for syntax checks; fails when run.
options: {}
author: aiinfra tests
"""

from ansible_collections.nutanix.ncp.plugins.module_utils.stub import INFO, run


def main() -> None:
    run({**INFO, "vm_uuid": {"type": "str"}, "kind": {"type": "str", "default": "vm"}})


if __name__ == "__main__":
    main()
