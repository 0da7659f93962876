"""vSphere and AHV outputs carry the design's values: rails, addresses, MTU, QoS, secrets."""

from __future__ import annotations

from functools import cache
from ipaddress import IPv4Interface
from typing import Any

import yaml

from aiinfra.render.platforms import platform_files
from tests.platforms.examples import example_result


@cache
def rendered(name: str) -> dict[str, str]:
    result = example_result(name)
    return platform_files(result.design)


def vmware_vars() -> dict[str, Any]:
    return yaml.safe_load(rendered("vsphere-inference")["vmware/vars.yml"])


def test_vmware_dvswitch_portgroups_and_vmkernel_ports() -> None:
    design = example_result("vsphere-inference").design
    v = vmware_vars()
    qos = design.qos["backend"]
    assert v["aiinfra_dvs"]["mtu"] == qos.host_mtu == 9000
    assert v["aiinfra_dvs"]["uplink_quantity"] == design.rails
    groups = v["aiinfra_rail_portgroups"]
    assert [g["rail"] for g in groups] == list(range(1, design.rails + 1))
    assert len({g["uplink"] for g in groups}) == design.rails  # one uplink per rail: no cross-rail failover
    hosts = {h["name"]: h for h in v["aiinfra_esxi_hosts"]}
    for node in design.nodes:
        host = hosts[node.name]
        assert host["address"] == node.mgmt_address.split("/")[0]
        assert host["vmnics"] == [n.netdev for n in node.backend]
        assert all(vmnic.startswith("vmnic") for vmnic in host["vmnics"])
        for nic, vmk in zip(node.backend, host["vmkernel"], strict=True):
            assert f"{vmk['ip']}/{IPv4Interface('0.0.0.0/' + vmk['netmask']).network.prefixlen}" == nic.address
            assert (vmk["gateway"], vmk["mtu"], vmk["portgroup"]) == (
                nic.gateway,
                nic.mtu,
                groups[nic.index - 1]["name"],
            )


def test_vmware_driver_and_firmware_qos() -> None:
    qos = example_result("vsphere-inference").design.qos["backend"]
    v = vmware_vars()
    modules = {m["module"]: m["options"] for m in v["aiinfra_esxi_kernel_modules"]}
    mask = f"0x{1 << qos.nodrop_priority:02x}"
    assert modules["nmlx5_core"] == f"pfctx={mask} pfcrx={mask} trust_state=2 ecn=1"
    assert modules["nmlx5_rdma"] == f"dscp_force={qos.roce_dscp}"
    assert v["aiinfra_esxi_firmware"] == {
        "CNP_DSCP_P1": qos.cnp_dscp,
        "CNP_802P_PRIO_P1": qos.cnp_priority,
        "ROCE_CC_PRIO_MASK_P1": 1 << qos.nodrop_priority,
    }
    assert v["aiinfra_esxi_firmware_args"] == [f"{k}={val}" for k, val in v["aiinfra_esxi_firmware"].items()]
    assert v["aiinfra_vcenter"]["password"] == "{{ vault_vcenter_password }}"
    assert (v["aiinfra_gpu_mode"], v["aiinfra_vgpu_profile"], v["aiinfra_sriov_vfs"]) == (
        "vgpu",
        "nvidia_h100xm-80c",
        4,
    )


def test_nutanix_subnets_vms_and_guest_network() -> None:
    result = example_result("ahv-inference")
    design = result.design
    files = rendered("ahv-inference")
    v = yaml.safe_load(files["nutanix/vars.yml"])
    assert v["aiinfra_prism"]["password"] == "{{ lookup('ansible.builtin.env', 'NUTANIX_PASSWORD') }}"
    assert [s["name"] for s in v["aiinfra_rail_subnets"]] == [f"ahv-rail{r}" for r in range(1, design.rails + 1)]
    vms = {vm["host"]: vm for vm in v["aiinfra_gpu_vms"]}
    assert set(vms) == {n.name for n in design.nodes}
    macs = [nic["mac"] for vm in vms.values() for nic in vm["nics"]]
    assert len(macs) == len(set(macs)) == len(design.nodes) * design.rails
    assert all(int(m.split(":")[0], 16) & 0b11 == 0b10 for m in macs)  # locally administered unicast
    for node in design.nodes:
        vm = vms[node.name]
        assert vm["gpus"] == {
            "mode": "PASSTHROUGH_COMPUTE",
            "vendor": "NVIDIA",
            "device_id": 0x2330,
            "count": node.gpus,
            "slots": list(range(1, node.gpus + 1)),
        }
        assert [n["mac_address"] for n in vm["networks"][1:]] == [nic["mac"] for nic in vm["nics"]]
        cloud = files[f"nutanix/{vm['cloud_init']}"]
        assert cloud.startswith("#cloud-config\n")
        data = yaml.safe_load(cloud)
        written = {f["path"]: f["content"] for f in data["write_files"]}
        eths = yaml.safe_load(written["/etc/netplan/60-aiinfra-rails.yaml"])["network"]["ethernets"]
        for nic, guest in zip(vm["nics"], node.backend, strict=True):
            eth = eths[f"rail{nic['rail']}"]
            assert eth["match"]["macaddress"] == nic["mac"]
            assert (eth["addresses"], eth["mtu"]) == ([guest.address], guest.mtu)
            assert eth["routing-policy"] == [
                {"from": IPv4Interface(guest.address).ip.exploded, "table": guest.route_table}
            ]
        assert "NCCL_IB_DISABLE=1" in written["/etc/nccl.conf"]
