"""cloud-init for the AHV GPU VMs: the VM's Quadlet units as ``write_files``, then started.

The units are the bare-metal ones (:mod:`aiinfra.apps.quadlet`); cloud-init only delivers
them, so a VM and a bare-metal node run byte-identical services. The document is a
cloud-config of its own (``apps/cloud-init/<vm>.yaml``) for a VM's first boot; on a VM
that is already running, ``playbooks/apps.yml`` installs the same units over SSH.
"""

from __future__ import annotations

from typing import Any

from aiinfra.apps.quadlet import UNIT_DIR, units
from aiinfra.design.apps_model import AppsIntent
from aiinfra.render.yamlout import dump

HEADER = "#cloud-config\n# {vm}: aiinfra serving units, rendered from cluster.yaml; edit the spec, not this file.\n"


def cloud_config(node_units: dict[str, str]) -> dict[str, Any]:
    services = [name.removesuffix(".container") + ".service" for name in node_units]
    return {
        "write_files": [
            {"path": f"{UNIT_DIR}/{name}", "owner": "root:root", "permissions": "0644", "content": text}
            for name, text in node_units.items()
        ],
        "runcmd": [["systemctl", "daemon-reload"], *(["systemctl", "start", s] for s in services)],
    }


def documents(a: AppsIntent, vm_of: dict[str, str], hosts: dict[str, str]) -> dict[str, str]:
    """VM name -> cloud-config text, for every VM that runs a service."""
    out = {}
    for node, node_units in units(a, hosts).items():
        vm = vm_of[node]
        out[vm] = HEADER.format(vm=vm) + dump(cloud_config(node_units))
    return out


__all__ = ["cloud_config", "documents"]
