"""Review artefacts: design.yaml, cabling.csv, addressing.csv and bom.csv.

These are formatting only: every number and name comes from the Design.
design.yaml summarises per device (the per-port detail is in the CSVs) so it
stays reviewable for a 32k-GPU cluster.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import Any

from aiinfra.design.model import Design, Interface
from aiinfra.nos.hatches import hatch_summary
from aiinfra.render.output import write_pieces
from aiinfra.render.yamlout import dump


def dump_yaml(data: Any) -> str:
    """Block-style YAML, insertion order kept (see aiinfra/render/yamlout.py for why not PyYAML)."""
    return dump(data)


# OWASP "CSV Injection": a spreadsheet evaluates a cell that starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice).

    Only text is touched: ints and floats, and text that is exactly a number (``-3``,
    ``+1.5``), are data a spreadsheet reads as numbers, not formulas. Names that reach
    these files from the spec (e.g. ``fabrics.oob.uplink_to``) are free text.
    """
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


_ROLE = attrgetter("role")
_NEEDS_QUOTES = re.compile('[,"\r\n]')  # a cell with one of these is quoted


def _cell(value: object) -> str:
    """RFC 4180 quoting: a cell with a comma, quote, CR or LF is quoted.

    Not csv.writer: with ``\n`` line ends it leaves a bare CR unquoted, and a reader
    (or a spreadsheet) then starts a new row inside the cell.
    """
    text = "" if value is None else str(neutralise(value))
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


# Where a cell that needs ``_cell`` shows in a block of rows joined plainly: a quote or CR
# anywhere, a comma or LF inside a cell (more of them than the joins made), or a formula
# start at the beginning of a cell (only "-" is common, inside names, so it is looked for
# after a separator). Each test is one C-level scan of the block.
_FORMULA_ANYWHERE = ("=", "+", "@", "\t")
_BLOCK_ROWS = 1024


def _csv(header: list[str], rows: Iterable[Any]) -> str:
    """The CSV text, ``",".join(map(_cell, row))`` per line (:func:`_csv_blocks`, joined)."""
    return "".join(_csv_blocks(header, rows))


def _csv_blocks(header: list[str], rows: Iterable[Any]) -> Iterator[str]:
    """The CSV text a block of rows at a time, each block checked as a whole (a big cluster's
    addressing.csv has a million rows, and almost no cell needs quoting or neutralising), so
    the usual block costs one join and a few scans. Rows are taken from ``rows`` a block at a
    time: a 131k-GPU render never holds the million rows, or the 86 MB text, at once."""
    it = iter(rows)
    block = [header, *islice(it, _BLOCK_ROWS - 1)]
    while block:
        yield _block(block)
        block = list(islice(it, _BLOCK_ROWS))


def _block(rows: list[Any]) -> str:
    try:
        text = "\n".join(map(",".join, rows)) + "\n"  # str cells (and StrEnums) as they are
    except TypeError:  # a number or None: cell by cell
        return _by_cell(rows)
    if (
        '"' in text
        or "\r" in text
        or text.count(",") != sum(map(len, rows)) - len(rows)
        or text.count("\n") != len(rows)
        or text.startswith("-")
        or ",-" in text
        or "\n-" in text
        or any(c in text for c in _FORMULA_ANYWHERE)
    ):
        return _by_cell(rows)
    return text


def _by_cell(rows: list[Any]) -> str:
    return "".join([",".join(map(_cell, row)) + "\n" for row in rows])


def design_yaml(design: Design) -> str:
    doc = {
        "cluster": design.name,
        "domain": design.domain,
        "summary": {
            "nodes": len(design.nodes),
            "gpus": sum(n.gpus for n in design.nodes),
            "scalable_units": design.scalable_units,
            "rails": design.rails,
            "backend_tiers": design.backend_tiers,
            "backend_bisection_gbps": design.backend_bisection_gbps,
            "switches": len(design.devices),
            "cables": len(design.links),
        },
        "tiers": [asdict(t) for t in design.tiers],
        "qos": {name: asdict(q) for name, q in design.qos.items()},
        "pfc_headroom": [asdict(row) for row in design.headroom_report],
        "pools": {"site.management": design.mgmt_network, **design.pools},
        "devices": [
            {
                "name": d.name,
                "fabric": d.fabric,
                "role": d.role,
                "model": d.model,
                "os": d.os,
                "os_release": d.os_release,
                "su": d.su,
                "rail": d.rail,
                "pod": d.pod,
                "plane": d.plane,
                "mgmt": d.mgmt_address,
                "loopback": d.loopback,
                "asn": d.bgp.asn if d.bgp else None,
                "bgp_neighbors": len(d.bgp.neighbors) if d.bgp else 0,
                "ports": _port_counts(d.interfaces),
            }
            for d in design.devices.values()
        ],
        "bom": [asdict(b) for b in design.bom],
    }
    hatches = hatch_summary(design)
    if hatches:  # what the site changed beyond the model: overrides, raw config blocks, templates
        doc["escape_hatches"] = hatches
    return dump_yaml(doc)


