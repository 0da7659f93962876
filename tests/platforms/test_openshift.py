"""OpenShift outputs: core objects pass kubernetes-validate, operator objects pass their
upstream CRD schemas, NNCP desiredState passes our nmstate model, and every value
matches the design and the site facts."""

from __future__ import annotations

import base64
import dataclasses
import json
from functools import cache
from ipaddress import IPv4Interface, IPv4Network
from typing import Any

import kubernetes_validate
import pytest
import yaml

from aiinfra.design.platform import OpenShiftSettings, node_mac
from aiinfra.platforms.host import qos_files
from aiinfra.platforms.openshift.manifests import pool_intent, sriov_policies
from aiinfra.render.platforms import platform_files
from tests.platforms import crdschema
from tests.platforms.examples import example_result
from tests.platforms.nmstate import DesiredState

EXAMPLE = "superpod-4su"
K8S_VERSION = "1.35.0"  # oldest schema set kubernetes-validate bundles; Namespace/ConfigMap are v1-stable


@cache
def files() -> dict[str, str]:
    result = example_result(EXAMPLE)
    return platform_files(result.design)


def docs(path: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(files()[path]) if d]


def all_objects() -> list[dict[str, Any]]:
    return [d for p in sorted(files()) if p.startswith("openshift/manifests/") for d in docs(p)]


def test_core_objects_pass_kubernetes_validate() -> None:
    core = [o for o in all_objects() if o["apiVersion"] == "v1"]
    assert {o["kind"] for o in core} == {"Namespace", "ConfigMap"}
    for obj in core:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)


def test_kubernetes_validate_rejects_a_bad_core_object() -> None:
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"NCCL_IB_TC": 106}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, K8S_VERSION, strict=True)


needs_crds = pytest.mark.skipif(
    not crdschema.available(), reason=f"upstream CRDs not found at {crdschema.CRDS} (CI checks out ../shared)"
)


@needs_crds
def test_operator_objects_pass_their_crds() -> None:
    kinds = {"ClusterPolicy", "NicClusterPolicy", "NodeNetworkConfigurationPolicy"}
    objects = [o for o in all_objects() if o["kind"] in kinds]
    assert {o["kind"] for o in objects} == kinds
    result = example_result(EXAMPLE)
    assert result.design.platform is not None
    settings = result.design.platform.settings
    assert isinstance(settings, OpenShiftSettings)
    sriov = dataclasses.replace(result.design.platform, settings=dataclasses.replace(settings, sriov=True))
    objects += sriov_policies(dataclasses.replace(result.design, platform=sriov))
    for obj in objects:
        assert crdschema.errors(obj) == [], obj["kind"]


@needs_crds
def test_crd_validation_catches_mistakes() -> None:
    policy = next(o for o in all_objects() if o["kind"] == "ClusterPolicy")
    broken = json.loads(json.dumps(policy))
    broken["spec"]["mig"]["strategy"] = "dynamic"
    broken["spec"]["driver"]["enabeld"] = True
    del broken["spec"]["dcgm"]
    found = crdschema.errors(broken)
    assert any("mig.strategy" in e for e in found)
    assert any("enabeld" in e for e in found)
    assert any("'dcgm' is a required property" in e for e in found)


def test_one_nncp_per_node_matches_the_design() -> None:
    result = example_result(EXAMPLE)
    design = result.design
    gpu_pool = IPv4Network(design.pools["backend.gpu"])
    for node in design.nodes:
        (nncp,) = docs(f"openshift/manifests/60-nncp-{node.name}.yaml")
        assert nncp["spec"]["nodeSelector"] == {"kubernetes.io/hostname": node.name}
        state = DesiredState.model_validate(nncp["spec"]["desiredState"])
        by_name = {i.name: i for i in state.interfaces}
        assert list(by_name) == [n.netdev for n in node.backend]
        routes = {r.next_hop_interface: r for r in state.routes.config}  # type: ignore[union-attr]
        rules = {r.route_table: r for r in state.route_rules.config}  # type: ignore[union-attr]
        for nic in node.backend:
            iface = by_name[nic.netdev]
            assert (iface.type, iface.mtu, str(iface.cidr())) == ("ethernet", nic.mtu, nic.address)
            route = routes[nic.netdev]
            assert (str(route.next_hop_address), route.table_id, route.destination) == (
                nic.gateway,
                nic.route_table,
                gpu_pool,
            )
            assert rules[nic.route_table].ip_from == IPv4Network(f"{IPv4Interface(nic.address).ip}/32")


