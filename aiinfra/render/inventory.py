"""The Ansible inventory: ``inventory/hosts.yml`` plus one host_vars file per host.

Group membership comes from the Design (role, rail, SU, pod, fabric, OS); the
playbooks use the rail groups for one-rail-at-a-time rollout.

Every string that comes from the spec or the design is written ``!unsafe``, so Ansible
takes it literally: a ``{{ ... }}`` in a site fact or a name is never run on the
controller. Only the values that must be templated stay plain: the paths built on
``aiinfra_build_dir`` and the secret references (``aiinfra_secrets[].value``), each an
expression the design made from a validated variable name (``SecretRef.ansible_expression``).
Everything here is read from the Design, the platform's type and secrets included
(``design.platform``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import yaml

from aiinfra.design.model import Design, Device, ManagementPlane, Node
from aiinfra.nos import profile as os_profile
from aiinfra.nos.common import config_files
from aiinfra.platforms.layout import Layout, Slots, layout
from aiinfra.render.yamlout import dump

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"
# The render directory: the inventory's parent. The implicit localhost of the platform
# plays has no inventory_dir, so it falls back to the first inventory source (-i).
BUILD_DIR_EXPRESSION = (
    "{{ inventory_dir | default(ansible_inventory_sources[0] if ansible_inventory_sources[0] is directory"
    " else ansible_inventory_sources[0] | dirname, true) }}/.."
)
SONIC_ADMIN = "admin"  # the account every SONiC image ships with a published default password


class Unsafe(str):
    """A string Ansible must not template: written ``!unsafe "..."`` by aiinfra.render.yamlout."""

    __slots__ = ()
    yaml_tag = "!unsafe"


class Trusted(str):
    """A string Ansible templates (a secret reference or a path on aiinfra_build_dir): left plain."""

    __slots__ = ()


BUILD_DIR = Trusted(BUILD_DIR_EXPRESSION)


def unsafe(value: Any) -> Any:
    """``value`` with every string (not the keys) marked Unsafe, except those already Trusted."""
    if isinstance(value, dict):
        return {k: unsafe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [unsafe(v) for v in value]
    if isinstance(value, str) and not isinstance(value, Trusted | Unsafe):
        return Unsafe(value)
    return value


class _InventoryLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also reads Ansible's ``!unsafe`` tag (as a plain string)."""


