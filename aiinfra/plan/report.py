"""The plan as a terminal table and as Markdown for a pull-request comment."""

from __future__ import annotations

from aiinfra.plan.model import DevicePlan, Plan

HEADER = ("device", "os", "status", "+", "-", "~", "flags", "batch", "loses a path")


def _row(d: DevicePlan) -> tuple[str, ...]:
    b = d.blast
    who = b.effect
    if b.rails:
        who += f"; rails {','.join(map(str, b.rails))}"
    if b.sus:
        who += f"; SUs {','.join(map(str, b.sus))}"
    return (
        d.device,
        d.os,
        d.status,
        str(d.added),
        str(d.removed),
        str(d.changed),
        ",".join(d.flags) or "-",
        b.batch,
        who or "-",
    )


def _summary(plan: Plan) -> list[str]:
    lines = [f"{len(plan.devices)} switch(es) change, {len(plan.other_files)} other file(s) change"]
    lines += [f"TOPOLOGY CHANGE: {t}" for t in plan.topology]
    return lines


def plan_table(plan: Plan) -> str:
    rows = [HEADER, *(_row(d) for d in plan.devices)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out += ["", *_summary(plan)]
    if plan.other_files:
        out += ["other files:", *(f"  {p}" for p in plan.other_files)]
    for d in plan.devices:
        if d.remediation:
            out += ["", f"remediation for {d.device} (hier_config):", *(f"  {line}" for line in d.remediation)]
    out += _hatches(plan, "  ")
    return "\n".join(out) + "\n"


def _hatches(plan: Plan, indent: str) -> list[str]:
    if not plan.hatches:
        return []
    lines = ["", "escape hatches in effect (overrides, raw_config, templates):"]
    for h in plan.hatches:
        where = h.get("device") or h.get("os")
        what = h.get("field") or h.get("position") or h.get("name")
        lines.append(f"{indent}{h['hatch']}: {where} {what}")
    return lines


def plan_markdown(plan: Plan) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["## aiinfra plan", "", *(f"- {line}" for line in _summary(plan)), ""]
    if plan.devices:
        out.append("| " + " | ".join(HEADER) + " |")
        out.append("|" + "---|" * len(HEADER))
        out += ["| " + " | ".join(cell(c) for c in _row(d)) + " |" for d in plan.devices]
    for d in plan.devices:
        if d.remediation:
            out += [
                "",
                f"<details><summary>{d.device}: remediation</summary>",
                "",
                "```",
                *d.remediation,
                "```",
                "",
                "</details>",
            ]
    if plan.other_files:
        out += [
            "",
            "<details><summary>other files</summary>",
            "",
            *(f"- `{p}`" for p in plan.other_files),
            "",
            "</details>",
        ]
    out += _hatches(plan, "- ")
    return "\n".join(out) + "\n"
