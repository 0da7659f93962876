"""What one platform driver is: a renderer over the Design, its templates and its validation.

A renderer receives the Design, nothing else: the platform settings, each node's host
intent and the NIC/GPU facts are ``design.platform``. Its ``check`` runs while the
Design is built (:mod:`aiinfra.design.platform_checks`) and returns the problems the
platform would have, each at a spec field, so ``validate`` refuses them. Neither the
renderer nor the check imports the spec or the catalog: the spec paths a check
names come in a :class:`Where`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from aiinfra.platforms import FOLDER, driver

if TYPE_CHECKING:
    from aiinfra.design.model import Design
    from aiinfra.design.platform import PlatformIntent
    from aiinfra.design.problems import Problem


@dataclass(frozen=True, slots=True)
class Where:
    """The spec fields a platform problem is reported at, and how to name the facts file."""

    facts: tuple[str, ...]  # ("compute", "node_facts"), or ("compute",) without a facts file
    facts_file: str  # the file's name as the spec gives it, or how to add one


Renderer = Callable[["Design"], dict[str, str]]
Check = Callable[["Design", "PlatformIntent", Where], list["Problem"]]


@dataclass(frozen=True)
class PlatformDriver:
    """One platform: ``name`` is its folder under ``aiinfra/platforms/`` and its ``platform.type``."""

    name: str
    render: Renderer
    per_node: bool = False  # every file depends on one node only: the pipeline may split nodes
    check: Check | None = None
    shared: Renderer | None = None  # per_node platforms: the files all nodes share, rendered once

    @property
    def folder(self) -> Path:
        return FOLDER / self.name

    def render_template(self, name: str, **context: object) -> str:
        return _environment(self.name).get_template(name).render(**context)


@cache
def _environment(name: str) -> jinja2.Environment:
    """The driver's ``templates/``. StrictUndefined: a typo in a template is an error, not a gap."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(driver(name).folder / "templates")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,  # templates do not change under a render: no stat() per file rendered
    )


__all__ = ["Check", "PlatformDriver", "Renderer", "Where"]
