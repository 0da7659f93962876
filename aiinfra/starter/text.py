"""The starter ``cluster.yaml`` as text: every value from :class:`Starter`, every decision commented.

A starter is read by someone who has not read the docs yet, so the comments say what
each section is for and which values are site-specific. Free text from the command line
(the SSH key, the vGPU profile) is written with ``json.dumps`` (a JSON string is a YAML
scalar), so it cannot break the file or add a key; the cluster name is checked against the
spec's hostname grammar before it gets here, and every other value comes from the catalog.
"""

from __future__ import annotations

import ipaddress
import json

from aiinfra.starter.choices import FACTS_FILE, Starter


def _q(value: str) -> str:
    return json.dumps(value)


def _host(network: str, index: int) -> str:
    return str(ipaddress.IPv4Network(network).network_address + index)


def _header(s: Starter, facts: bool) -> list[str]:
    return [
        "# yaml-language-server: $schema=cluster.schema.json   (aiinfra schema > cluster.schema.json)",
        "#",
        f"# {s.name}: {s.gpus} GPUs on {s.nodes} {s.server} nodes, switches on {s.os}, platform {s.platform}.",
        "# Written by `aiinfra init`; it validates as written. Review every line marked SITE:",
        "# those are this site's own values (addresses, servers, keys), not aiinfra's choices.",
        "#",
        "#   aiinfra validate cluster.yaml     # check it",
        "#   aiinfra show cluster.yaml         # the designed fabric, switch counts and tiers",
        "#   aiinfra render cluster.yaml       # everything, into build/",
        f"name: {s.name}",
        "site:",
        f"  domain: {s.name}.example.net             # SITE: the DNS domain of the cluster",
        "  management:",
        f"    network: {s.management}              # SITE: switch and node management subnet",
        f"    gateway: {_host(s.management, 1)}",
        f"    allowed_cidrs: [{s.management}]       # who may reach SSH/SNMP/APIs on the switches",
        f"  dns: [{_host(s.management, 2)}]                      # SITE",
        f"  ntp: [{_host(s.management, 3)}]                      # SITE",
        f"  syslog: [{_host(s.management, 4)}]                   # SITE",
        "  timezone: UTC",
        "",
        "compute:",
        f"  node_model: {s.server}     # aiinfra catalog list servers",
        f"  nodes: {s.nodes}",
        *([f"  node_facts: {FACTS_FILE}      # SITE: per-node MACs / NIC names (see the file)"] if facts else []),
    ]


def _fabrics(s: Starter) -> list[str]:
    p = s.pools
    switches = f"{{model: {s.fabric_switch}, os: {s.os}}}"
    return [
        "",
        "fabrics:",
        "  # Rail-optimized RoCEv2 back-end: NIC i of every node to a leaf of rail i; spines (and",
        "  # super-spines) as the size needs. One switch model for every tier; give",
        "  # switches: {leaf: ..., spine: ..., super_spine: ...} to mix models or OSes.",
        "  backend:",
        *(
            ["    design: single-switch       # every NIC on one switch; rail-optimized from 5 nodes up"]
            if s.small
            else ["    design: rail-optimized"]
        ),
        f"    link_speed: {s.backend_speed}",
        f"    switches: {switches}     # aiinfra catalog list switches",
        '    oversubscription: "1:1"',
        "    load_balancing: ecmp",
        "    roce:",
        "      # One no-drop priority end to end (switches and hosts render the same numbers).",
        "      priority: 3",
        "      dscp: 26",
        "      ecn: auto                   # thresholds from the link speed and buffer",
        "      host_mtu: 9000",
        "      cable_length_m: {host_leaf: 5, leaf_spine: 50}   # SITE: longest cable of each tier (PFC headroom)",
        "    underlay:",
        "      asn_pool: {first: 4200000000, last: 4200999999}",
        "    addressing:",
        f"      loopbacks: {p['be_loopbacks'].network}          # {p['be_loopbacks'].why}",
        f"      fabric_links: {p['be_links'].network}       # {p['be_links'].why}",
        f"      gpu: {p['gpu'].network}                # {p['gpu'].why}",
        "  # Front-end: nodes dual-homed at layer 3 to a leaf pair (no MLAG).",
        "  frontend:",
        *(["    collapsed: true             # one leaf pair, no spines"] if s.small else []),
        f"    switches: {switches}",
        f"    link_speed: {s.frontend_speed}",
        f"    uplink_speed: {s.uplink_speed}",
        '    oversubscription: "3:1"',
        "    underlay:",
        "      asn_pool: {first: 4201000000, last: 4201999999}",
        "    addressing:",
        f"      loopbacks: {p['fe_loopbacks'].network}         # {p['fe_loopbacks'].why}",
        f"      fabric_links: {p['fe_links'].network}      # {p['fe_links'].why}",
        f"      host_links: {p['fe_host_links'].network}        # {p['fe_host_links'].why}",
        f"      hosts: {p['fe_hosts'].network}             # {p['fe_hosts'].why}",
        "  oob:",
        f"    switch: {{model: {s.oob_switch}, os: {s.oob_os}}}   # management access switches",
    ]


