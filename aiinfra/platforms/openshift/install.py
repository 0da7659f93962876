"""openshift: the agent-based installer inputs (install-config.yaml, agent-config.yaml).

Networking choices, forced by the layer-3 fabric: node IPs are the front-end /32s on a
dummy interface, reached over an ECMP default route via both leaves; ``api_vip`` and
``ingress_vip`` live on a user-managed load balancer, so the install-config uses
``platform: none`` (no keepalived VIPs, which need a shared L2 segment the fabric does
not have). MACs and root-disk hints are the site's node facts.
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Any

from aiinfra.design.model import Design, Node
from aiinfra.design.platform import OpenShiftSettings, node_mac, root_device_hints
from aiinfra.platforms.host import platform_of, uplink_groups

FRONTEND_DUMMY = "aiinfra-fe"
ROOT_HINT_KEYS = {
    "device_name": "deviceName",
    "hctl": "hctl",
    "model": "model",
    "vendor": "vendor",
    "serial_number": "serialNumber",
    "wwn": "wwn",
    "min_size_gigabytes": "minSizeGigabytes",
    "rotational": "rotational",
}


def settings(design: Design) -> OpenShiftSettings:
    found = platform_of(design).settings
    if not isinstance(found, OpenShiftSettings):
        raise ValueError(f"the Design's platform is {platform_of(design).type}, not openshift")
    return found


def control_plane(design: Design) -> list[Node]:
    return design.nodes[: settings(design).control_plane_replicas]


def node_ip(node: Node) -> str:
    return str(IPv4Interface(node.frontend_address or "").ip)


def install_config(design: Design) -> dict[str, Any]:
    p = settings(design)
    masters = len(control_plane(design))
    return {
        "apiVersion": "v1",
        "baseDomain": p.base_domain,
        "metadata": {"name": design.name},
        "controlPlane": {"name": "master", "replicas": masters, "architecture": "amd64", "hyperthreading": "Enabled"},
        "compute": [
            {
                "name": "worker",
                "replicas": len(design.nodes) - masters,
                "architecture": "amd64",
                "hyperthreading": "Enabled",
            }
        ],
        "networking": {
            "networkType": "OVNKubernetes",
            "clusterNetwork": [{"cidr": p.cluster_network, "hostPrefix": 23}],
            "serviceNetwork": [p.service_network],
            "machineNetwork": [{"cidr": design.pools["frontend.hosts"]}],
        },
        "platform": {"none": {}},
        "pullSecret": p.pull_secret,
        "sshKey": p.ssh_key,
    }


def ipv4(address: str) -> dict[str, Any]:
    iface = IPv4Interface(address)
    return {
        "enabled": True,
        "dhcp": False,
        "address": [{"ip": str(iface.ip), "prefix-length": iface.network.prefixlen}],
    }


def frontend_network_config(design: Design, node: Node, dns: tuple[str, ...]) -> dict[str, Any]:
    """nmstate for the installer: both front-end /31s, the /32 on a dummy, ECMP default route."""
    group = next(g for g in uplink_groups(design, node) if g.fabric == "frontend")
    interfaces: list[dict[str, Any]] = [
        {
            "name": nic.netdev,
            "type": "ethernet",
            "state": "up",
            "mac-address": node_mac(node, nic.netdev),
            "mtu": nic.mtu,
            "ipv4": ipv4(nic.address),
            "ipv6": {"enabled": False},
        }
        for nic in group.nics
    ]
    interfaces.append(
        {
            "name": FRONTEND_DUMMY,
            "type": "dummy",
            "state": "up",
            "ipv4": ipv4(group.address),
            "ipv6": {"enabled": False},
        }
    )
    routes = [
        {
            "destination": "0.0.0.0/0",
            "next-hop-address": nic.gateway,
            "next-hop-interface": nic.netdev,
            "metric": 100,
            "weight": 1,
        }
        for nic in group.nics
    ]
    return {
        "interfaces": interfaces,
        "routes": {"config": routes},
        "dns-resolver": {"config": {"server": list(dns)}},
    }


def agent_config(design: Design) -> dict[str, Any]:
    """Hosts, roles, MACs and root-disk hints (the site's node facts), and the site's DNS/NTP servers."""
    masters = {n.name for n in control_plane(design)}
    dns = design.management.dns
    hosts = []
    for node in design.nodes:
        host: dict[str, Any] = {
            "hostname": node.name,
            "role": "master" if node.name in masters else "worker",
            "interfaces": [{"name": n.netdev, "macAddress": node_mac(node, n.netdev)} for n in node.frontend],
        }
        hints = root_device_hints(node)
        if hints:
            host["rootDeviceHints"] = {ROOT_HINT_KEYS[k]: _hint_value(k, v) for k, v in sorted(hints.items())}
        host["networkConfig"] = frontend_network_config(design, node, dns)
        hosts.append(host)
    return {
        "apiVersion": "v1beta1",
        "kind": "AgentConfig",
        "metadata": {"name": design.name},
        "rendezvousIP": node_ip(design.nodes[0]),
        "additionalNTPSources": list(design.management.ntp),
        "hosts": hosts,
    }


def _hint_value(key: str, value: str) -> Any:
    if key == "min_size_gigabytes":
        return int(value)
    if key == "rotational":
        return value == "true"
    return value
