"""pre-commit entry point (``aiinfra-pre-commit validate|render-check FILE...``), used by .pre-commit-hooks.yaml.

pre-commit passes every changed file that matches a hook at once; ``aiinfra validate`` and ``aiinfra render
--check`` take one spec each. This maps the files to the specs they belong to (a ``cluster.yaml`` is its own
spec; any other file belongs to the nearest ``cluster.yaml`` in a folder above it, e.g. a rendered file
under ``build/``) and runs the command once per spec, exiting non-zero when any run does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiinfra.cli import main as aiinfra_main

SPEC_NAMES = ("cluster.yaml", "cluster.yml")
COMMANDS = {"validate": ["validate"], "render-check": ["render", "--check"]}


def spec_of(path: Path) -> Path | None:
    """The spec a changed file belongs to, or None (a file outside any cluster folder)."""
    if path.name in SPEC_NAMES:
        return path
    for folder in path.resolve().parents:
        for name in SPEC_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        print(f"usage: aiinfra-pre-commit {{{'|'.join(COMMANDS)}}} FILE...", file=sys.stderr)
        return 2
    specs = dict.fromkeys(s for s in (spec_of(Path(f)) for f in args[1:]) if s is not None)
    worst = 0
    for spec in specs:
        worst = max(worst, aiinfra_main([*COMMANDS[args[0]], str(spec)]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
