"""``aiinfra catalog list|show``: what the hardware and model catalogs hold, with sources.

    aiinfra catalog list [switches|servers|nics|gpus|models] [--format table|json]
    aiinfra catalog show NAME [--format yaml|json]

A new user should not have to read ``aiinfra/catalog/data/*.yaml`` to learn which
names a spec may use: ``list`` prints one row per entry with the facts that tell the
entries apart, ``show`` prints one entry as it would be written in a spec's
``catalog:`` section (so it doubles as a template for adding a server or GPU).

Exit codes: 0 printed, 2 an unknown kind or name (the valid ones are listed).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from typing import Any

import yaml
from pydantic import BaseModel

from aiinfra.catalog import builtin
from aiinfra.catalog.models import GpuModel, NicModel, ServerModel, SwitchModel

EXIT_OK, EXIT_INVALID = 0, 2
KINDS = ("switches", "servers", "nics", "gpus", "models")


def _switch(m: SwitchModel) -> str:
    return f"{m.ports}x{m.port_speed_gbps}G, {m.asic}, {m.buffer_mb:g} MB buffer, OS: {', '.join(m.os)}"


def _server(m: ServerModel) -> str:
    return f"{m.gpus}x {m.gpu}, back-end {m.backend.count}x {m.backend.nic}, {m.power_w} W"


def _nic(m: NicModel) -> str:
    return f"{m.ports}x{m.speed_gbps}G, {m.rdma_driver}, out-of-order {'yes' if m.out_of_order_tolerant else 'no'}"


def _gpu(m: GpuModel) -> str:
    return f"{m.memory_gb:g} GB, {m.memory_bandwidth_tbps:g} TB/s, BF16 {m.bf16_tflops:g} TFLOP/s, {m.tdp_w} W"


def _llm(m: Any) -> str:
    return f"{m.params_total / 1e9:.1f} B params, {m.layers} layers, context {m.max_context}"


SUMMARY: dict[str, Callable[[Any], str]] = {
    "switches": _switch,
    "servers": _server,
    "nics": _nic,
    "gpus": _gpu,
    "models": _llm,
}


def entries(kind: str) -> dict[str, BaseModel]:
    """The built-in entries of one kind, by name."""
    if kind == "models":
        from aiinfra.sizing.models import builtin_models

        return dict(builtin_models())
    found: dict[str, BaseModel] = getattr(builtin(), kind)
    return found


def _title(kind: str, entry: BaseModel) -> str:
    vendor, model = getattr(entry, "vendor", ""), getattr(entry, "model", getattr(entry, "name", ""))
    return f"{vendor} {model}".strip()


def list_rows(kind: str) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "kind": kind,
            "title": _title(kind, entry),
            "summary": SUMMARY[kind](entry),
            "source": " ".join(str(getattr(entry, "source", "")).split()),
        }
        for name, entry in sorted(entries(kind).items())
    ]


SOURCE_WIDTH = 100  # the table shows the start of a source; ``show`` prints all of it


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def list_table(kinds: tuple[str, ...]) -> str:
    lines: list[str] = []
    for kind in kinds:
        rows = list_rows(kind)
        lines.append(f"{kind} ({len(rows)})")
        width = max((len(r["name"]) for r in rows), default=0)
        for r in rows:
            lines.append(f"  {r['name']:<{width}}  {r['title']}: {r['summary']}")
            lines.append(f"  {'':<{width}}  source: {_clip(r['source'], SOURCE_WIDTH)}")
        lines.append("")
    lines.append("aiinfra catalog show NAME prints one entry with its source.")
    return "\n".join(lines) + "\n"


def find(name: str) -> list[tuple[str, BaseModel]]:
    """Every kind that has an entry called ``name`` (a server and its GPU may share a name)."""
    out = []
    for kind in KINDS:
        found = entries(kind).get(name) or entries(kind).get(name.lower())
        if found is not None:
            out.append((kind, found))
    return out


def show_text(name: str, hits: list[tuple[str, BaseModel]], fmt: str) -> str:
    """As a spec's ``catalog:`` section would hold it (models as ``workloads`` would inline them)."""
    doc = {kind: {name: entry.model_dump(mode="json", exclude_defaults=False)} for kind, entry in hits}
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    return yaml.safe_dump(doc, sort_keys=False, width=100, allow_unicode=False)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "catalog",
        help="list the built-in switches, servers, NICs, GPUs and LLMs, or show one with its source",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = p.add_subparsers(dest="catalog_command", required=True)
    ls = verbs.add_parser("list", help="one line per entry")
    ls.add_argument("kind", nargs="?", choices=KINDS, help="only this kind (default: all)")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    show = verbs.add_parser("show", help="one entry, as a spec's catalog: section would hold it")
    show.add_argument("name")
    show.add_argument("--format", choices=["yaml", "json"], default="yaml")


def run(args: argparse.Namespace) -> int:
    if args.catalog_command == "list":
        kinds = (args.kind,) if args.kind else KINDS
        if args.format == "json":
            print(json.dumps([row for kind in kinds for row in list_rows(kind)], indent=2))
        else:
            print(list_table(kinds), end="")
        return EXIT_OK
    hits = find(args.name)
    if not hits:
        known = sorted({n for kind in KINDS for n in entries(kind)})
        close = difflib.get_close_matches(args.name.lower(), known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        message = f"no catalog entry named {args.name!r}{hint} (aiinfra catalog list shows them all)"
        print(f"aiinfra: {message}", file=sys.stderr)
        return EXIT_INVALID
    print(show_text(args.name, hits, args.format), end="")
    return EXIT_OK
