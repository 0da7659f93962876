"""openshift: agent-based installer inputs and the day-2 manifests for GPU/RoCE nodes.

Objects are built as data and dumped as YAML (not templated text), so every value
is a design value and the CRD-schema tests can load them back unchanged.

Networking choices, all forced by the layer-3 fabric:
* node IPs are the front-end /32s on a dummy interface, reached over an ECMP default
  route via both leaves; ``api_vip``/``ingress_vip`` live on a user-managed load
  balancer, so the install-config uses ``platform: none`` (no keepalived VIPs, which
  need a shared L2 segment the fabric does not have);
* each rail NIC has exactly one address (the /31 host end), so RDMA workloads use host
  networking with the per-rail RDMA shared-device resources; NNCPs put the addresses,
  per-NIC tables and source rules on the host.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from ipaddress import IPv4Interface
from typing import Any

from aiinfra.design.model import Design, Node
from aiinfra.design.platform import HostIntent, OpenShiftSettings, node_mac, root_device_hints
from aiinfra.render.environment import render_template
from aiinfra.render.platforms.common import (
    BIN_DIR,
    HEADER,
    QOS_UNIT,
    platform_of,
    qos_files,
    sysctl_conf,
    uplink_groups,
)
from aiinfra.render.reports import dump_yaml

NFD_NAMESPACE = "openshift-nfd"
GPU_NAMESPACE = "nvidia-gpu-operator"
NETWORK_NAMESPACE = "nvidia-network-operator"
SRIOV_NAMESPACE = "openshift-sriov-network-operator"
FRONTEND_DUMMY = "aiinfra-fe"
MELLANOX_VENDOR = "15b3"
RDMA_HCA_MAX = 63  # pods that may share one RDMA device (Network Operator sample value)
IGNITION_VERSION = "3.2.0"
ROLES = ("master", "worker")
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


def _settings(design: Design) -> OpenShiftSettings:
    settings = platform_of(design).settings
    if not isinstance(settings, OpenShiftSettings):
        raise ValueError(f"the Design's platform is {platform_of(design).type}, not openshift")
    return settings


def _doc(obj: dict[str, Any]) -> str:
    return HEADER + dump_yaml(obj)


def control_plane(design: Design) -> list[Node]:
    return design.nodes[: _settings(design).control_plane_replicas]


def node_ip(node: Node) -> str:
    return str(IPv4Interface(node.frontend_address or "").ip)


# --- installer inputs -------------------------------------------------------------------


def install_config(design: Design) -> dict[str, Any]:
    p = _settings(design)
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


def _ipv4(address: str) -> dict[str, Any]:
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
            "ipv4": _ipv4(nic.address),
            "ipv6": {"enabled": False},
        }
        for nic in group.nics
    ]
    interfaces.append(
        {
            "name": FRONTEND_DUMMY,
            "type": "dummy",
            "state": "up",
            "ipv4": _ipv4(group.address),
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


# --- day-2 manifests --------------------------------------------------------------------


def namespaces() -> list[dict[str, Any]]:
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}
        for ns in (NFD_NAMESPACE, GPU_NAMESPACE, NETWORK_NAMESPACE)
    ]


def nfd_instance() -> dict[str, Any]:
    """PCI vendor labels the GPU (10de) and Network (15b3) operators select nodes by."""
    pci = {"deviceClassWhitelist": ["0200", "0207", "0300", "0302"], "deviceLabelFields": ["vendor"]}
    worker_config = dump_yaml({"sources": {"pci": pci}})
    return {
        "apiVersion": "nfd.openshift.io/v1",
        "kind": "NodeFeatureDiscovery",
        "metadata": {"name": "nfd-instance", "namespace": NFD_NAMESPACE},
        "spec": {"workerConfig": {"configData": worker_config}},
    }


def cluster_policy() -> dict[str, Any]:
    """GPU Operator with GPUDirect RDMA through the Network Operator's DOCA driver."""
    return {
        "apiVersion": "nvidia.com/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "gpu-cluster-policy"},
        "spec": {
            "operator": {"use_ocp_driver_toolkit": True},
            "daemonsets": {"updateStrategy": "RollingUpdate"},
            "driver": {"enabled": True, "rdma": {"enabled": True, "useHostMofed": False}},
            "toolkit": {"enabled": True},
            "devicePlugin": {"enabled": True},
            "dcgm": {"enabled": True},
            "dcgmExporter": {"enabled": True, "serviceMonitor": {"enabled": True}},
            "gfd": {"enabled": True},
            "nodeStatusExporter": {"enabled": True},
            "mig": {"strategy": "single"},
        },
    }


