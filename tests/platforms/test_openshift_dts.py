"""The NicClusterPolicy's DOCA Telemetry Service: the pin flows spec -> Design -> manifest, the
block passes the upstream NicClusterPolicy CRD and a broken one does not, and a hostile pin is
refused at validate."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.pipeline import design_from_file
from aiinfra.render.platforms import platform_files
from aiinfra.spec.platform import NetworkOperatorImages
from tests.conftest import lab_data, platform_block, write_spec
from tests.platforms import crdschema
from tests.spec.clicheck import refused

POLICY = "openshift/manifests/30-nic-cluster-policy.yaml"
needs_crds = pytest.mark.skipif(not crdschema.available(), reason=f"upstream CRDs not found at {crdschema.CRDS}")


def _openshift_lab(tmp_path: Path, network_operator: dict[str, str] | None = None) -> Path:
    """The lab spec on OpenShift, with the per-node MACs its agent-config needs."""
    data = lab_data()
    data["platform"] = platform_block("openshift", control_plane_replicas=3)
    if network_operator is not None:
        data["platform"]["network_operator"] = network_operator
    rows = ["host,mac.enp170s0f0np0,mac.enp41s0f0np0"]
    rows += [f"lab-gpu-00{i},02:00:00:00:0{i}:01,02:00:00:00:0{i}:02" for i in range(1, 5)]
    (tmp_path / "facts.csv").write_text("\n".join(rows) + "\n")
    data["compute"]["node_facts"] = "facts.csv"
    return write_spec(tmp_path, data)


def _policy(spec: Path) -> dict[str, Any]:
    (policy,) = [d for d in yaml.safe_load_all(platform_files(design_from_file(spec).design)[POLICY]) if d]
    return policy


@pytest.fixture(scope="module")
def default_policy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _policy(_openshift_lab(tmp_path_factory.mktemp("dts")))


def test_the_default_pin_is_network_operator_v26_1_1s(default_policy: dict[str, Any]) -> None:
    """With nothing in the spec, DTS is the image NVIDIA lists for Network Operator v26.1.1, in the
    DOCA registry (not the Mellanox one the other pins use)."""
    dts = default_policy["spec"]["docaTelemetryService"]
    assert dts == {"image": "doca_telemetry", "repository": "nvcr.io/nvidia/doca", "version": "1.23.4-doca3.2.0-host"}
    defaults = NetworkOperatorImages()
    assert (dts["repository"], dts["version"]) == (defaults.doca_telemetry_repository, defaults.doca_telemetry_version)
    # no config: the operator deploys its default dts_config_map.ini, the one with the :9189 endpoint
    assert "config" not in dts


def test_a_pinned_dts_version_flows_from_the_spec(tmp_path: Path) -> None:
    spec = _openshift_lab(
        tmp_path, {"doca_telemetry_repository": "registry.example:5000/mirror/doca", "doca_telemetry_version": "1.2.3"}
    )
    result = design_from_file(spec)
    assert result.design.platform is not None
    images = result.design.platform.settings.network_operator  # type: ignore[union-attr]
    assert images.doca_telemetry_version == "1.2.3"
    policy = _policy(spec)
    dts = policy["spec"]["docaTelemetryService"]
    assert (dts["repository"], dts["version"]) == ("registry.example:5000/mirror/doca", "1.2.3")
    # the other pins are untouched by the DTS ones
    assert policy["spec"]["ofedDriver"]["repository"] == NetworkOperatorImages().repository


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doca_telemetry_version", "{{ lookup('pipe', 'id') }}", "is not an OCI tag"),
        ("doca_telemetry_version", "1.0\nx", "is not an OCI tag"),
        ("doca_telemetry_repository", "nvcr.io/{{ x }}", "is not an OCI repository"),
    ],
)
def test_a_hostile_dts_pin_is_refused_at_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, message: str
) -> None:
    spec = _openshift_lab(tmp_path, {field: value})
    refused(capsys, spec, tmp_path / "out", f"platform.network_operator.{field}", message)


@needs_crds
def test_the_dts_block_passes_the_crd_and_a_broken_one_does_not(default_policy: dict[str, Any]) -> None:
    policy = default_policy
    assert crdschema.errors(policy) == []
    dts = policy["spec"]["docaTelemetryService"]
    broken: list[tuple[dict[str, Any], str]] = [
        ({k: v for k, v in dts.items() if k != "image"}, "'image' is a required property"),
        ({**dts, "verison": dts["version"]}, "verison"),
        ({**dts, "config": "dts-config"}, "is not of type 'object'"),
        ({**dts, "config": {"fromConfigmap": "dts-config"}}, "fromConfigmap"),
    ]
    for block, expected in broken:
        obj = copy.deepcopy(policy)
        obj["spec"]["docaTelemetryService"] = block
        found = crdschema.errors(obj)
        assert any(expected in e for e in found), (block, found)
