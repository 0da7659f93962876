"""Write the Design's :class:`~aiinfra.design.lab_intent.LabIntent` as a containerlab topology.

The topology is built as data and dumped as YAML (never templated text). Each switch boots its
rendered config (``configs/<file>``, beside ``lab/``) as its ``startup-config``; each GPU node is a
``linux`` container whose ``exec`` commands put the Design's rail and front-end addresses on the
NIC names the Design gives it. Every container's ``mgmt-ipv4`` is its Design management address on a
management network of the Design's management subnet and gateway.
"""

from __future__ import annotations

from typing import Any

import yaml

from aiinfra.design.model import Design, Node
from aiinfra.nos import profile

LAB_DIR = "lab"


def clab_files(design: Design) -> dict[str, str]:
    """The render artefact: ``{lab/<name>.clab.yml: text}``; nothing for a Design without a lab."""
    if design.containerlab is None:
        return {}
    text = yaml.safe_dump(topology(design), sort_keys=False, default_flow_style=None, width=200)
    return {f"{LAB_DIR}/{design.name}.clab.yml": text}


def topology(design: Design) -> dict[str, Any]:
    """The topology as data (what ``clab_files`` dumps); the Design must carry its lab intent."""
    lab = design.containerlab
    if lab is None:
        raise ValueError(f"design {design.name} has no containerlab intent")
    links = [design.links[i] for i in lab.links]
    names = {sw.name: sw.interfaces for sw in lab.switches}
    nodes: dict[str, Any] = {}
    for sw in lab.switches:
        device = design.devices[sw.name]
        config = profile(device.os).config_file.format(hostname=device.name)
        nodes[sw.name] = {
            "kind": sw.kind,
            "image": sw.image,
            "startup-config": f"../configs/{config}",
            "mgmt-ipv4": _host(device.mgmt_address),
            "group": f"{device.fabric}-{device.role}",
            "labels": {"aiinfra.fabric": device.fabric, "aiinfra.role": device.role, "aiinfra.os": device.os},
        }
    wired = {(link.a_device, link.a_interface) for link in links}
    by_name = {n.name: n for n in design.nodes}
    for name in lab.nodes:
        node = by_name[name]
        nodes[name] = {
            "kind": "linux",
            "image": lab.node_image,
            "mgmt-ipv4": _host(node.mgmt_address),
            "group": "node",
            "labels": {"aiinfra.su": str(node.su)},
            "exec": _node_exec(node, wired),
        }
    return {
        "name": design.name,
        "mgmt": {
            "network": f"{design.name}-mgmt",
            "ipv4-subnet": design.mgmt_network,
            "ipv4-gw": design.mgmt_gateway,
        },
        "topology": {
            "nodes": nodes,
            "links": [
                {
                    "endpoints": [
                        _end(names, link.a_device, link.a_interface),
                        _end(names, link.b_device, link.b_interface),
                    ]
                }
                for link in links
            ],
        },
    }


def _host(cidr: str) -> str:
    return cidr.split("/", 1)[0]


def _end(names: dict[str, dict[str, str]], device: str, interface: str) -> str:
    """``node:interface`` with a switch's interface in its kind's naming; a node keeps the Design's netdev."""
    switch = names.get(device)
    return f"{device}:{switch[interface] if switch is not None else interface}"


def _node_exec(node: Node, wired: set[tuple[str, str]]) -> list[str]:
    """The commands that give a node container the Design's addresses on its cabled NICs."""
    out: list[str] = []
    for nic in (*node.backend, *node.frontend, *node.storage):
        if (node.name, nic.netdev) not in wired:
            continue
        out += [
            f"ip link set dev {nic.netdev} mtu {nic.mtu}",
            f"ip address add {nic.address} dev {nic.netdev}",
            f"ip link set dev {nic.netdev} up",
        ]
    for loopback in (node.frontend_address, node.storage_address):
        if loopback:
            out.append(f"ip address add {loopback} dev lo")
    return out
