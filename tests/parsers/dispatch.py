"""One entry point over the drivers' parse-back: rendered files of a switch -> ParsedSwitch."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from aiinfra.nos.parsed import ParsedSwitch


def parse_rendered(os: str, hostname: str, files: Mapping[str, str]) -> ParsedSwitch:
    """Parse one switch's files with its driver's ``parser.parse_files`` (``hostname`` picks its files)."""
    module = importlib.import_module(f"aiinfra.nos.{os}.parser")
    mine = {p: t for p, t in files.items() if p.startswith(f"configs/{hostname}.")}
    parsed: ParsedSwitch = module.parse_files(mine)
    return parsed
