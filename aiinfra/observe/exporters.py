"""Node-side exporters on bare metal: dcgm-exporter, node_exporter, and the RDMA counters.

dcgm-exporter runs with aiinfra's counters file (the DCGM fields the rules read, the
throttling-violation counters included, which its default file leaves out).
node_exporter (Debian ``prometheus-node-exporter``) runs with the ethtool collector
restricted to the per-priority pause counters and the infiniband collector on, and reads
the RDMA hardware counters (out-of-sequence, CNP) from a textfile a timer writes every
15 s, since no node_exporter collector reads ``hw_counters``.
"""

from __future__ import annotations

from aiinfra.observe.metrics import DCGM_FIELDS, RDMA_COUNTERS
from aiinfra.observe.prometheus import DCGM_EXPORTER_PORT, NODE_EXPORTER_PORT

DIR = "observability/node"
TEXTFILE_DIR = "/var/lib/prometheus/node-exporter"
COUNTERS_CSV = "/etc/dcgm-exporter/aiinfra-counters.csv"
RDMA_SCRIPT = "/usr/local/sbin/aiinfra-rdma-counters"
# mlx5 ethtool -S names: per-priority PFC pause frames and their duration, and receive drops.
ETHTOOL_INCLUDE = "^((rx|tx)_prio[0-7]_pause(_duration)?|rx_out_of_buffer|rx_discards_phy)$"


def dcgm_counters() -> str:
    lines = ["# DCGM FIELD, Prometheus metric type, help message (dcgm-exporter counters file; aiinfra)"]
    lines += [f"{name}, {kind}, {help_text}." for name, kind, help_text in DCGM_FIELDS]
    return "\n".join(lines) + "\n"


def _unit(description: str, exec_start: str, after: str = "network-online.target") -> str:
    return (
        "[Unit]\n"
        f"Description={description} (aiinfra)\n"
        f"After={after}\n"
        f"Wants={after}\n\n"
        "[Service]\n"
        f"ExecStart={exec_start}\n"
        "Restart=on-failure\n"
        "NoNewPrivileges=true\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def rdma_script() -> str:
    """POSIX sh: every hw_counters file of the listed names, as Prometheus text, replaced atomically."""
    counters = " ".join(RDMA_COUNTERS)
    return f"""#!/bin/sh
# RDMA hardware counters for node_exporter's textfile collector. Rendered by aiinfra.
set -eu
sysfs="${{AIINFRA_SYSFS:-/sys}}"
out="${{AIINFRA_TEXTFILE_DIR:-{TEXTFILE_DIR}}}/aiinfra-rdma.prom"
tmp="$out.$$"
: > "$tmp"
for counter in {counters}; do
    echo "# HELP aiinfra_rdma_${{counter}}_total RDMA hw_counters/${{counter}} of each port." >> "$tmp"
    echo "# TYPE aiinfra_rdma_${{counter}}_total counter" >> "$tmp"
    for file in "$sysfs"/class/infiniband/*/ports/*/hw_counters/"$counter"; do
        [ -r "$file" ] || continue
        rest="${{file#"$sysfs"/class/infiniband/}}"
        device="${{rest%%/*}}"
        port="${{rest#*/ports/}}"
        port="${{port%%/*}}"
        echo "aiinfra_rdma_${{counter}}_total{{device=\\"$device\\",port=\\"$port\\"}} $(cat "$file")" >> "$tmp"
    done
done
mv "$tmp" "$out"
"""


def exporter_files() -> dict[str, str]:
    node_exporter = (
        "/usr/bin/prometheus-node-exporter"
        f" --web.listen-address=:{NODE_EXPORTER_PORT}"
        " --collector.ethtool"
        f" --collector.ethtool.metrics-include={ETHTOOL_INCLUDE}"
        " --collector.infiniband"
        f" --collector.textfile.directory={TEXTFILE_DIR}"
    )
    dcgm = f"/usr/bin/dcgm-exporter -f {COUNTERS_CSV} -a :{DCGM_EXPORTER_PORT}"
    return {
        f"{DIR}/aiinfra-counters.csv": dcgm_counters(),
        f"{DIR}/dcgm-exporter.service": _unit("NVIDIA DCGM exporter", dcgm, "nvidia-dcgm.service"),
        f"{DIR}/prometheus-node-exporter.service": _unit("Prometheus node exporter", node_exporter),
        f"{DIR}/aiinfra-rdma-counters.sh": rdma_script(),
        f"{DIR}/aiinfra-rdma-counters.service": (
            "[Unit]\nDescription=RDMA hardware counters for node_exporter (aiinfra)\n\n"
            f"[Service]\nType=oneshot\nExecStart={RDMA_SCRIPT}\n"
        ),
        f"{DIR}/aiinfra-rdma-counters.timer": (
            "[Unit]\nDescription=RDMA hardware counters every 15 s (aiinfra)\n\n"
            "[Timer]\nOnBootSec=15s\nOnUnitActiveSec=15s\nAccuracySec=1s\n\n"
            "[Install]\nWantedBy=timers.target\n"
        ),
    }
