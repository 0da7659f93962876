"""The plan summary: a per-device table from the JSON ``aiinfra plan`` writes.

Loosely coupled on purpose: the plan's format belongs to ``aiinfra.plan``, so this reads
any JSON object that holds per-device entries, under ``devices`` (a list of objects with
a ``device`` or ``name`` key, or an object keyed by device name) or ``changes``, and shows
their fields as columns: scalars as they are, short lists of scalars spelled out, flat
objects as ``key value`` pairs, anything deeper as its size. The other top-level fields
become the summary. A file that is not a JSON object is refused with one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiinfra.report.model import Figure, PlanSection, Table

NAME_KEYS = ("device", "name", "hostname")
ROW_KEYS = ("devices", "changes", "per_device")
SHOWN = 6  # list items or object fields a cell spells out before it only counts


class PlanUnreadable(ValueError):
    """The plan file is not JSON with per-device entries; the message is one line."""


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else f"{value:g}"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(_scalar(v) for v in value):
        shown = ", ".join(_cell(v) for v in value[:SHOWN])
        return shown + (f" (+{len(value) - SHOWN} more)" if len(value) > SHOWN else "")
    if isinstance(value, dict) and value and all(_scalar(v) for v in value.values()):
        return "; ".join(f"{k} {_cell(v)}" for k, v in list(value.items())[:SHOWN])
    if isinstance(value, list | dict):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    return "" if value is None else str(value)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _entries(doc: dict[str, Any]) -> tuple[str, list[tuple[str, dict[str, Any]]]] | None:
    for key in ROW_KEYS:
        found = doc.get(key)
        if isinstance(found, dict) and all(isinstance(v, dict) for v in found.values()):
            return key, [(str(k), v) for k, v in found.items()]
        if isinstance(found, list) and all(isinstance(v, dict) for v in found):
            rows = []
            for n, v in enumerate(found):
                name = next((str(v[k]) for k in NAME_KEYS if k in v), f"#{n + 1}")
                rows.append((name, {k: x for k, x in v.items() if k not in NAME_KEYS}))
            return key, rows
    return None


def plan_section(path: Path) -> PlanSection:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanUnreadable(f"{path}: not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise PlanUnreadable(f"{path}: a plan is a JSON object; this is a {type(doc).__name__}")
    found = _entries(doc)
    summary = tuple(Figure(k, _cell(v)) for k, v in doc.items() if found is None or k != found[0])
    if found is None:
        note = f"No per-device entries (looked for {', '.join(ROW_KEYS)})."
        return PlanSection(path.name, summary, None, note)
    key, entries = found
    columns: list[str] = []
    for _, fields in entries:
        columns += [k for k in fields if k not in columns]
    rows = tuple((name, *(_cell(fields.get(c)) for c in columns)) for name, fields in entries)
    table = Table(f"Per-device plan ({len(rows):,} entries from {key!r})", ("device", *columns), rows)
    return PlanSection(path.name, summary, table, "")
