"""``aiinfra show``: a one-screen summary of the Design."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

from aiinfra.design.model import Design


def summary_data(design: Design) -> dict[str, object]:
    links = Counter(f"{link.fabric} {link.kind}" for link in design.links)
    optics = sum(b.count for b in design.bom if b.category == "optic")
    return {
        "cluster": design.name,
        "nodes": len(design.nodes),
        "gpus": sum(n.gpus for n in design.nodes),
        "scalable_units": design.scalable_units,
        "rails": design.rails,
        "backend_tiers": design.backend_tiers,
        "switches": len(design.devices),
        "tiers": [asdict(t) for t in design.tiers],
        "links": dict(sorted(links.items())),
        "optics": optics,
        "backend_bisection_tbps": round(design.backend_bisection_gbps / 1000, 1),
    }


def summary_json(design: Design) -> str:
    return json.dumps(summary_data(design), indent=2) + "\n"


def summary_table(design: Design) -> str:
    s = summary_data(design)
    lines = [
        f"cluster {s['cluster']}: {s['nodes']} nodes, {s['gpus']} GPUs, {s['scalable_units']} SU x {s['rails']} rails, "
        f"{s['backend_tiers']}-tier back-end",
        "",
        f"{'fabric':<10}{'tier':<13}{'model':<15}{'os':<9}{'count':>7}{'down':>7}{'up':>6}{'oversub':>10}",
    ]
    for t in design.tiers:
        ratio = f"{t.oversubscription:g}:1" if t.oversubscription else "-"
        lines.append(
            f"{t.fabric:<10}{t.tier:<13}{t.model:<15}{t.os:<9}{t.count:>7}{t.downlinks_per_switch:>7}"
            f"{t.uplinks_per_switch:>6}{ratio:>10}"
        )
    lines += ["", f"switches: {s['switches']}", "links:"]
    lines += [f"  {k:<28}{v:>8}" for k, v in s["links"].items()]  # type: ignore[attr-defined]
    lines += [f"optics: {s['optics']}", f"back-end bisection bandwidth: {s['backend_bisection_tbps']} Tb/s", ""]
    return "\n".join(lines)