def _platform(s: Starter) -> list[str]:
    head = ["", "platform:"]
    if s.platform == "baremetal":
        return [*head, "  type: baremetal", "  distribution: ubuntu-22.04", "  qos_tool: mlnx_qos"]
    if s.platform == "openshift":
        hosts = s.pools["fe_hosts"].network
        size = ipaddress.IPv4Network(hosts).num_addresses
        return [
            *head,
            "  type: openshift",
            '  version: "4.18"',
            f"  base_domain: {s.name}.example.net        # SITE",
            "  control_plane_replicas: 3",
            f"  api_vip: {_host(hosts, size - 3)}               # inside the front-end hosts pool",
            f"  ingress_vip: {_host(hosts, size - 2)}",
            "  pull_secret: {vault: vault_openshift_pull_secret}   # from console.redhat.com, kept in the vault",
            f"  ssh_key: {_q(s.ssh_key)}",
        ]
    if s.platform == "vmware":
        return [
            *head,
            "  type: vmware",
            f"  vcenter: vcenter.{s.name}.example.net      # SITE",
            "  datacenter: dc1                             # SITE",
            "  cluster: gpu                                # SITE",
            "  password: {vault: vault_vcenter_password}",
            "  gpu_mode: vgpu",
            f"  vgpu_profile: {_q(s.vgpu_profile or '')}",
        ]
    return [
        *head,
        "  type: nutanix",
        f"  prism_central: pc.{s.name}.example.net       # SITE",
        "  cluster: gpu                                # SITE",
        "  password: {vault: vault_nutanix_password}",
        "  gpu_mode: passthrough",
        f"  gpu_device_id: {s.pci_device_id:#06x}                  # PCI device ID of the GPU",
        "  vm_management_subnet: gpu-mgmt              # SITE: an existing AHV subnet (DHCP)",
    ]


def _security(s: Starter) -> list[str]:
    return [
        "",
        "security:",
        "  users:",
        "    - name: netops",
        "      role: admin",
        f"      ssh_keys: [{_q(s.ssh_key)}]",
        "  # aaa: {protocol: tacacs, servers: [{address: ..., key: {vault: vault_tacacs_key}}]}",
        "  # snmp: {users: [{name: nms-ro, auth: sha, auth_key: {vault: ...}, priv: aes128, priv_key: {vault: ...}}]}",
        "",
        "# workloads: size the cluster for what it runs (aiinfra size cluster.yaml); see docs/sizing.md.",
    ]


def starter_yaml(s: Starter, *, platform: bool = True) -> str:
    """The spec; ``platform=False`` swaps in bare metal, whose design needs no node facts (to name the nodes)."""
    body = _platform(s) if platform else ["", "platform:", "  type: baremetal"]
    return "\n".join(_header(s, platform and s.needs_facts) + _fabrics(s) + body + _security(s)) + "\n"


def facts_yaml(s: Starter, nodes: list[tuple[str, list[str]]]) -> str:
    """Stand-in node facts that keep the starter valid: each node's (name, front-end netdevs)
    for OpenShift, (name, back-end netdevs) for vSphere."""
    lines = [
        f"# Per-node facts for {s.name}: what only the site knows. Written by `aiinfra init`.",
        "# SITE: every value below is a STAND-IN that keeps the starter valid. Replace each with the",
    ]
    if s.platform == "openshift":
        lines += [
            "# node's real front-end MAC (from the BMC inventory) before deploying; the ones here are",
            "# locally administered (02:...) and numbered by node and port.",
            "nodes:",
        ]
        for i, (name, netdevs) in enumerate(nodes, 1):
            lines.append(f"  {name}:")
            lines.append("    macs:")
            for j, netdev in enumerate(netdevs):
                lines.append(f'      {netdev}: "02:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}:{j:02x}"')
    else:
        lines += [
            "# ESXi vmnic name of the node's rail NIC (`esxcli network nic list`); the ones here assume",
            "# vmnic0-1 are the management ports and the rail NICs follow in order.",
            "nodes:",
        ]
        for name, netdevs in nodes:
            lines.append(f"  {name}:")
            lines.append("    netdevs:")
            for j, netdev in enumerate(netdevs):
                lines.append(f"      {netdev}: vmnic{j + 2}")
    return "\n".join(lines) + "\n"
