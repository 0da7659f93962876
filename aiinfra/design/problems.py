"""Semantic problems found while designing, tied to the spec field that caused them."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiinfra.errors import Path


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str


@dataclass
class Problems:
    """Collects every problem so the user sees them all in one run."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: Path, message: str) -> None:
        self.items.append(Problem(tuple(path), message))

    def __bool__(self) -> bool:
        return bool(self.items)


class DesignError(Exception):
    """The spec is well-formed but cannot be built; carries every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems
