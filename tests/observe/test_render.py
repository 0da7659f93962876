"""The observability artefact of every example, checked by the tools that will read it.

``promtool check config`` and ``check rules`` on the Prometheus files; every dashboard query
in a rules file for ``promtool check rules``; the monitoring.coreos.com objects against the
upstream CRDs and the built-in kinds with kubernetes-validate; the RDMA textfile script run
on a fake sysfs and its output through ``promtool check metrics``; the gnmic targets read
back against the Design (every switch, on the Design's gNMI port, its OS's subscription).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from aiinfra import nos
from aiinfra.observe import dashboards, gnmic, kube
from aiinfra.observe.artefacts import observability
from aiinfra.observe.exporters import DIR as NODE_DIR
from aiinfra.observe.metrics import RDMA_COUNTERS, SWITCH_NAMES
from aiinfra.observe.prometheus import DIR, RULES
from aiinfra.platforms.openshift.manifests import NETWORK_NAMESPACE
from aiinfra.render.artefacts import ARTEFACTS
from tests.conftest import SMALL_EXAMPLES, example
from tests.observe.promtool import needs_promtool, promtool, write_tree
from tests.platforms import crdschema
from tests.validators.kube import crd_kinds, object_problems


def test_the_artefact_is_registered() -> None:
    assert ARTEFACTS["observability"] is observability


@needs_promtool
@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_promtool_accepts_config_rules_and_every_dashboard_query(tmp_path: Path, name: str) -> None:
    design = example(name).design
    files = observability(design)
    write_tree(tmp_path, files)
    root = tmp_path / DIR
    for args in (("check", "config", root / "prometheus.yml"), ("check", "rules", root / RULES)):
        result = promtool(*args)
        assert result.returncode == 0, result.stdout + result.stderr
    rules = [
        {"record": f"aiinfra:dashboard_{board}:{i}", "expr": expr}
        for board, model in dashboards.dashboards(design).items()
        for i, expr in enumerate(dashboards.queries(model))
    ]
    (tmp_path / "queries.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = promtool("check", "rules", tmp_path / "queries.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert observability(design) == files  # deterministic


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_gnmic_dials_every_switch_on_the_designs_port(name: str) -> None:
    design = example(name).design
    assert design.telemetry is not None
    config = yaml.safe_load(observability(design)["observability/gnmic/gnmic.yaml"])
    assert set(config["targets"]) == set(design.devices)
    for device in design.devices.values():
        target = config["targets"][device.name]
        assert target["address"] == f"{device.mgmt_address.split('/')[0]}:{design.telemetry.gnmi_port}"
        assert target["subscriptions"] == list(gnmic.subscriptions(device.os, None))  # one per gNMI target of its OS
        assert target["subscriptions"][0] == device.os and set(target["subscriptions"]) <= set(config["subscriptions"])
    names = set(config["processors"]["aiinfra-names"]["event-rename"]["value-names"].values())
    assert names <= SWITCH_NAMES
    assert config["tls-ca"].endswith(f"/{design.telemetry.tls.ca_name}.pem")


def test_every_os_serves_the_interface_and_bgp_metrics() -> None:
    """The alerts every fabric needs (link, BGP, throughput) have a source on every OS."""
    for os in nos.names():
        assert {"if_in_octets", "if_out_octets"} <= gnmic.covered(os), os
    assert {"if_oper_status", "bgp_established"} <= gnmic.covered("eos")


@pytest.mark.slow  # loading the CRDs takes seconds
def test_the_monitoring_objects_validate_against_their_crds() -> None:
    if not crdschema.available():
        pytest.skip("../shared/schemas/crds is not present")
    kinds = crd_kinds()
    objects = kube.monitoring_objects(example("lab").design)  # the lab spec names a collector
    assert {o["kind"] for o in objects} == {
        "Namespace",
        "PrometheusRule",
        "ServiceMonitor",
        "Service",
        "EndpointSlice",
        "PodMonitor",
    }
    for obj in objects:
        assert object_problems(obj, kinds) == [], obj["kind"]
    openshift = observability(example("superpod-4su").design)
    assert "observability/openshift/10-prometheusrule-aiinfra-rules.yaml" in openshift
    rule = next(o for o in objects if o["kind"] == "PrometheusRule")
    broken = {**rule, "spec": {"groups": [{"rules": []}]}}  # a group without its required name
    assert object_problems(broken, kinds)


def test_the_dts_pod_monitor_validates_and_a_broken_one_does_not() -> None:
    """The PodMonitor against the upstream PodMonitor CRD; a misspelt action, a missing selector and
    an unknown endpoint key are refused, so the check can fail."""
    if not crdschema.available():
        pytest.skip("../shared/schemas/crds is not present")
    design = example("superpod-4su").design
    files = observability(design)
    monitor = yaml.safe_load(files["observability/openshift/10-podmonitor-aiinfra-doca-telemetry.yaml"])
    assert crdschema.errors(monitor) == []
    assert monitor["metadata"]["namespace"] == NETWORK_NAMESPACE  # where the Network Operator runs DTS
    assert monitor["spec"]["selector"] == {"matchLabels": kube.DTS_POD_LABELS}
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    address = next(r for r in endpoint["relabelings"] if r["targetLabel"] == "__address__")
    assert address["sourceLabels"] == ["__meta_kubernetes_pod_ip"]
    assert address["replacement"] == f"$1:{kube.DTS_PROMETHEUS_PORT}"
    relabel = endpoint["relabelings"][0]
    broken = [
        {**monitor, "spec": {"podMetricsEndpoints": monitor["spec"]["podMetricsEndpoints"]}},
        {
            **monitor,
            "spec": {
                **monitor["spec"],
                "podMetricsEndpoints": [{**endpoint, "relabelings": [{**relabel, "action": "rewrite"}]}],
            },
        },
        {**monitor, "spec": {**monitor["spec"], "podMetricsEndpoints": [{**endpoint, "portnumber": 9189}]}},
    ]
    for obj in broken:
        assert crdschema.errors(obj), obj["spec"]
    assert "observability/openshift/10-podmonitor-aiinfra-doca-telemetry.yaml" not in observability(
        example("lab").design
    )


@needs_promtool
def test_the_dts_relabelings_are_ones_prometheus_accepts(tmp_path: Path) -> None:
    """The PodMonitor's relabelings, spelt as prometheus-operator writes them into the scrape job
    (``relabel_configs``), through ``promtool check config``; a broken regex is refused."""
    (endpoint,) = kube.dts_pod_monitor(example("superpod-4su").design)["spec"]["podMetricsEndpoints"]
    keys = {"sourceLabels": "source_labels", "targetLabel": "target_label"}

    def check(relabelings: list[dict]) -> subprocess.CompletedProcess[str]:
        job = {
            "job_name": "podMonitor/nvidia-network-operator/aiinfra-doca-telemetry/0",
            "scrape_interval": endpoint["interval"],
            # Debian's Prometheus is built without kubernetes_sd; the relabelings do not depend on it
            "static_configs": [{"targets": ["192.0.2.1"]}],
            "relabel_configs": [{keys.get(k, k): v for k, v in r.items()} for r in relabelings],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({"scrape_configs": [job]}))
        return promtool("check", "config", tmp_path / "prometheus.yml")

    result = check(endpoint["relabelings"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert check([{**endpoint["relabelings"][0], "regex": "(.+"}]).returncode != 0


@needs_promtool
def test_the_rdma_script_writes_metrics_promtool_accepts(tmp_path: Path) -> None:
    counters = tmp_path / "sys/class/infiniband/mlx5_0/ports/1/hw_counters"
    counters.mkdir(parents=True)
    for n, counter in enumerate(RDMA_COUNTERS):
        (counters / counter).write_text(f"{n * 10}\n")
    script = tmp_path / "rdma.sh"
    script.write_text(observability(example("lab").design)[f"{NODE_DIR}/aiinfra-rdma-counters.sh"])
    env = {"AIINFRA_SYSFS": str(tmp_path / "sys"), "AIINFRA_TEXTFILE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", str(script)], env=env, check=True, timeout=30)
    text = (tmp_path / "aiinfra-rdma.prom").read_text()
    assert 'aiinfra_rdma_np_cnp_sent_total{device="mlx5_0",port="1"} 10' in text
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
