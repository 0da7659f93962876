#!/usr/bin/python
"""Stub of nutanix.ncp.ntnx_subnets_info (argument spec only; see the collection README)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ntnx_subnets_info
short_description: Stub of the subnet info module (argument spec only)
description: Offline stand-in for syntax checks; fails when run.
options: {}
author: aiinfra tests
"""

from ansible_collections.nutanix.ncp.plugins.module_utils.stub import INFO, run


def main() -> None:
    run({**INFO, "subnet_uuid": {"type": "str"}, "kind": {"type": "str", "default": "subnet"}})


if __name__ == "__main__":
    main()
