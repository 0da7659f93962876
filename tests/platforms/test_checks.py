"""Design-time platform checks: each limit or missing fact is a positioned spec error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aiinfra.design.build import build_design, resolve_catalog
from aiinfra.design.problems import DesignError
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from aiinfra.render.platforms import platform_files
from aiinfra.spec.load import load_spec
from tests.conftest import lab_data, platform_block, write_spec


def _errors(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as info:
        design_from_file(write_spec(tmp_path, data))
    return [str(d) for d in info.value.diagnostics]


def test_vmware_needs_vmnic_names(tmp_path: Path) -> None:
    data = lab_data()
    data["platform"] = platform_block("vmware")
    errors = _errors(tmp_path, data)
    assert len(errors) == 8  # one per rail
    assert ": compute: the dvSwitch uplink for rail 1 needs the ESXi vmnic name (field netdevs.enp24s0np0)" in errors[0]
    assert "missing for nodes lab-gpu-001, lab-gpu-002, lab-gpu-003, lab-gpu-004" in errors[0]


@pytest.mark.parametrize(
    ("platform", "what"), [("vmware", "vSphere distributed switch"), ("nutanix", "AHV virtual switch")]
)
def test_hypervisor_switch_mtu_limit(tmp_path: Path, platform: str, what: str) -> None:
    data = lab_data()
    data["platform"] = platform_block(platform)
    data["fabrics"]["backend"]["roce"]["host_mtu"] = 9100
    errors = _errors(tmp_path, data)
    expected = f"fabrics.backend.roce.host_mtu: host MTU 9100 is above the 9000 maximum of the {what}; use 9000 or less"
    assert any(expected in e for e in errors), errors


def test_host_qos_only_for_nics_it_can_program(tmp_path: Path) -> None:
    data = lab_data()
    data["compute"]["node_model"] = "mi300x-8"
    errors = _errors(tmp_path, data)
    assert any(
        "compute.node_model: back-end NIC pollara-400 uses the ionic RDMA driver; aiinfra renders host RoCE QoS" in e
        for e in errors
    ), errors


def test_openshift_vip_must_not_be_a_node_address(tmp_path: Path) -> None:
    data = lab_data()
    data["platform"] = platform_block("openshift", api_vip="10.2.3.1")
    errors = _errors(tmp_path, data)
    want = "platform.api_vip: 10.2.3.1 is already the front-end address of lab-gpu-002"
    assert any(want in e for e in errors), errors


def test_passthrough_needs_device_names(tmp_path: Path) -> None:
    data = lab_data()
    data["platform"] = platform_block("vmware", gpu_mode="passthrough")
    errors = _errors(tmp_path, data)
    assert any("platform: gpu_mode passthrough needs gpu_devices" in e for e in errors), errors


def test_design_refuses_a_spec_without_the_facts(tmp_path: Path) -> None:
    """A caller that skips design_from_file still cannot get a Design with gaps: build_design
    refuses it with the spec field to change, so no renderer ever meets it."""
    data = lab_data()
    data["platform"] = platform_block("openshift", control_plane_replicas=3)
    loaded = load_spec(write_spec(tmp_path, data))
    with pytest.raises(DesignError) as info:
        build_design(loaded.spec, resolve_catalog(loaded.spec))
    assert any(p.path == ("compute",) and "macs.enp170s0f0np0" in p.message for p in info.value.problems)


def test_openshift_needs_the_same_rail_names_on_every_node(tmp_path: Path) -> None:
    """One MachineConfig serves a pool: a node renamed alone is refused at validate, not at render."""
    data = lab_data()
    data["platform"] = platform_block("openshift", control_plane_replicas=3)
    rows = ["host,mac.enp170s0f0np0,mac.enp41s0f0np0,netdev.enp24s0np0"]
    rows += [f"lab-gpu-00{i},02:00:00:00:0{i}:01,02:00:00:00:0{i}:02,{'gpu0' if i == 2 else ''}" for i in range(1, 5)]
    (tmp_path / "facts.csv").write_text("\n".join(rows) + "\n")
    data["compute"]["node_facts"] = "facts.csv"
    errors = _errors(tmp_path, data)
    assert len(errors) == 1, errors
    assert ": compute.node_facts: OpenShift renders one RoCE MachineConfig per pool" in errors[0]
    assert "node lab-gpu-002 differ from lab-gpu-001" in errors[0]


def test_a_valid_spec_renders_every_platform(tmp_path: Path) -> None:
    """Validate accepts => render succeeds: the Design carries every platform fact."""
    for kind in ("baremetal", "nutanix"):
        data = lab_data()  # the lab is baremetal
        if kind != "baremetal":
            data["platform"] = platform_block(kind)
        result = design_from_file(write_spec(tmp_path, data))
        assert result.design.platform is not None and result.design.platform.type == kind
        assert platform_files(result.design)


def test_nutanix_refuses_a_gpu_vendor_ntnx_gpus_v2_has_no_choice_for(tmp_path: Path) -> None:
    """The renderer writes the catalog vendor as the ntnx_gpus_v2 choice; the check keeps it one."""
    from dataclasses import replace

    from aiinfra.design.platform import GpuFacts
    from aiinfra.platforms import driver
    from aiinfra.platforms.base import Where

    data = lab_data()
    data["platform"] = platform_block("nutanix")
    design = design_from_file(write_spec(tmp_path, data)).design
    assert design.platform is not None
    check = driver("nutanix").check
    assert check is not None
    where = Where(facts=("compute",), facts_file="facts.csv")
    assert check(design, design.platform, where) == []
    odd = replace(design.platform, gpus={"gx-1": GpuFacts(vendor="Acme", model="GX-1")})
    (problem,) = check(design, odd, where)
    assert problem.path == ("compute", "node_model")
    assert "GPU gx-1 is made by Acme; Nutanix attaches GPUs of vendor NVIDIA, AMD, INTEL only" in problem.message
