"""Ansible filters: read perftest, iperf3 and nccl-tests output with aiinfra.verify.perf.

``playbooks/perf-acceptance.yml`` runs the tools; the figures are read and judged here,
by the same parsers the tests exercise, so the playbook holds no parsing of its own.

- ``aiinfra_perf_rows(results, tool, lab_min_gbps)``: the registered loop results of the
  client runs -> rows ``[label, minimum Gb/s, found Gb/s]`` (a run that failed is found 0);
- ``aiinfra_perf_nccl_rows(results)``: the all_reduce_perf runs -> ``[label, minimum, found]`` in GB/s;
- ``aiinfra_perf_shortfalls(rows, unit)``: the table of rows below their minimum.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _perf() -> Any:
    here = Path(__file__).resolve()
    for root in (here.parents[2], here.parents[3]):  # checkout: beside playbooks/; wheel: site-packages
        if (root / "aiinfra" / "verify").is_dir():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))  # the aiinfra these playbooks came with
            break
    from aiinfra.verify import perf

    return perf


def _found(perf: Any, tool: str, result: dict[str, Any]) -> float:
    if result.get("rc") != 0:
        return 0.0
    try:
        if tool == "iperf3":
            return float(perf.iperf3_gbps(json.loads(result.get("stdout") or "{}")))
        return float(perf.ib_write_bw_gbps(result.get("stdout") or ""))
    except (ValueError, perf.PerfOutputError):
        return 0.0


def aiinfra_perf_rows(results: Any, tool: str, lab_min_gbps: Any = None) -> list[list[Any]]:
    perf = _perf()
    rows = []
    for r in results or []:
        pair = r["item"]
        minimum = float(lab_min_gbps) if tool == "iperf3" else float(pair["rdma_min_gbps"])
        rows.append([f"{pair['label']} ({tool})", minimum, round(_found(perf, tool, r), 2)])
    return rows


def aiinfra_perf_nccl_rows(results: Any) -> list[list[Any]]:
    perf = _perf()
    rows = []
    for r in results or []:
        target = r["item"]
        try:
            found = float(perf.all_reduce_busbw(r.get("stdout") or "")) if r.get("rc") == 0 else 0.0
        except perf.PerfOutputError:
            found = 0.0
        rows.append([f"all_reduce_perf, {target['nodes']} nodes", float(target["min_busbw_gbytes_s"]), found])
    return rows


def aiinfra_perf_shortfalls(rows: Any, unit: str) -> list[str]:
    return list(_perf().shortfalls([(str(a), float(b), float(c)) for a, b, c in rows or []], unit))


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "aiinfra_perf_rows": aiinfra_perf_rows,
            "aiinfra_perf_nccl_rows": aiinfra_perf_nccl_rows,
            "aiinfra_perf_shortfalls": aiinfra_perf_shortfalls,
        }
