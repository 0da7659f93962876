"""The vendors' own models as the arbiter of every rendered file.

One module per validator, each exposing ``problems(files) -> list[str]`` over a rendered
file set (``OutputSet.files``: relative path -> bytes). A module checks the files it owns
(by path) and returns ``"path: message"`` strings; an empty list means the vendor's model
accepts everything it looked at. A file a validator should understand but cannot (a SONiC
table with no YANG model, an NVUE key the schema does not know) is a problem, never a skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module

CHECKERS = ("sonic_yang", "nvue", "frr_vtysh", "cli_xref", "kube", "srl_yang")


def vendor_problems(files: Mapping[str, bytes]) -> list[str]:
    """Every problem every validator finds in ``files``."""
    out: list[str] = []
    for name in CHECKERS:
        module = f"tests.validators.{name}"
        try:
            checker = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            raise RuntimeError(f"validator {module} is missing; every checker in CHECKERS must exist") from exc
        out += checker.problems(files)
    return out
