"""Specs for the sizing tests: the lab example (4 x DGX H100) plus a workloads: section."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "inventories" / "lab" / "cluster.yaml"
EXAMPLES = sorted(ROOT.glob("inventories/*/cluster.yaml"))

CHAT_2000 = """
workloads:
  inference:
    - name: chat
      model: llama-3.1-70b
      precision: {weights: fp8, kv_cache: fp8}
      tokens: {profile: chat}
      load: {concurrent_users: 2000}
      slo: {ttft_ms: 1000, itl_ms: 50}
  power: {pue: 1.25, grid_gco2_per_kwh: 300, energy_price_per_kwh: 0.18}
  cost: {capex_per_node: 350000, amortisation_years: 4}
"""


def _without_workloads(text: str) -> str:
    """Drop a top-level ``workloads:`` block, should the example ever gain one."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith("workloads:"):
            skipping = True
            continue
        if skipping and line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out)


def lab_with(tmp_path: Path, workloads_yaml: str, name: str = "cluster.yaml") -> Path:
    """Write the lab spec with its workloads replaced by ``workloads_yaml``."""
    text = _without_workloads(LAB.read_text(encoding="utf-8"))
    path = tmp_path / name
    path.write_text(text.rstrip("\n") + "\n" + workloads_yaml, encoding="utf-8")
    return path