def rail_resources(design: Design) -> list[tuple[int, list[str]]]:
    """(rail, netdevs of that rail across all nodes): one RDMA resource per rail."""
    rails: dict[int, set[str]] = {}
    for node in design.nodes:
        for nic in node.backend:
            rails.setdefault(nic.index, set()).add(nic.netdev)
    return [(r, sorted(names)) for r, names in sorted(rails.items())]


def nic_cluster_policy(design: Design) -> dict[str, Any]:
    images = _settings(design).network_operator
    config = {
        "configList": [
            {
                "resourceName": f"rdma_rail{rail}",
                "rdmaHcaMax": RDMA_HCA_MAX,
                "selectors": {"vendors": [MELLANOX_VENDOR], "ifNames": names},
            }
            for rail, names in rail_resources(design)
        ]
    }
    return {
        "apiVersion": "mellanox.com/v1alpha1",
        "kind": "NicClusterPolicy",
        "metadata": {"name": "nic-cluster-policy"},
        "spec": {
            "ofedDriver": {
                "image": "doca-driver",
                "repository": images.repository,
                "version": images.doca_driver_version,
                "upgradePolicy": {"autoUpgrade": True, "maxParallelUpgrades": 1},
            },
            "rdmaSharedDevicePlugin": {
                "image": "k8s-rdma-shared-dev-plugin",
                "repository": images.repository,
                "version": images.rdma_shared_device_plugin_version,
                "config": json.dumps(config, sort_keys=True),
            },
        },
    }


def sriov_policies(design: Design) -> list[dict[str, Any]]:
    p = _settings(design)
    mtu = design.qos["backend"].host_mtu
    return [
        {
            "apiVersion": "sriovnetwork.openshift.io/v1",
            "kind": "SriovNetworkNodePolicy",
            "metadata": {"name": f"aiinfra-rail{rail}", "namespace": SRIOV_NAMESPACE},
            "spec": {
                "resourceName": f"rail{rail}_vf",
                "nodeSelector": {"feature.node.kubernetes.io/pci-15b3.present": "true"},
                "numVfs": p.sriov_vfs,
                "mtu": mtu,
                "isRdma": True,
                "deviceType": "netdevice",
                "linkType": "eth",
                "nicSelector": {"vendor": MELLANOX_VENDOR, "pfNames": names},
            },
        }
        for rail, names in rail_resources(design)
    ]


def nncp(intent: HostIntent) -> dict[str, Any]:
    """Rail NICs of one node: /31, MTU, per-NIC table and source rule (ARP-flux fix)."""
    interfaces = [
        {
            "name": n.netdev,
            "type": "ethernet",
            "state": "up",
            "mtu": n.mtu,
            "ipv4": _ipv4(n.address),
            "ipv6": {"enabled": False},
        }
        for n in intent.nics
    ]
    routes = [
        {
            "destination": intent.gpu_pool,
            "next-hop-address": n.gateway,
            "next-hop-interface": n.netdev,
            "table-id": n.route_table,
        }
        for n in intent.nics
    ]
    rules = [{"ip-from": f"{n.ip}/32", "route-table": n.route_table, "priority": n.route_table} for n in intent.nics]
    return {
        "apiVersion": "nmstate.io/v1",
        "kind": "NodeNetworkConfigurationPolicy",
        "metadata": {"name": f"aiinfra-rails-{intent.node}"},
        "spec": {
            "nodeSelector": {"kubernetes.io/hostname": intent.node},
            "desiredState": {
                "interfaces": interfaces,
                "routes": {"config": routes},
                "route-rules": {"config": rules},
            },
        },
    }


