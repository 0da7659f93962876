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
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def add(self, path: Path, message: str) -> None:
        """Record a problem once: checks that loop over tiers, devices or fabrics may find
        the same one several times, and the user needs to read it once."""
        problem = Problem(tuple(path), message)
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def __bool__(self) -> bool:
        return bool(self.items)


class DesignError(Exception):
    """The spec is well-formed but cannot be built; carries every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems
