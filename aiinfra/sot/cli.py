"""``aiinfra sot export | facts``: the designed cluster in Nautobot, and the site's node facts back out.

    aiinfra sot export cluster.yaml --url https://nautobot.example      # token from $NAUTOBOT_TOKEN
    aiinfra sot facts cluster.yaml --url https://nautobot.example -o node-facts.yaml

The token is read from an environment variable (``--token-env``, default NAUTOBOT_TOKEN), never from the
command line, where any user of the machine could read it. Exit codes: 0 done, 1 Nautobot refused a
request or could not be reached (one line says why), 2 invalid spec or missing settings.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from aiinfra.errors import SpecError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "sot",
        help="push the design into Nautobot, or read node facts from it",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="sot_command", required=True)
    for name, help_text in (
        ("export", "upsert devices, interfaces, cables, prefixes, addresses, ASNs and VLANs (idempotent)"),
        ("facts", "write the node facts file (serials, MACs, disk hints) from Nautobot"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("spec", type=Path)
        cmd.add_argument("--url", default=os.environ.get("NAUTOBOT_URL"), help="Nautobot URL (default: $NAUTOBOT_URL)")
        cmd.add_argument("--token-env", default="NAUTOBOT_TOKEN", help="variable holding the API token")
        if name == "facts":
            cmd.add_argument("-o", "--output", type=Path, required=True, help="facts file to write (YAML)")
    p.set_defaults(command="sot")
    return p


def connect(url: str, token: str) -> Any:
    import pynautobot

    return pynautobot.api(url, token=token)


def run(args: argparse.Namespace) -> int:
    token = os.environ.get(args.token_env, "")
    if not args.url or not token:
        print(f"aiinfra: sot needs --url (or $NAUTOBOT_URL) and a token in ${args.token_env}", file=sys.stderr)
        return EXIT_INVALID
    from aiinfra.pipeline import design_from_file

    try:
        design = design_from_file(args.spec).design
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    import requests
    from pynautobot import RequestError

    try:
        api = connect(args.url, token)
        if args.sot_command == "export":
            from aiinfra.sot.nautobot import push
            from aiinfra.sot.plan import sot_plan

            report = push(sot_plan(design), api)
            print("\n".join(report.lines()))
            print(f"aiinfra: {report.changed} object(s) created or updated in {args.url}")
            return EXIT_OK
        from aiinfra.sot.facts import facts_yaml, read_facts

        facts = read_facts(design, api)
        args.output.write_text(facts_yaml(facts), encoding="utf-8")
        print(f"aiinfra: wrote facts of {len(facts['nodes'])} node(s) to {args.output}")
        return EXIT_OK
    except RequestError as exc:
        print(f"aiinfra: Nautobot refused a request: {exc.error}", file=sys.stderr)
    except requests.RequestException as exc:
        print(f"aiinfra: cannot reach {args.url}: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"aiinfra: {exc}", file=sys.stderr)
    return EXIT_FAILED