def pool_intent(intents: list[HostIntent]) -> HostIntent:
    """A MachineConfig is per pool, not per node: one script for every node, with the
    GID check reading each node's own rail address (``auto``) instead of a baked one."""
    first = intents[0]
    return replace(first, node="this node", nics=tuple(replace(n, gid="auto") for n in first.nics))


def _file(path: str, text: str, mode: int) -> dict[str, Any]:
    data = base64.b64encode(text.encode()).decode()
    return {
        "path": path,
        "mode": mode,
        "overwrite": True,
        "contents": {"source": f"data:text/plain;charset=utf-8;base64,{data}"},
    }


def machine_config(role: str, intent: HostIntent) -> dict[str, Any]:
    scripts = qos_files(intent, "dcb")
    unit = scripts.pop(f"etc/systemd/system/{QOS_UNIT}")
    files = [_file(f"/{path}", text, 0o755) for path, text in sorted(scripts.items())]
    files.append(_file("/etc/sysctl.d/60-aiinfra.conf", sysctl_conf(intent), 0o644))
    return {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfig",
        "metadata": {
            "name": f"60-{role}-aiinfra-roce",
            "labels": {"machineconfiguration.openshift.io/role": role},
        },
        "spec": {
            "config": {
                "ignition": {"version": IGNITION_VERSION},
                "storage": {"files": files},
                "systemd": {"units": [{"name": QOS_UNIT, "enabled": True, "contents": unit}]},
            }
        },
    }


def nccl_config_map(intent: HostIntent) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "aiinfra-nccl-env", "labels": {"app.kubernetes.io/managed-by": "aiinfra"}},
        "data": dict(intent.nccl_env),
    }


def render(design: Design) -> dict[str, str]:
    """The installer inputs and day-2 manifests. One MachineConfig serves a whole pool, which
    needs one set of rail names on every node: the design refused a spec without it."""
    hosts = platform_of(design).hosts
    intents = [hosts[node.name] for node in design.nodes]
    pool = pool_intent(intents)
    out = {
        "openshift/install/install-config.yaml": _doc(install_config(design)),
        "openshift/install/agent-config.yaml": _doc(agent_config(design)),
        "openshift/manifests/00-namespaces.yaml": HEADER + "---\n".join(dump_yaml(n) for n in namespaces()),
        "openshift/manifests/10-nfd-instance.yaml": _doc(nfd_instance()),
        "openshift/manifests/20-gpu-cluster-policy.yaml": _doc(cluster_policy()),
        "openshift/manifests/30-nic-cluster-policy.yaml": _doc(nic_cluster_policy(design)),
        "openshift/manifests/50-nccl-env-configmap.yaml": _doc(nccl_config_map(pool)),
    }
    for role in ROLES:
        out[f"openshift/manifests/40-machineconfig-{role}-roce.yaml"] = _doc(machine_config(role, pool))
    if _settings(design).sriov:
        for policy in sriov_policies(design):
            out[f"openshift/manifests/35-sriov-{policy['metadata']['name']}.yaml"] = _doc(policy)
    for intent in intents:
        out[f"openshift/manifests/60-nncp-{intent.node}.yaml"] = _doc(nncp(intent))
    out["openshift/README.md"] = render_template(
        "openshift/README.md.j2",
        design=design,
        platform=_settings(design),
        masters=control_plane(design),
        node_ip=node_ip,
        files=sorted(out),
        bin_dir=BIN_DIR,
    )
    return out
