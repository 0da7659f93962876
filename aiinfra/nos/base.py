"""What one OS driver is: a renderer over the Design, its templates and its validation.

A renderer receives the Design and the device, nothing else: every number it formats
was decided in :mod:`aiinfra.design`, every capability it relies on was checked at
validate from the driver's ``capabilities.yaml``. It converts units and spells keywords;
it never decides.

Templates resolve through a ``ChoiceLoader``: the user's templates for this OS (from the
Design, so ``render --from-design`` sees the same ones), then the driver's own
``templates/``, then its parent's (``parent="frr"`` lets SONiC reuse FRR's templates and
override only what differs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from aiinfra.nos import FOLDER, driver, names, profile
from aiinfra.nos.hatches import with_raw_config

if TYPE_CHECKING:
    from aiinfra.design.model import Design, Device
    from aiinfra.design.problems import Problems
    from aiinfra.nos.capabilities import OsProfile
    from aiinfra.spec.model import ClusterSpec

Renderer = Callable[["Device", "Design"], dict[str, str]]
SpecCheck = Callable[["ClusterSpec", "Problems"], None]


@dataclass(frozen=True)
class Driver:
    """One OS: ``name`` is its folder under ``aiinfra/nos/`` and its ``os:`` value in a spec."""

    name: str
    render: Renderer
    check: SpecCheck | None = None  # refusals the capability row cannot express, run at validate
    parent: str | None = None  # driver whose templates back this one's
    gate: str | None = None  # driver whose tasks/bgp-state.yml reads this OS's sessions (None: its own)

    @property
    def folder(self) -> Path:
        return FOLDER / self.name

    @property
    def tasks(self) -> Path:
        """``deploy.yml``, ``confirm.yml`` and ``bgp-state.yml`` for the rollout playbook."""
        return self.folder / "tasks"

    @property
    def profile(self) -> OsProfile:
        return profile(self.name)

    @property
    def ansible_network_os(self) -> str:
        """What an inventory sets for this OS; a deploy-only driver is named by itself (``frr``)."""
        return self.profile.ansible_network_os if self.name in names() else self.name

    @property
    def gate_driver(self) -> str:
        return self.gate or self.name

    def lineage(self) -> list[Driver]:
        """This driver, then its parent, grandparent...: the template search order."""
        out: list[Driver] = [self]
        while out[-1].parent is not None:
            parent = driver(out[-1].parent)
            if parent in out:
                raise ValueError(f"driver {self.name}: template parents form a loop")
            out.append(parent)
        return out

    def render_device(self, device: Device, design: Design) -> dict[str, str]:
        """``render``, then the device's escape hatches (``raw_config`` blocks): what the pipeline writes."""
        files = self.render(device, design)
        if not device.raw_config:
            return files
        return with_raw_config(device, files, self.profile)

    def render_template(self, name: str, design: Design, **context: object) -> str:
        """Render ``name`` from the first folder of the search order that holds it."""
        user = design.user_templates.get(self.name, {})
        return _environment(self.name, tuple(sorted(user.items()))).get_template(name).render(**context)


class _JoinedIncludes(CodeGenerator):
    """Jinja's code generator, with a plain ``{% include "name" %}`` rendered as one string.

    Jinja re-yields every chunk of an included template through the includer's generator, a
    Python-level loop per chunk: a Junos config is nine includes and about 4,700 chunks, and
    that loop was a quarter of its render. Here the included template's chunks are joined
    where they are made and the includer yields the result once: the same text (a render
    joins every chunk anyway), the same context, the same errors. Any other include form
    (``ignore missing``, ``without context``, a computed name) is left to Jinja.
    """

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        plain = isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)
        if node.ignore_missing or not node.with_context or not plain or self.environment.is_async:
            super().visit_Include(node, frame)
            return
        self.writeline("template = environment.get_template(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        context = f"template.new_context(context.get_all(), True, {self.dump_local_context(frame)})"
        self.simple_write(f"environment.concat(template.root_render_func({context}))", frame)


class _Environment(jinja2.Environment):
    code_generator_class = _JoinedIncludes


@cache
def _environment(name: str, user: tuple[tuple[str, str], ...]) -> jinja2.Environment:
    """One environment per driver and user-template set. StrictUndefined: a typo in a
    template is an error, never an empty string in a switch config."""
    folders = [str(d.folder / "templates") for d in driver(name).lineage()]
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(folders)]
    if user:
        loaders.insert(0, jinja2.DictLoader(dict(user)))
    return _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,  # templates do not change under a render: no stat() per file rendered
    )
