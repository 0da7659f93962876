"""``promtool test rules``: every alert fires on a synthetic series of its fault and stays
silent on a healthy one, with the thresholds the Design holds.

Each case feeds two series: one faulty (label ``state="fault"``) and one healthy
(``state="ok"``), and expects exactly the faulty one to alert. Rates are built from the
Design's own thresholds (twice and half the limit), so a changed threshold moves the series.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.observe.prometheus import DIR, RULES, prometheus_files
from aiinfra.observe.rules import alert_rules
from tests.conftest import example
from tests.observe.promtool import needs_promtool, promtool, write_tree

MINUTES = 30  # series length; every alert is evaluated at the end


def _counter(per_s: float) -> str:
    """A counter rising ``per_s`` per second, sampled each minute."""
    return f"0+{per_s * 60:g}x{MINUTES}"


def _flat(value: float) -> str:
    return f"{value:g}x{MINUTES}"


def _cases(design: Any) -> dict[str, list[tuple[str, dict[str, str], str, str]]]:
    """alert -> [(metric, labels, faulty values, healthy values)]."""
    a = design.telemetry.alerts
    p = design.qos["backend"].nodrop_priority
    port = {"source": "leaf1", "interface": "Ethernet1"}
    nic = {"instance": "node1:9100", "device": "mlx5_0"}
    gpu = {"instance": "node1:9400", "gpu": "0"}
    return {
        "PfcWatchdogStorm": [("fabric_pfc_watchdog_storms", port, "0x20 1+1x9", _flat(0))],
        "PfcSustainedPause": [
            (
                "fabric_pfc_rx_pause",
                port,
                _counter(2 * a.sustained_pause_per_s),
                _counter(0.5 * a.sustained_pause_per_s),
            )
        ],
        "EcnMarkingHigh": [
            ("fabric_queue_ecn_marked", port, _counter(2 * a.ecn_marked_per_s), _counter(0.5 * a.ecn_marked_per_s))
        ],
        "CnpRateHigh": [
            ("aiinfra_rdma_np_cnp_sent_total", nic, _counter(2 * a.cnp_per_s), _counter(0.5 * a.cnp_per_s))
        ],
        # the healthy series is a lossy queue dropping: only the no-drop queue must alert
        "LosslessQueueDrops": [("fabric_queue_dropped", {**port, "queue": f"UC{p}"}, "0x20 1+1x9", "")],
        "NicPfcPauseSustained": [
            (
                f"node_ethtool_received_prio{p}_pause",
                nic,
                _counter(2 * a.sustained_pause_per_s),
                _counter(0.5 * a.sustained_pause_per_s),
            )
        ],
        "LinkDown": [
            ("fabric_if_oper_status", port, _flat(0), _flat(0)),
            ("fabric_if_admin_status", port, _flat(1), _flat(0)),
        ],
        "LinkFlapping": [("fabric_if_carrier_transitions", port, "0+1x30", "0+0x30")],
        "BgpSessionDown": [("fabric_bgp_established", {"source": "leaf1", "neighbor": "10.0.0.1"}, _flat(0), _flat(1))],
        "FecUncorrectable": [("fabric_if_fec_uncorrectable", port, "0x20 5+5x9", _flat(7))],
        "CrcErrors": [("fabric_if_in_crc_errors", port, "0+10x30", _flat(3))],
        "OpticRxPowerOutOfRange": [
            (
                "fabric_optic_rx_dbm",
                port,
                _flat(a.optic_rx_min_dbm - 5),
                _flat((a.optic_rx_min_dbm + a.optic_rx_max_dbm) / 2),
            )
        ],
        "GpuXidError": [("DCGM_FI_DEV_XID_ERRORS", gpu, _flat(79), _flat(0))],
        "GpuThermalThrottling": [
            ("DCGM_FI_DEV_THERMAL_VIOLATION", gpu, "0+1000x30", _flat(0)),
            ("DCGM_FI_DEV_GPU_TEMP", gpu, _flat(a.gpu_temp_max_c - 10), _flat(a.gpu_temp_max_c - 10)),
        ],
        "GpuPowerThrottling": [("DCGM_FI_DEV_POWER_VIOLATION", gpu, "0+1000x30", _flat(0))],
        "NicOutOfSequence": [
            (
                "aiinfra_rdma_out_of_sequence_total",
                nic,
                _counter(2 * a.out_of_sequence_per_s),
                _counter(0.5 * a.out_of_sequence_per_s),
            )
        ],
    }


def _series(metric: str, labels: dict[str, str], state: str) -> str:
    """The series of one faulty or healthy thing; a healthy port is another port of the switch."""
    if state == "ok" and "interface" in labels:
        labels = {**labels, "interface": "Ethernet2"}
    inner = ",".join(f'{k}="{v}"' for k, v in sorted({**labels, "state": state}.items()))
    return f"{metric}{{{inner}}}"


def _expand(template: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels.get(m.group(1), ""), template)


def _unit_tests(design: Any) -> dict[str, Any]:
    rules = {r["alert"]: r for r in alert_rules(design)}
    cases = _cases(design)
    assert set(cases) == set(rules), "every alert needs a unit test"
    tests = []
    for name, series in cases.items():
        inputs = []
        for metric, labels, faulty, healthy in series:
            inputs.append({"series": _series(metric, labels, "fault"), "values": faulty})
            if healthy:
                inputs.append({"series": _series(metric, labels, "ok"), "values": healthy})
        if name == "LosslessQueueDrops":  # a lossy queue dropping must not alert
            lossy = {**series[0][1], "queue": "UC0"}
            inputs.append({"series": _series(series[0][0], lossy, "ok"), "values": "0+5x30"})
        labels = {**series[0][1], "state": "fault", **rules[name]["labels"]}
        tests.append(
            {
                "interval": "1m",
                "input_series": inputs,
                "alert_rule_test": [
                    {
                        "eval_time": f"{MINUTES}m",
                        "alertname": name,
                        "exp_alerts": [
                            {
                                "exp_labels": labels,
                                "exp_annotations": {
                                    k: _expand(v, labels) for k, v in rules[name]["annotations"].items()
                                },
                            }
                        ],
                    }
                ],
            }
        )
    return {"rule_files": [RULES], "evaluation_interval": "1m", "tests": tests}


@pytest.mark.slow  # promtool evaluates 17 alert tests (~4 s)
@needs_promtool
def test_every_alert_fires_on_its_fault_and_not_on_a_healthy_series(tmp_path: Path) -> None:
    design = example("lab").design
    write_tree(tmp_path, prometheus_files(design))
    root = tmp_path / DIR
    (root / "alerts.test.yml").write_text(yaml.safe_dump(_unit_tests(design), sort_keys=False))
    result = promtool("test", "rules", root / "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_a_healthy_series_really_is_below_the_threshold(tmp_path: Path) -> None:
    """The unit tests can fail: with the threshold raised past the fault, the fault stays silent."""
    design = example("lab").design
    write_tree(tmp_path, prometheus_files(design))
    root = tmp_path / DIR
    tests = _unit_tests(design)
    rules = yaml.safe_load((root / RULES).read_text())
    for rule in rules["groups"][1]["rules"]:
        if rule["alert"] == "GpuXidError":
            rule["expr"] = "DCGM_FI_DEV_XID_ERRORS > 100"
    (root / RULES).write_text(yaml.safe_dump(rules))
    (root / "alerts.test.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    result = promtool("test", "rules", root / "alerts.test.yml")
    assert result.returncode != 0 and "GpuXidError" in result.stdout + result.stderr
