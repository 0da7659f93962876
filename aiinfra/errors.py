"""Diagnostics shared by every stage.

All user-facing failures are :class:`SpecError`, a list of :class:`Diagnostic`
with a source position, so the CLI can print every problem at once in the
familiar ``file:line:col: path: message`` form and exit 2. Anything else that
escapes is a bug in aiinfra (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem with the input, located as precisely as we can."""

    message: str
    path: str = ""
    file: str = ""
    line: int = 0
    column: int = 0
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file or "<spec>"
        if self.line:
            where += f":{self.line}:{self.column}"
        head = f"{where}: {self.path}: " if self.path else f"{where}: "
        return head + ("warning: " if self.severity == "warning" else "") + self.message


@dataclass
class SpecError(Exception):
    """Raised when the input is invalid; carries every diagnostic found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every stage adds to the same report; one problem found by two of them is printed once.
        self.diagnostics = list(dict.fromkeys(self.diagnostics))

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)


Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """Render a field path the way users write it: ``fabrics.backend.roce.priority``
    with list indexes in brackets (``security.users[0].name``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