def test_nmstate_model_rejects_typos() -> None:
    (nncp,) = docs(f"openshift/manifests/60-nncp-{example_result(EXAMPLE).design.nodes[0].name}.yaml")
    state = json.loads(json.dumps(nncp["spec"]["desiredState"]))
    state["interfaces"][0]["ipv4"]["address"][0]["prefix_length"] = 31
    with pytest.raises(ValueError, match="prefix_length"):
        DesiredState.model_validate(state)


def test_rdma_shared_device_plugin_lists_the_rail_nics() -> None:
    design = example_result(EXAMPLE).design
    (policy,) = docs("openshift/manifests/30-nic-cluster-policy.yaml")
    assert policy["metadata"]["name"] == "nic-cluster-policy"  # the only name the operator reconciles
    config = json.loads(policy["spec"]["rdmaSharedDevicePlugin"]["config"])
    resources = {c["resourceName"]: c["selectors"]["ifNames"] for c in config["configList"]}
    expected = {
        f"rdma_rail{r}": sorted({n.backend[r - 1].netdev for n in design.nodes}) for r in range(1, design.rails + 1)
    }
    assert resources == expected


def test_machine_configs_carry_the_qos_unit_and_sysctls() -> None:
    result = example_result(EXAMPLE)
    assert result.design.platform is not None
    intents = list(result.design.platform.hosts.values())
    pool = pool_intent(intents)
    for role in ("master", "worker"):
        (mc,) = docs(f"openshift/manifests/40-machineconfig-{role}-roce.yaml")
        assert mc["metadata"]["labels"] == {"machineconfiguration.openshift.io/role": role}
        config = mc["spec"]["config"]
        assert config["ignition"]["version"].startswith("3.")
        decoded = {
            f["path"]: base64.b64decode(f["contents"]["source"].split(",", 1)[1]).decode()
            for f in config["storage"]["files"]
        }
        assert decoded["/usr/local/bin/roce-check"] == qos_files(pool, "dcb")["usr/local/bin/roce-check"]
        assert "dcb pfc set" in decoded["/usr/local/bin/aiinfra-roce-qos"]
        assert "net.ipv4.conf.all.arp_ignore = 2" in decoded["/etc/sysctl.d/60-aiinfra.conf"]
        (unit,) = config["systemd"]["units"]
        assert unit["enabled"] is True
        assert "ExecStart=/usr/local/bin/aiinfra-roce-qos" in unit["contents"]


def test_installer_inputs_match_the_design_and_facts() -> None:
    result = example_result(EXAMPLE)
    design, platform = result.design, result.loaded.spec.platform
    (install,) = docs("openshift/install/install-config.yaml")
    (agent,) = docs("openshift/install/agent-config.yaml")
    assert install["pullSecret"] == "{{ vault_openshift_pull_secret }}"  # resolved by the play, never stored
    assert install["controlPlane"]["replicas"] + install["compute"][0]["replicas"] == len(design.nodes)
    machine = IPv4Network(install["networking"]["machineNetwork"][0]["cidr"])
    hosts = {h["hostname"]: h for h in agent["hosts"]}
    assert list(hosts) == [n.name for n in design.nodes]
    masters = [h for h in agent["hosts"] if h["role"] == "master"]
    assert len(masters) == platform.control_plane_replicas  # type: ignore[union-attr]
    assert agent["rendezvousIP"] == IPv4Interface(design.nodes[0].frontend_address).ip.exploded
    assert hosts[design.nodes[0].name]["role"] == "master"
    for node in design.nodes:
        host = hosts[node.name]
        assert host["interfaces"] == [{"name": n.netdev, "macAddress": node_mac(node, n.netdev)} for n in node.frontend]
        state = DesiredState.model_validate(host["networkConfig"])
        dummy = next(i for i in state.interfaces if i.type == "dummy")
        assert str(dummy.cidr()) == node.frontend_address and dummy.cidr().ip in machine
        gateways = {(str(r.next_hop_address), r.next_hop_interface) for r in state.routes.config}  # type: ignore[union-attr]
        assert gateways == {(n.gateway, n.netdev) for n in node.frontend}
    vips = {str(platform.api_vip), str(platform.ingress_vip)}  # type: ignore[union-attr]
    assert not vips & {IPv4Interface(n.frontend_address).ip.exploded for n in design.nodes}
