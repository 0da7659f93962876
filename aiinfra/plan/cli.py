"""``aiinfra plan cluster.yaml --against DIR_OR_GIT_REF``: what a render would change, per device.

The new render is built in memory. The old side is a rendered folder, or a git revision:
the spec file at that revision (``git show REV:path``) is written to a temporary folder
beside copies of its node facts and rendered in memory too. Exit 0 when nothing would
change, 3 when something would (for CI), 2 for invalid input.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_CHANGES = 0, 2, 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    from aiinfra.cli import EPILOG

    p = sub.add_parser(
        "plan",
        help="per-device semantic diff, disruption flags and blast radius against a render or git revision",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", type=Path)
    p.add_argument(
        "--against", required=True, metavar="DIR_OR_GIT_REF", help="a rendered folder, or a git revision of the spec"
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the plan as Markdown (a PR comment)")
    p.set_defaults(command="plan")


def _folder_files(root: Path) -> dict[str, bytes]:
    """The files a render wrote into ``root``: those its MANIFEST.sha256 lists (anything else
    there is the user's, as for ``render --check``), or every file when it has no manifest."""
    from aiinfra.render.output import MANIFEST
    from aiinfra.render.ownership import read_manifest

    owned = read_manifest(root)
    if owned is None:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    paths = [*sorted(owned), MANIFEST]
    return {p: (root / p).read_bytes() for p in paths if (root / p).is_file() and not (root / p).is_symlink()}


def _git(top: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", top, *args], capture_output=True)


def _revision_files(spec: Path, rev: str) -> dict[str, bytes] | str:
    """The files the spec at git revision ``rev`` renders, or why it cannot be read.

    The spec and its node facts are taken as they were at ``rev`` (``git show``); a
    templates folder, which is many files, is copied as it is now.
    """
    import yaml

    from aiinfra.pipeline import design_from_file
    from aiinfra.render.pipeline import render_outputs

    where = spec.resolve().parent
    found = _git(str(where), "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        return f"{spec} is not in a git work tree, and {rev!r} is no folder"
    top = found.stdout.decode().strip()
    rel = spec.resolve().relative_to(Path(top).resolve()).as_posix()
    shown = _git(top, "show", f"{rev}:{rel}")
    if shown.returncode != 0:
        return f"git show {rev}:{rel}: {shown.stderr.decode(errors='replace').strip()}"
    try:
        data = yaml.safe_load(shown.stdout)
    except yaml.YAMLError:
        data = None
    compute = data.get("compute") if isinstance(data, dict) else None
    facts = compute.get("node_facts") if isinstance(compute, dict) else None
    templates = data.get("templates") if isinstance(data, dict) else None
    with tempfile.TemporaryDirectory(prefix="aiinfra-plan-") as tmp:
        out = Path(tmp)
        (out / spec.name).write_bytes(shown.stdout)
        if _inside(facts):
            assert isinstance(facts, str)
            (out / facts).parent.mkdir(parents=True, exist_ok=True)
            old_facts = _git(top, "show", f"{rev}:{(Path(rel).parent / facts).as_posix()}")
            if old_facts.returncode == 0:
                (out / facts).write_bytes(old_facts.stdout)
            elif (where / facts).is_file():
                shutil.copy(where / facts, out / facts)
        if _inside(templates) and (where / str(templates)).is_dir():
            shutil.copytree(where / str(templates), out / str(templates))
        return render_outputs(design_from_file(out / spec.name).design).files


def _inside(value: object) -> bool:
    """A relative path that stays below the spec's folder (the spec's own rule for these fields)."""
    return isinstance(value, str) and not Path(value).is_absolute() and ".." not in Path(value).parts


def run(args: argparse.Namespace) -> int:
    from aiinfra.pipeline import design_from_file
    from aiinfra.plan.model import compute_plan
    from aiinfra.plan.report import plan_markdown, plan_table
    from aiinfra.render.pipeline import render_outputs

    new = design_from_file(args.spec)
    against = Path(args.against)
    old = _folder_files(against) if against.is_dir() else _revision_files(args.spec, args.against)
    if isinstance(old, str):
        print(f"aiinfra: {old}", file=sys.stderr)
        return EXIT_INVALID
    plan = compute_plan(old, render_outputs(new.design).files, new.design)
    print(plan.to_json() if args.format == "json" else plan_table(plan), end="")
    if args.markdown is not None:
        args.markdown.write_text(plan_markdown(plan), encoding="utf-8")
    return EXIT_CHANGES if plan.has_changes else EXIT_OK
