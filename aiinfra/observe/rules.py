"""Prometheus recording and alert rules, built as data from the Design.

Every threshold comes from ``Design.telemetry.alerts`` (the spec's ``observability.alerts``)
and the lossless priority from the back-end QoS intent, so a changed spec changes the rule,
never a template. ``promtool check rules`` and ``promtool test rules`` (tests/observe) are
the arbiter: each alert has a unit test that fires it on its fault and keeps it silent on a
healthy series.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.observe.metrics import nic_pause, rdma, switch

Rule = dict[str, Any]


def _telemetry(design: Design) -> TelemetryIntent:
    if design.telemetry is None:
        raise ValueError("the Design has no telemetry intent (build it with build_design)")
    return design.telemetry


def nodrop_priority(design: Design) -> int | None:
    qos = design.qos.get("backend")
    return qos.nodrop_priority if qos else None


def queue_matcher(priority: int) -> str:
    """Queue names OSes give the no-drop queue: ``3``, ``UC3``, ``Ethernet0:3``."""
    return f'queue=~"(.*[^0-9])?{priority}"'


def recording_rules(design: Design) -> list[Rule]:
    t = _telemetry(design)
    hours_per_day, w_per_kw = 24, 1000
    return [
        {"record": "fabric:if_in_bps:rate1m", "expr": f"rate({switch('if_in_octets')}[1m]) * 8"},
        {"record": "fabric:if_out_bps:rate1m", "expr": f"rate({switch('if_out_octets')}[1m]) * 8"},
        {
            "record": "fabric:rail_out_bps:sum",
            "expr": f'sum by (rail) (rate({switch("if_out_octets")}{{role="leaf", rail!=""}}[1m]) * 8)',
        },
        {"record": "fabric:pfc_rx_pause:rate1m", "expr": f"rate({switch('pfc_rx_pause')}[1m])"},
        {"record": "fabric:queue_ecn_marked:rate1m", "expr": f"rate({switch('queue_ecn_marked')}[1m])"},
        {"record": "cluster:gpu_power_watts:sum", "expr": "sum(DCGM_FI_DEV_POWER_USAGE)"},
        {"record": "cluster:switch_power_watts:sum", "expr": f"sum({switch('psu_output_watts')})"},
        {
            "record": "cluster:it_power_watts:sum",
            "expr": "cluster:gpu_power_watts:sum + on() group_left() cluster:switch_power_watts:sum",
        },
        {"record": "cluster:facility_power_watts:sum", "expr": f"cluster:it_power_watts:sum * {t.pue}"},
        {
            "record": "cluster:energy_kwh_per_day",
            "expr": f"cluster:facility_power_watts:sum * {hours_per_day} / {w_per_kw}",
        },
        {
            "record": "cluster:co2e_kg_per_day",
            "expr": f"cluster:energy_kwh_per_day * {t.grid_g_co2e_per_kwh} / 1000",
        },
    ]


def _alert(name: str, expr: str, minutes: int, severity: str, summary: str) -> Rule:
    out: Rule = {"alert": name, "expr": expr}
    if minutes:
        out["for"] = f"{minutes}m"
    out["labels"] = {"severity": severity}
    out["annotations"] = {"summary": summary}
    return out


def alert_rules(design: Design) -> list[Rule]:
    a = _telemetry(design).alerts
    wait = a.for_minutes
    rules = [
        _alert(
            "PfcWatchdogStorm",
            f"increase({switch('pfc_watchdog_storms')}[5m]) > 0",
            0,
            "critical",
            "PFC watchdog caught a pause storm on {{ $labels.source }} {{ $labels.interface }}",
        ),
        _alert(
            "PfcSustainedPause",
            f"rate({switch('pfc_rx_pause')}[1m]) > {a.sustained_pause_per_s}",
            a.sustained_pause_minutes,
            "warning",
            "{{ $labels.source }} {{ $labels.interface }} receives sustained PFC pause",
        ),
        _alert(
            "EcnMarkingHigh",
            f"rate({switch('queue_ecn_marked')}[1m]) > {a.ecn_marked_per_s}",
            wait,
            "warning",
            "ECN marking above the design's rate on {{ $labels.source }} {{ $labels.interface }}",
        ),
        _alert(
            "CnpRateHigh",
            f"rate({rdma('np_cnp_sent')}[1m]) > {a.cnp_per_s}",
            wait,
            "warning",
            "{{ $labels.instance }} {{ $labels.device }} sends CNPs above the design's rate",
        ),
        _alert(
            "LinkDown",
            f"{switch('if_oper_status')} == 0 and on(source, interface) {switch('if_admin_status')} == 1",
            wait,
            "critical",
            "{{ $labels.source }} {{ $labels.interface }} is enabled but down",
        ),
        _alert(
            "LinkFlapping",
            f"increase({switch('if_carrier_transitions')}[{a.flap_window_minutes}m]) > {a.link_flaps}",
            0,
            "warning",
            "{{ $labels.source }} {{ $labels.interface }} flaps",
        ),
        _alert(
            "BgpSessionDown",
            f"{switch('bgp_established')} == 0",
            wait,
            "critical",
            "BGP session {{ $labels.source }} -> {{ $labels.neighbor }} is not established",
        ),
        _alert(
            "FecUncorrectable",
            f"increase({switch('if_fec_uncorrectable')}[5m]) > 0",
            0,
            "warning",
            "uncorrectable FEC codewords on {{ $labels.source }} {{ $labels.interface }}",
        ),
        _alert(
            "CrcErrors",
            f"rate({switch('if_in_crc_errors')}[5m]) > {a.crc_errors_per_s}",
            wait,
            "warning",
            "CRC errors on {{ $labels.source }} {{ $labels.interface }}",
        ),
        _alert(
            "OpticRxPowerOutOfRange",
            f"{switch('optic_rx_dbm')} < {a.optic_rx_min_dbm} or {switch('optic_rx_dbm')} > {a.optic_rx_max_dbm}",
            wait,
            "warning",
            "receive power of {{ $labels.source }} {{ $labels.interface }} is out of range",
        ),
        _alert("GpuXidError", "DCGM_FI_DEV_XID_ERRORS > 0", 0, "critical", "GPU {{ $labels.gpu }} reported XID"),
        _alert(
            "GpuThermalThrottling",
            f"increase(DCGM_FI_DEV_THERMAL_VIOLATION[5m]) > 0 or DCGM_FI_DEV_GPU_TEMP > {a.gpu_temp_max_c}",
            wait,
            "warning",
            "GPU {{ $labels.gpu }} on {{ $labels.instance }} is thermally throttled",
        ),
        _alert(
            "GpuPowerThrottling",
            "increase(DCGM_FI_DEV_POWER_VIOLATION[5m]) > 0",
            wait,
            "warning",
            "GPU {{ $labels.gpu }} on {{ $labels.instance }} is power-capped",
        ),
        _alert(
            "NicOutOfSequence",
            f"rate({rdma('out_of_sequence')}[1m]) > {a.out_of_sequence_per_s}",
            wait,
            "warning",
            "{{ $labels.instance }} {{ $labels.device }} receives more out-of-sequence packets than it tolerates",
        ),
    ]
    priority = nodrop_priority(design)
    if priority is not None:
        rules.insert(
            4,
            _alert(
                "LosslessQueueDrops",
                f"increase({switch('queue_dropped')}{{{queue_matcher(priority)}}}[5m]) > 0",
                0,
                "critical",
                f"the no-drop queue (priority {priority}) dropped packets on {{{{ $labels.source }}}}",
            ),
        )
        rules.insert(
            5,
            _alert(
                "NicPfcPauseSustained",
                f"rate({nic_pause(priority, 'rx')}[1m]) > {a.sustained_pause_per_s}",
                a.sustained_pause_minutes,
                "warning",
                "{{ $labels.instance }} {{ $labels.device }} is paused by its leaf",
            ),
        )
    return rules


def rule_groups(design: Design) -> dict[str, Any]:
    """The rules file Prometheus loads (and the PrometheusRule spec on OpenShift)."""
    return {
        "groups": [
            {"name": "aiinfra-recording", "interval": "30s", "rules": recording_rules(design)},
            {"name": "aiinfra-alerts", "rules": alert_rules(design)},
        ]
    }
