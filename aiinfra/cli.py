"""Command line: ``aiinfra validate | render | show | schema | size | lab``.

Thin by design: parse arguments, call the pipeline, print diagnostics.

Exit codes: 0 success, 2 invalid spec (every problem is listed), 1 internal
error (a bug: please report it), and for ``render --check`` 1 when files would
change.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

from aiinfra import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2

DESCRIPTION = (
    "Turn one cluster.yaml into an on-prem AI cluster: validate it, design the fabrics, render "
    "switch, host and platform configs, size it for its workloads, and rehearse the deployment."
)

EPILOG = """exit codes:
  0  success (valid spec, files written, or nothing to change)
  1  internal error, or `render --check` found files that would change
  2  invalid spec: every problem is printed as file:line:column: field: message
"""


def _command(sub: argparse._SubParsersAction, name: str, help: str) -> argparse.ArgumentParser:
    """A subcommand that takes a spec and documents the exit codes."""
    cmd = sub.add_parser(name, help=help, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("spec", type=Path)
    return cmd


def _parser() -> argparse.ArgumentParser:
    from aiinfra.lab import cli as lab_cli
    from aiinfra.sizing import cli as sizing_cli

    p = argparse.ArgumentParser(
        prog="aiinfra",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"aiinfra {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    _command(sub, "validate", "check a spec without writing anything")
    render = _command(sub, "render", "validate, design and write every artefact")
    render.add_argument("-o", "--output", type=Path, help="output directory (default: build/ beside the spec)")
    render.add_argument("--check", action="store_true", help="render in memory; exit 1 listing files that would change")
    show = _command(sub, "show", "print a summary of the designed cluster")
    show.add_argument("--format", choices=["table", "json"], default="table")
    sub.add_parser("schema", help="print the JSON Schema of cluster.yaml")
    sizing_cli.add_parser(sub)
    lab_cli.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from aiinfra.errors import SpecError

    try:
        return _dispatch(args)
    except SpecError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"aiinfra: {n} problem{'s' if n != 1 else ''} found; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("aiinfra: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:
        log = Path(tempfile.gettempdir()) / "aiinfra-crash.log"
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"; details in {log}"
        except OSError:
            where = ""
        print(f"aiinfra: internal error (this is a bug in aiinfra){where}", file=sys.stderr)
        return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "schema":
        from aiinfra.spec.schema import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return EXIT_OK
    if args.command == "size":
        from aiinfra.sizing import cli as sizing_cli

        return sizing_cli.run(args)
    if args.command == "lab":
        from aiinfra.lab import cli as lab_cli

        return lab_cli.run(args)
    from aiinfra.pipeline import design_from_file

    started = time.monotonic()
    result = design_from_file(args.spec)
    if args.command == "validate":
        print(f"{args.spec}: valid ({len(result.design.nodes)} nodes, {len(result.design.devices)} switches)")
        return EXIT_OK
    if args.command == "show":
        from aiinfra.render.summary import summary_json, summary_table

        print(summary_json(result.design) if args.format == "json" else summary_table(result.design), end="")
        return EXIT_OK
    from aiinfra.pipeline import render_files, write_rendered

    progress = _Progress(started) if sys.stderr.isatty() else None
    target = args.output or args.spec.parent / "build"
    if args.check:
        changed = render_files(result, progress).changes_against(target)
        for path in changed:
            print(path)
        print(f"aiinfra: {len(changed)} file(s) would change in {target}", file=sys.stderr)
        return EXIT_INTERNAL if changed else EXIT_OK
    count = write_rendered(result, target, progress)
    print(f"aiinfra: wrote {count} files to {target}")
    return EXIT_OK


class _Progress:
    """One self-overwriting status line on a TTY, shown once a render passes one second."""

    def __init__(self, started: float) -> None:
        self.started = started

    def __call__(self, stage: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1.0:
            return
        end = "\n" if done == total else ""
        print(f"\r  {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
