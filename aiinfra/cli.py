"""Command line: ``aiinfra validate | render | show | schema | plan | size | lab``.

Thin by design: parse arguments, call the pipeline, print diagnostics.

Exit codes: 0 success (for ``render --check`` and ``plan``: nothing would
change), 2 invalid input (every problem of a spec is listed; an output folder
render refuses to own; a bad argument), 3 ``render --check`` or ``plan`` found
changes (so CI can tell "changes" from "broken"), 1 internal error (a bug:
please report it; the traceback goes to a fresh private file whose path is
printed) or a filesystem error (one line: path and errno). Ctrl-C and SIGTERM
clean up and exit 128 + the signal number (130, 143), as a shell reports a process
the signal killed; a closed stdout (``| head``) exits quietly with 141, as
``SIGPIPE`` would.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from aiinfra import __version__

if TYPE_CHECKING:
    from aiinfra.pipeline import Rendered
    from aiinfra.render.presurvey import Presurvey

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_CHANGES = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process SIGPIPE killed

DESCRIPTION = (
    "Turn one cluster.yaml into an on-prem AI cluster: validate it, design the fabrics, render "
    "switch, host and platform configs, size it for its workloads, and rehearse the deployment."
)

EPILOG = """exit codes:
  0    success (valid spec, files written, or nothing to change)
  1    internal error (a bug; the traceback's file is printed),
       or a filesystem error (path and reason printed)
  2    invalid input: every problem is printed as file:line:column: field: message;
       or an output folder render refuses (not its own, or the spec's folder)
  3    `render --check` or `plan` found changes (listed)
  130  interrupted (Ctrl-C): nothing was written
  143  terminated (SIGTERM): nothing was written
  141  stdout was closed early (e.g. piped into head)
"""


def _command(
    sub: argparse._SubParsersAction, name: str, help: str, *, optional_spec: bool = False
) -> argparse.ArgumentParser:
    """A subcommand that takes a spec and documents the exit codes."""
    cmd = sub.add_parser(name, help=help, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("spec", type=Path, nargs="?" if optional_spec else None)
    return cmd


# Subcommands that live beside their feature: each module has ``add_parser(sub)`` and
# ``run(args) -> int``, and its ``add_parser`` sets ``command`` to the name it registers.
COMMAND_MODULES: dict[str, str] = {
    "size": "aiinfra.sizing.cli",
    "probe": "aiinfra.probe.cli",
    "lab": "aiinfra.lab.cli",
    "catalog": "aiinfra.catalog.cli",
    "init": "aiinfra.starter.cli",
    "report": "aiinfra.report.cli",
    "plan": "aiinfra.plan.cli",
    "verify": "aiinfra.verify.cli",
    "collection": "aiinfra.collection.cli",
    "sot": "aiinfra.sot.cli",
}


def _parser() -> argparse.ArgumentParser:
    import importlib

    p = argparse.ArgumentParser(
        prog="aiinfra",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"aiinfra {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    validate = _command(sub, "validate", "check a spec without writing anything")
    validate.add_argument(
        "--format",
        choices=["text", "json", "sarif"],
        default="text",
        help="diagnostics as text (stderr), JSON or SARIF 2.1.0 (stdout, for CI annotations)",
    )
    render = _command(sub, "render", "validate, design and write every artefact", optional_spec=True)
    render.add_argument("-o", "--output", type=Path, help="output directory (default: build/ beside the spec)")
    render.add_argument(
        "--from-design",
        type=Path,
        metavar="DESIGN_JSON",
        help="render from a design.json an earlier render wrote, instead of a spec (needs -o)",
    )
    render.add_argument("--check", action="store_true", help="render in memory; exit 3 listing files that would change")
    render.add_argument(
        "--force",
        action="store_true",
        help="render into a non-empty folder without MANIFEST.sha256, keeping its files; "
        "files in the way of new ones are replaced",
    )
    render.add_argument(
        "--full",
        action="store_true",
        help="render every file again instead of keeping the unchanged switch and node files of the previous render",
    )
    show = _command(sub, "show", "print a summary of the designed cluster")
    show.add_argument("--format", choices=["table", "json"], default="table")
    schema = sub.add_parser("schema", help="print the JSON Schema of cluster.yaml (or of design.json)")
    schema.add_argument("--design", action="store_true", help="the schema of design.json instead")
    for module in COMMAND_MODULES.values():
        importlib.import_module(module).add_parser(sub)
    return p


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the staging folder and workers are cleaned up on the way out."""

    signum = signal.SIGTERM


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit:  # --help, --version, a usage error: flush here, where a closed pipe can be caught
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return _stdout_gone()
        raise
    except BrokenPipeError:
        return _stdout_gone()
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    from aiinfra.errors import SpecError
    from aiinfra.render.output import OutputRefused

    try:
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except SpecError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"aiinfra: {n} problem{'s' if n != 1 else ''} found; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except OutputRefused as exc:
        print(f"aiinfra: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"aiinfra: {signal.Signals(signum).name}: interrupted; nothing was written", file=sys.stderr)
        return 128 + signum
    except OSError as exc:
        if exc.errno is None:
            return _internal_error()
        where = " -> ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        print(f"aiinfra: {where or 'error'}: {exc.strerror} ({name}); nothing was changed", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:
        return _internal_error()


def _stdout_gone() -> int:
    """The reader of stdout went away (``| head``): stop quietly, as SIGPIPE would.

    Python's recipe: point stdout at /dev/null so the flush at exit cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (tests capture it)
        pass
    return EXIT_BROKEN_PIPE


def _internal_error() -> int:
    """One line on stderr; the traceback in a new private file (mkstemp: O_EXCL, 0600), never a fixed name."""
    try:
        fd, log = tempfile.mkstemp(prefix="aiinfra-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(traceback.format_exc())
        where = f"; details in {log}"
    except OSError:
        where = ""
    print(f"aiinfra: internal error (this is a bug in aiinfra){where}", file=sys.stderr)
    return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "schema":
        if args.design:
            from aiinfra.design.schema import design_schema_text

            print(design_schema_text(), end="")
            return EXIT_OK
        from aiinfra.spec.schema import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return EXIT_OK
    if args.command in COMMAND_MODULES:
        import importlib

        code: int = importlib.import_module(COMMAND_MODULES[args.command]).run(args)
        return code

    started = time.monotonic()
    if args.command == "render" and (args.spec is None) == (args.from_design is None):
        return _usage("render takes a spec or --from-design DESIGN_JSON (one of them)")
    if args.command == "render" and args.from_design is not None:
        return _render_design(args, started)
    if args.command == "render":
        from aiinfra.render.ownership import resolve_location

        real = resolve_location(args.output or args.spec.parent / "build", args.spec)  # refuse before the long part
        with _presurvey(args, real) as early:
            return _render(args, _designed(args.spec, defer_invariants=True), started, early)  # invariants: a job
    if args.command == "validate" and args.format != "text":
        return _validate_structured(args.spec, args.format)
    result = _designed(args.spec)
    if args.command == "validate":
        print(f"{args.spec}: valid ({len(result.design.nodes)} nodes, {len(result.design.devices)} switches)")
        return EXIT_OK
    if args.command == "show":
        from aiinfra.render.summary import summary_json, summary_table

        print(summary_json(result.design) if args.format == "json" else summary_table(result.design), end="")
    return EXIT_OK


def _designed(spec: Path, *, defer_invariants: bool = False) -> Rendered:
    """The spec validated and designed, its warnings printed."""
    from aiinfra.pipeline import design_from_file

    result = design_from_file(spec, defer_invariants=defer_invariants)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    return result


def _presurvey(args: argparse.Namespace, real: Path) -> contextlib.AbstractContextManager[Presurvey | None]:
    """DIR read by a child while this process designs (:mod:`aiinfra.render.presurvey`); killed
    and reaped on leaving the block, whatever ends it. Not for ``--check``, which reads DIR itself."""
    from aiinfra.render.presurvey import Presurvey

    early = None if args.check else Presurvey.start(real, args.force)
    return early if early is not None else contextlib.nullcontext()


def _validate_structured(spec: Path, fmt: str) -> int:
    """``validate --format json|sarif``: every diagnostic on stdout as one document; exit 2 on errors."""
    from aiinfra.diagnostics import as_json, as_sarif
    from aiinfra.errors import SpecError
    from aiinfra.pipeline import design_from_file

    try:
        result = design_from_file(spec)
    except SpecError as exc:
        print(as_json(spec, exc.diagnostics) if fmt == "json" else as_sarif(exc.diagnostics), end="")
        return EXIT_INVALID
    summary = {"nodes": len(result.design.nodes), "switches": len(result.design.devices)}
    print(as_json(spec, result.warnings, summary) if fmt == "json" else as_sarif(result.warnings), end="")
    return EXIT_OK


def _usage(message: str) -> int:
    print(f"aiinfra: {message}", file=sys.stderr)
    return EXIT_INVALID


def _render_design(args: argparse.Namespace, started: float) -> int:
    """``render --from-design FILE -o DIR``: the same files as the render that wrote FILE."""
    from aiinfra.pipeline import design_from_json
    from aiinfra.render.ownership import resolve_location

    if args.output is None:
        return _usage("render --from-design needs -o DIR")
    real = resolve_location(args.output, args.from_design)  # refuse before the long part
    with _presurvey(args, real) as early:
        return _render(args, design_from_json(args.from_design), started, early)


def _render(args: argparse.Namespace, result: Rendered, started: float, early: Presurvey | None = None) -> int:
    """``render``: write DIR (only what aiinfra owns there), or with ``--check`` list what would change."""
    from aiinfra.pipeline import output_target, render_files, render_into
    from aiinfra.render.ownership import read_target, resolve_location
    from aiinfra.report.cli import report_artefacts

    extra = report_artefacts(args, result)  # ``render --report``: the report, for this render only
    source = args.from_design or args.spec
    progress = _Progress(started) if sys.stderr.isatty() else None
    shown = args.output or args.spec.parent / "build"
    if args.check:  # read-only: no sweep, no recovery
        target = read_target(resolve_location(shown, source), args.force)
        changed = render_files(result, progress, extra=extra).changes_against(target)
        for path in changed:
            print(path)
        print(f"aiinfra: {len(changed)} file(s) would change in {shown}", file=sys.stderr)
        return EXIT_CHANGES if changed else EXIT_OK
    target = output_target(result, shown, force=args.force, notify=_notice, early=early)
    written = render_into(result, target, progress, notify=_notice, extra=extra, incremental=not args.full)
    if written.kept:
        _notice(f"kept the previous files of {written.kept} of {written.units} switches and nodes (unchanged)")
    print(f"aiinfra: wrote {written.files} files to {shown}")
    return EXIT_OK


def _notice(line: str) -> None:
    print(f"aiinfra: {line}", file=sys.stderr)


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
