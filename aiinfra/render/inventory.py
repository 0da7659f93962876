"""The Ansible inventory: ``inventory/hosts.yml`` plus one host_vars file per host.

Group membership comes from the Design (role, rail, SU, pod, fabric, OS); the
playbooks use the rail groups for one-rail-at-a-time rollout.
"""

from __future__ import annotations

from typing import Any

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device, Node
from aiinfra.render.reports import dump_yaml

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"


def config_files(device: Device, catalog: Catalog) -> list[str]:
    """Paths, relative to the render directory, of a switch's config file(s)."""
    profile = catalog.os[device.os]
    return [
        f"configs/{pattern.format(hostname=device.name)}" for pattern in [profile.config_file, *profile.extra_files]
    ]


def hosts_yml(design: Design, platform: str) -> str:
    groups: dict[str, list[str]] = {}
    for d in design.devices.values():
        for g in ["switches", *d.groups]:
            groups.setdefault(g, []).append(d.name)
    for n in design.nodes:
        for g in ("nodes", f"nodes_su_{n.su}", f"platform_{platform}"):
            groups.setdefault(g, []).append(n.name)
    children = {g: {"hosts": {h: None for h in hosts}} for g, hosts in sorted(groups.items())}
    return HEADER + dump_yaml({"all": {"children": children}})


def switch_vars(device: Device, catalog: Catalog) -> dict[str, Any]:
    profile = catalog.os[device.os]
    files = config_files(device, catalog)
    out: dict[str, Any] = {
        "ansible_host": device.mgmt_address.split("/")[0],
        "ansible_network_os": profile.ansible_network_os,
        "ansible_connection": profile.ansible_connection,
        "aiinfra_os": device.os,
        "aiinfra_os_release": device.os_release,
        "aiinfra_model": device.model,
        "aiinfra_fabric": device.fabric,
        "aiinfra_role": device.role,
        "aiinfra_config": "{{ aiinfra_build_dir }}/" + files[0],
        "aiinfra_extra_configs": ["{{ aiinfra_build_dir }}/" + f for f in files[1:]],
    }
    for key in ("su", "rail", "pod", "plane"):
        value = getattr(device, key)
        if value is not None:
            out[f"aiinfra_{key}"] = value
    if device.loopback:
        out["aiinfra_loopback"] = device.loopback
    if device.bgp:
        out["aiinfra_asn"] = device.bgp.asn
        out["aiinfra_bgp_neighbors"] = [
            {"address": n.address, "remote_asn": n.remote_asn, "peer": n.peer_device, "interface": n.interface}
            for n in device.bgp.neighbors
        ]
    return out


def node_vars(node: Node, design: Design) -> dict[str, Any]:
    def nics(items: list) -> list[dict[str, Any]]:
        return [
            {
                "index": n.index,
                "netdev": n.netdev,
                "rdma_device": n.rdma_device,
                "address": n.address,
                "gateway": n.gateway,
                "route_table": n.route_table,
                "mtu": n.mtu,
                "switch": n.switch,
                "switch_interface": n.switch_interface,
            }
            for n in items
        ]

    out: dict[str, Any] = {
        "ansible_host": node.mgmt_address.split("/")[0],
        "aiinfra_node_model": node.model,
        "aiinfra_su": node.su,
        "aiinfra_bmc_address": node.bmc_address,
        "aiinfra_backend_nics": nics(node.backend),
    }
    if node.frontend:
        out["aiinfra_frontend_address"] = node.frontend_address
        out["aiinfra_frontend_nics"] = nics(node.frontend)
    if node.storage:
        out["aiinfra_storage_address"] = node.storage_address
        out["aiinfra_storage_nics"] = nics(node.storage)
    if node.facts:
        out["aiinfra_node_facts"] = dict(sorted(node.facts.items()))  # site facts: serial, MACs, disk hints
    return out


def group_vars_all(design: Design) -> str:
    return HEADER + dump_yaml(
        {
            "aiinfra_cluster": design.name,
            "aiinfra_build_dir": "{{ inventory_dir }}/..",
        }
    )


def inventory_files(design: Design, catalog: Catalog, platform: str) -> dict[str, str]:
    files = {
        "inventory/hosts.yml": hosts_yml(design, platform),
        "inventory/group_vars/all.yml": group_vars_all(design),
    }
    for d in design.devices.values():
        files[f"inventory/host_vars/{d.name}.yml"] = HEADER + dump_yaml(switch_vars(d, catalog))
    for n in design.nodes:
        files[f"inventory/host_vars/{n.name}.yml"] = HEADER + dump_yaml(node_vars(n, design))
    return files