def _unsafe_scalar(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(None, None, "!unsafe tags a scalar", node.start_mark)
    return str(loader.construct_scalar(node))


_InventoryLoader.add_constructor("!unsafe", _unsafe_scalar)


def load_yaml(text: str | bytes) -> Any:
    """Read an inventory file this module wrote (for tests and tools that are not Ansible)."""
    return yaml.load(text, Loader=_InventoryLoader)


def secret_refs(mgmt: ManagementPlane) -> list[str]:
    """Every secret reference a switch config may hold, in spec order, each once."""
    refs = [s.key for s in mgmt.aaa_servers]
    refs += [u.password_hash for u in mgmt.users if u.password_hash]
    for u in mgmt.snmp_users:
        refs += [u.auth_key, u.priv_key]
    return list(dict.fromkeys(refs))


def _declared(refs: list[str]) -> list[dict[str, str]]:
    return [{"ref": Unsafe(ref), "value": Trusted(ref)} for ref in refs]


def _dump(data: dict[str, Any]) -> str:
    """What ``dump_yaml(unsafe(data))`` writes, without copying the data to wrap its strings."""
    return HEADER + dump(data, tag=Unsafe.yaml_tag, untagged=(Trusted,))


def hosts_yml(design: Design, platform: str) -> str:
    groups: dict[str, list[str]] = {}
    for d in design.devices.values():
        for g in ["switches", *d.groups]:
            groups.setdefault(g, []).append(d.name)
    for n in design.nodes:
        for g in ("nodes", f"nodes_su_{n.su}", f"platform_{platform}"):
            groups.setdefault(g, []).append(n.name)
    collectors = collector_hosts(design)
    if collectors:
        groups["collectors"] = collectors
    children = {g: {"hosts": {h: None for h in hosts}} for g, hosts in sorted(groups.items())}
    return _dump({"all": {"children": children}})


def collector_hosts(design: Design) -> list[str]:
    """The ``collectors`` group (playbooks/observability.yml): each telemetry collector by its
    address, which Ansible dials as it is, or by the node's name where a node is the collector,
    so one machine is never two inventory hosts."""
    if design.telemetry is None:
        return []
    nodes = {n.mgmt_address.split("/")[0]: n.name for n in design.nodes}
    return [nodes.get(c.address, c.address) for c in design.telemetry.collectors]


def switch_vars(device: Device, mgmt: ManagementPlane) -> dict[str, Any]:
    """host_vars of a switch. ``aiinfra_secrets`` lists the secret references its config may
    hold, each with the expression that resolves it: the deploy tasks replace exactly
    those in the rendered file (playbooks/filter_plugins/aiinfra_secrets.py) and refuse
    any other template in it."""
    profile = os_profile(device.os)
    files = config_files(device)
    out: dict[str, Any] = {
        "ansible_host": device.mgmt_address.split("/")[0],
        "ansible_network_os": profile.ansible_network_os,
        "ansible_connection": profile.ansible_connection,
        "aiinfra_os": device.os,
        "aiinfra_os_release": device.os_release,
        "aiinfra_model": device.model,
        "aiinfra_fabric": device.fabric,
        "aiinfra_role": device.role,
        "aiinfra_config": Trusted("{{ aiinfra_build_dir }}/" + files[0]),
        "aiinfra_extra_configs": [Trusted("{{ aiinfra_build_dir }}/" + f) for f in files[1:]],
        "aiinfra_secrets": _declared(secret_refs(mgmt)),
    }
    if device.os == "sonic":
        # The deploy rotates the image's default admin password to this hash, or, without
        # one, locks it (tasks/deploy-sonic.yml).
        admin = next((u for u in mgmt.users if u.name == SONIC_ADMIN and u.password_hash), None)
        if admin is not None:
            out["aiinfra_sonic_admin_password_hash"] = Trusted(admin.password_hash or "")
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
    """host_vars of a node, as data (:func:`node_host_vars` writes them)."""
    return _node_data(node, _ansible_host(node.mgmt_address), dict(sorted(node.facts.items())))


def _ansible_host(address: str) -> str:
    return address.split("/")[0]


def _nics(items: Sequence[Any]) -> list[dict[str, Any]]:
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


def _node_data(node: Any, host: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """A node's host_vars from its record, the address Ansible dials and its site facts (sorted).

    Data assembly only, so :func:`_node_layout` can make it from stand-ins: the one branch is
    on which fabrics the node has (its shape), never on a value.
    """
    out: dict[str, Any] = {
        "ansible_host": host,
        "aiinfra_node_model": node.model,
        "aiinfra_su": node.su,
        "aiinfra_bmc_address": node.bmc_address,
        "aiinfra_backend_nics": _nics(node.backend),
    }
    if node.frontend:
        out["aiinfra_frontend_address"] = node.frontend_address
        out["aiinfra_frontend_nics"] = _nics(node.frontend)
    if node.storage:
        out["aiinfra_storage_address"] = node.storage_address
        out["aiinfra_storage_nics"] = _nics(node.storage)
    if facts:
        out["aiinfra_node_facts"] = facts  # site facts: serial, MACs, disk hints
    return out


_FABRICS = ("backend", "frontend", "storage")


@cache
def _node_layout(shape: tuple[int, int, int]) -> Layout:
    """The host_vars, facts aside, of every node with this many backend, front-end and storage NICs."""

    def build(s: Slots) -> dict[str, Any]:
        nics = {f: tuple(s.obj(f"{f}{i}") for i in range(count)) for f, count in zip(_FABRICS, shape, strict=True)}
        return _node_data(s.obj("node", **nics), s.value("host"), {})

    return layout(build, tag=Unsafe.yaml_tag, untagged=(Trusted,))


def node_host_vars(node: Node) -> str:
    """A node's host_vars file: ``_dump(node_vars(node, ...))``, the same bytes from the layout of
    its shape (:mod:`aiinfra.platforms.layout`). The site facts, whose keys are free text and
    differ from node to node, are dumped on their own: they are the document's last top-level
    key, and a top-level key's lines never depend on the keys before it."""
    inputs: dict[str, Any] = {"node": node, "host": _ansible_host(node.mgmt_address)}
    for fabric in _FABRICS:
        inputs.update((f"{fabric}{i}", nic) for i, nic in enumerate(getattr(node, fabric)))
    text = HEADER + _node_layout((len(node.backend), len(node.frontend), len(node.storage))).fill(inputs)
    if node.facts:
        text += dump({"aiinfra_node_facts": dict(sorted(node.facts.items()))}, tag=Unsafe.yaml_tag, untagged=(Trusted,))
    return text


def group_vars_all(design: Design, platform_secrets: list[str]) -> str:
    """``aiinfra_platform_secrets`` declares the platform's secret references (vCenter or
    Prism password, OpenShift pull secret) for the platform plays, as ``aiinfra_secrets``
    does a switch's; ``aiinfra_telemetry_tls`` names the switches' gNMI TLS material."""
    out: dict[str, Any] = {"aiinfra_cluster": design.name, "aiinfra_build_dir": BUILD_DIR}
    if design.telemetry is not None:
        # The gNMI server's TLS material: the on-device names the switch configs use and the
        # vault references the deploy installs under them (aiinfra/nos/<os>/tasks/telemetry-tls.yml).
        tls = design.telemetry.tls
        out["aiinfra_telemetry_tls"] = {
            "profile": tls.profile,
            "ca_name": tls.ca_name,
            "certificate": Trusted(tls.certificate),
            "key": Trusted(tls.key),
            "ca": Trusted(tls.ca),
        }
    if platform_secrets:
        out["aiinfra_platform_secrets"] = _declared(platform_secrets)
    return _dump(out)


def inventory_files(design: Design) -> dict[str, str]:
    """``inventory/hosts.yml``, ``group_vars/all.yml`` and one host_vars file per switch and node."""
    files = cluster_inventory_files(design)
    for d in design.devices.values():
        files[host_vars_path(d.name)] = _dump(switch_vars(d, design.management))
    for n in design.nodes:
        files[host_vars_path(n.name)] = node_host_vars(n)
    return files


def cluster_inventory_files(design: Design) -> dict[str, str]:
    """The files that read the whole cluster: ``hosts.yml`` and ``group_vars/all.yml``."""
    if design.platform is None:
        raise ValueError("this Design has no platform intent; build it with aiinfra.design.build.build_design")
    return {
        "inventory/hosts.yml": hosts_yml(design, design.platform.type),
        "inventory/group_vars/all.yml": group_vars_all(design, list(design.platform.secrets)),
    }


def host_vars_path(name: str) -> str:
    return f"inventory/host_vars/{name}.yml"


def unit_host_vars(cut: Design, name: str) -> dict[str, str]:
    """The host_vars file of the one switch or node of an incremental render's slice
    (:mod:`aiinfra.render.units`): the same bytes :func:`inventory_files` writes for it."""
    device = cut.devices.get(name)
    if device is not None:
        return {host_vars_path(name): _dump(switch_vars(device, cut.management))}
    (node,) = (n for n in cut.nodes if n.name == name)
    return {host_vars_path(name): node_host_vars(node)}