def report_pieces(design: Design) -> dict[str, Iterable[str]]:
    """Every report as pieces of its text, in order: what :func:`reports` joins and
    :func:`write_reports` writes as they come."""
    return {
        "design.yaml": (design_yaml(design),),
        "cabling.csv": _cabling_blocks(design),
        "addressing.csv": _csv_blocks(ADDRESSING_HEADER, chain.from_iterable(_addressing_rows(design))),
        "bom.csv": _csv_blocks(BOM_HEADER, _bom_rows(design)),
    }


def reports(design: Design) -> dict[str, str]:
    """The reports by path, each text whole."""
    return {path: "".join(pieces) for path, pieces in report_pieces(design).items()}


def write_reports(design: Design, root: Path) -> dict[str, str]:
    """Write the reports under ``root`` piece by piece; their SHA-256 digests by path."""
    return {path: write_pieces(root, path, pieces) for path, pieces in report_pieces(design).items()}


def _port_counts(interfaces: list[Interface]) -> dict[str, int]:
    """Interfaces per role, roles sorted: one counting pass (a 131k-GPU design has a million ports)."""
    counts = Counter(map(_ROLE, interfaces))
    return {role: counts[role] for role in sorted(counts)}


def cabling_csv(design: Design) -> str:
    return "".join(_cabling_blocks(design))


def _cabling_blocks(design: Design) -> Iterator[str]:
    """One row per link. The two numbers are spelled once per distinct value (a cluster has a
    few speeds and cable lengths and a million links), as ``_cell`` would: an int as ``str``,
    a length with ``:g``."""
    speeds: dict[int, str] = {}
    lengths: dict[float, str] = {}
    for link in design.links:
        if link.speed_gbps not in speeds:
            speeds[link.speed_gbps] = str(link.speed_gbps)
        if link.length_m not in lengths:
            lengths[link.length_m] = f"{link.length_m:g}"
    return _csv_blocks(
        CABLING_HEADER,
        (
            (
                link.fabric,
                link.kind,
                link.a_device,
                link.a_interface,
                link.a_optic,
                link.b_device,
                link.b_interface,
                link.b_optic,
                speeds[link.speed_gbps],  # text, as _cell writes an int, so the block joins as is
                link.reach,
                link.cable,
                lengths[link.length_m],
            )
            for link in design.links
        ),
    )


CABLING_HEADER = [
    "fabric",
    "kind",
    "a_device",
    "a_port",
    "a_optic",
    "b_device",
    "b_port",
    "b_optic",
    "speed_gbps",
    "reach",
    "cable",
    "length_m",
]
ADDRESSING_HEADER = ["device", "interface", "address", "role", "peer_device", "peer_address"]
BOM_HEADER = ["category", "item", "count", "detail"]


def addressing_csv(design: Design) -> str:
    return _csv(ADDRESSING_HEADER, chain.from_iterable(_addressing_rows(design)))


def _addressing_rows(design: Design) -> Iterator[list[tuple[object, ...]]]:
    """The rows of each device, then of each node: a list per device or node (built in a
    comprehension), so the CSV writer takes a block of rows at a time."""
    for d in design.devices.values():
        name = d.name
        rows: list[tuple[object, ...]] = [(name, d.mgmt_interface, d.mgmt_address, "management", "", "")]
        if d.loopback:
            rows.append((name, "loopback0", d.loopback, "loopback", "", ""))
        rows += [
            (name, i.name, i.address, i.role, i.peer_device or "", i.peer_address or "")
            for i in d.interfaces
            if i.address
        ]
        yield rows
    for n in design.nodes:
        name = n.name
        rows = [(name, "mgmt0", n.mgmt_address, "management", "", ""), (name, "bmc", n.bmc_address, "bmc", "", "")]
        rows += [
            (name, nic.netdev, nic.address, f"{nic.fabric}-nic", nic.switch, nic.gateway)
            for nic in (*n.backend, *n.frontend, *n.storage)
        ]
        for addr, fabric in ((n.frontend_address, "frontend"), (n.storage_address, "storage")):
            if addr:
                rows.append((name, "lo", addr, f"{fabric}-host", "", ""))
        yield rows


def bom_csv(design: Design) -> str:
    return _csv(BOM_HEADER, _bom_rows(design))


def _bom_rows(design: Design) -> Iterator[list[object]]:
    return ([b.category, b.item, b.count, b.detail] for b in design.bom)
