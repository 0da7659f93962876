"""openshift: the day-2 manifests for GPU/RoCE nodes.

Objects are built as data and dumped as YAML (not templated text), so every value
is a design value and the CRD-schema tests can load them back unchanged. Each rail
NIC has exactly one address (the /31 host end), so RDMA workloads use host networking
with the per-rail RDMA shared-device resources; NNCPs put the addresses, per-NIC tables
and source rules on the host.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

from aiinfra.design.model import Design
from aiinfra.design.platform import HostIntent
from aiinfra.platforms.host import QOS_UNIT, qos_files, sysctl_conf
from aiinfra.platforms.openshift.install import ipv4, settings
from aiinfra.render.yamlout import dump

NFD_NAMESPACE = "openshift-nfd"
GPU_NAMESPACE = "nvidia-gpu-operator"
NETWORK_NAMESPACE = "nvidia-network-operator"
SRIOV_NAMESPACE = "openshift-sriov-network-operator"
MELLANOX_VENDOR = "15b3"
RDMA_HCA_MAX = 63  # pods that may share one RDMA device (Network Operator sample value)
IGNITION_VERSION = "3.2.0"


def namespaces() -> list[dict[str, Any]]:
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}
        for ns in (NFD_NAMESPACE, GPU_NAMESPACE, NETWORK_NAMESPACE)
    ]


def nfd_instance() -> dict[str, Any]:
    """PCI vendor labels the GPU (10de) and Network (15b3) operators select nodes by."""
    pci = {"deviceClassWhitelist": ["0200", "0207", "0300", "0302"], "deviceLabelFields": ["vendor"]}
    worker_config = dump({"sources": {"pci": pci}})
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
    """DOCA driver, one RDMA shared-device resource per rail, and the DOCA Telemetry Service.

    ``docaTelemetryService`` carries no ``config``: the operator then deploys its own default
    ``dts_config_map.ini`` (network-operator ``manifests/state-doca-telemetry-service``), whose
    ``prometheus=http://0.0.0.0:9189`` and sysfs/ethtool providers are what the observability
    PodMonitor (``aiinfra/observe/kube.py``) scrapes. The container image is
    ``repository/image:version`` (the same manifest), so the image name is DTS's own,
    ``doca_telemetry``.
    """
    images = settings(design).network_operator
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
            "docaTelemetryService": {
                "image": "doca_telemetry",
                "repository": images.doca_telemetry_repository,
                "version": images.doca_telemetry_version,
            },
        },
    }


def sriov_policies(design: Design) -> list[dict[str, Any]]:
    p = settings(design)
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
            "ipv4": ipv4(n.address),
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
