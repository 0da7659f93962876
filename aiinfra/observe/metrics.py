"""The metric names the rules and dashboards read, and where each comes from.

Switch metrics are the gNMI leaves of each OS (``aiinfra/nos/<os>/telemetry.yaml``) renamed
by the collector to one OS-neutral name, so a rule reads ``fabric_pfc_rx_pause`` whatever the
switch runs. Node metrics keep their exporters' own names (DCGM field names, node_exporter's
ethtool naming ``rx_X`` -> ``node_ethtool_received_X``), plus the RDMA hardware counters the
textfile script publishes. docs/observability.md lists every one with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

SWITCH_PREFIX = "fabric"  # gnmic's prometheus output metric-prefix


@dataclass(frozen=True, slots=True)
class SwitchMetric:
    name: str  # the leaf name gnmic renames the OS's path to; Prometheus sees fabric_<name>
    family: str  # the subscription it belongs to
    help: str


SWITCH_METRICS: tuple[SwitchMetric, ...] = (
    SwitchMetric("if_in_octets", "interface", "bytes received on a port"),
    SwitchMetric("if_out_octets", "interface", "bytes sent on a port"),
    SwitchMetric("if_oper_status", "interface", "1 when the port is up, 0 when down"),
    SwitchMetric("if_admin_status", "interface", "1 when the port is enabled by configuration"),
    SwitchMetric("if_carrier_transitions", "interface", "link up/down changes"),
    SwitchMetric("if_in_crc_errors", "interface", "frames received with a bad FCS"),
    SwitchMetric("if_fec_uncorrectable", "interface", "FEC codewords that could not be corrected"),
    SwitchMetric("pfc_rx_pause", "pfc", "PFC pause frames received, per priority"),
    SwitchMetric("pfc_tx_pause", "pfc", "PFC pause frames sent, per priority"),
    SwitchMetric("pfc_watchdog_storms", "pfc", "PFC watchdog storm detections, per queue"),
    SwitchMetric("queue_ecn_marked", "queue", "packets ECN-marked by WRED, per queue"),
    SwitchMetric("queue_dropped", "queue", "packets dropped, per queue"),
    SwitchMetric("queue_buffer_bytes", "buffer", "buffer occupancy of a queue"),
    SwitchMetric("bgp_established", "bgp", "1 when the BGP session is established"),
    SwitchMetric("optic_rx_dbm", "optics", "received optical power per lane, dBm"),
    SwitchMetric("psu_output_watts", "power", "power a PSU delivers, W"),
)
SWITCH_NAMES = frozenset(m.name for m in SWITCH_METRICS)


def switch(name: str) -> str:
    """The Prometheus name of a switch metric (refuses names the vocabulary lacks)."""
    if name not in SWITCH_NAMES:
        raise KeyError(f"no switch metric {name!r}")
    return f"{SWITCH_PREFIX}_{name}"


# DCGM fields the dcgm-exporter counters file enables (DCGM field identifiers).
DCGM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("DCGM_FI_DEV_XID_ERRORS", "gauge", "value of the last XID error"),
    ("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature, C"),
    ("DCGM_FI_DEV_POWER_USAGE", "gauge", "GPU power draw, W"),
    ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "energy since boot, mJ"),
    ("DCGM_FI_DEV_THERMAL_VIOLATION", "counter", "time throttled by thermal limits, us"),
    ("DCGM_FI_DEV_POWER_VIOLATION", "counter", "time throttled by the power limit, us"),
    ("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilisation, %"),
)

# RDMA hardware counters (/sys/class/infiniband/<dev>/ports/<port>/hw_counters/<name>) the
# textfile script publishes as aiinfra_rdma_<name>_total{device, port}.
RDMA_COUNTERS: tuple[str, ...] = (
    "out_of_sequence",
    "np_cnp_sent",
    "rp_cnp_handled",
    "np_ecn_marked_roce_packets",
    "packet_seq_err",
)


def rdma(counter: str) -> str:
    if counter not in RDMA_COUNTERS:
        raise KeyError(f"no RDMA counter {counter!r}")
    return f"aiinfra_rdma_{counter}_total"


def nic_pause(priority: int, direction: str) -> str:
    """node_exporter's ethtool name of an mlx5 per-priority pause counter (``rx_prio3_pause``)."""
    return f"node_ethtool_{'received' if direction == 'rx' else 'transmitted'}_prio{priority}_pause"
