"""``aiinfra verify SPEC STATE_DIR``: accept the running fabric against the Design.

STATE_DIR holds one ``<device>.json`` per switch: ``{show command: its JSON output}``, as
``playbooks/verify.yml`` collects it (``aiinfra_verify_state_dir``, which also records
``_collector`` and ``_ifnames``) or as an operator saves it by hand (the collector then
follows the device's OS in the Design). The catalog is rebuilt from the spec (the same one ``render`` writes to
``verify/``), each device's output is turned into the neutral state by its OS's
collector, and every failed check is printed on its own line, naming device, port,
expected and found, followed by any swapped pair of cables.

Exit codes: 0 every check passed, 1 at least one failed, 2 invalid spec or state
(a file that is not JSON, an unknown section, an OS without a collector).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.evaluate import SECTIONS, evaluate

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check collected switch state (LLDP, BGP, ports, PFC/ECN, counters, optics) against the design",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", type=Path)
    p.add_argument("state", type=Path, help="folder of <device>.json collected show outputs")
    p.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to check (default: all of {','.join(SECTIONS)})",
    )
    p.add_argument("--device", action="append", default=[], help="check only this device (repeatable)")


class StateError(Exception):
    """Collected state that cannot be read; printed as one line, exit 2."""


def load_states(folder: Path, cats: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Neutral state per device from ``<device>.json`` files; devices without a file are left out."""
    if not folder.is_dir():
        raise StateError(f"{folder}: not a folder of <device>.json files")
    states = {}
    for name, cat in cats.items():
        path = folder / f"{name}.json"
        if not path.is_file():
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StateError(f"{path}: not readable JSON ({exc})") from None
        if not isinstance(raw, dict):
            raise StateError(f"{path}: expected an object {{show command: output}}, found {type(raw).__name__}")
        # playbooks/verify.yml records which collector read the device (the lab's switches
        # run FRR whatever OS the design names) and the kernel -> Design port names.
        collector = raw.pop("_collector", None) or collect.COLLECTOR_OF.get(cat["os"])
        names = raw.pop("_ifnames", None) or {}
        if collector not in collect.COLLECTORS or not isinstance(names, dict):
            known = ", ".join(sorted(collect.COLLECTOR_OF))
            raise StateError(f"{path}: no collector for OS {cat['os']!r}; collectors exist for {known}")
        states[name] = collect.COLLECTORS[collector](raw, names)
    return states


def run(args: argparse.Namespace) -> int:
    from aiinfra.pipeline import design_from_file

    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        print(f"aiinfra verify: unknown section(s) {', '.join(unknown)}; valid: {', '.join(SECTIONS)}", file=sys.stderr)
        return EXIT_INVALID
    design = design_from_file(args.spec).design
    cats = catalogs(design)
    if args.device:
        missing = sorted(set(args.device) - set(cats))
        if missing:
            print(f"aiinfra verify: not a switch of the design: {', '.join(missing)}", file=sys.stderr)
            return EXIT_INVALID
        cats = {n: c for n, c in cats.items() if n in set(args.device)}
    try:
        states = load_states(args.state, cats)
    except StateError as exc:
        print(f"aiinfra verify: {exc}", file=sys.stderr)
        return EXIT_INVALID
    result = evaluate(cats, states, sections)
    for line in result.lines():
        print(line)
    return EXIT_OK if result.ok else EXIT_FAILED
