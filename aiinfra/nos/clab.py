"""How containerlab runs one network OS: the ``clab`` block of its ``capabilities.yaml``.

containerlab names every node by a *kind* and wires links to container-side interface names,
which follow the kind's own convention rather than the OS's (cEOS takes ``eth1_5`` for
``Ethernet1/5``; SR Linux ``e1-3-1`` for ``ethernet-1/3/1``; a VM-backed kind such as
``cisco_n9kv`` takes ``ethN`` for its Nth data port). That convention is a fact about the
OS, so it lives in the OS's row, and the exporter (:mod:`aiinfra.clab`) only applies it.

``interfaces`` are tried in order: a rule whose ``match`` (a regular expression) matches the
driver's interface name gives the container name by ``name`` with ``{1}``, ``{2}`` ... the
groups. ``fallback`` names every other interface from ``{index}``, the interface's 1-based
position among the device's front-panel interfaces (stable: it counts every port of the
model, used or not, in port and breakout-member order).
"""

from __future__ import annotations

import re
import string
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

ClabKind = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]
LINUX_IFNAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
"""A Linux interface name (IFNAMSIZ 16 with the NUL): what a container-side name must be."""


def _fields(pattern: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}


def _fallback(pattern: str) -> str:
    if _fields(pattern) != {"index"}:
        raise ValueError(f"{pattern!r} must name the interface from {{index}} alone, e.g. 'eth{{index}}'")
    return pattern


class ClabRule(BaseModel):
    """One interface-name rule: ``match`` the driver's name, give the container's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: str = Field(max_length=200)
    name: str = Field(max_length=64)

    @model_validator(mode="after")
    def _groups_exist(self) -> ClabRule:
        try:
            groups = re.compile(self.match).groups
        except re.error as e:
            raise ValueError(f"match {self.match!r} is not a regular expression: {e}") from None
        wanted = _fields(self.name)
        valid = {str(n) for n in range(1, groups + 1)}
        if not wanted or not wanted <= valid:
            raise ValueError(f"name {self.name!r} may use only the match's groups {sorted(valid)} as {{1}}, {{2}}")
        return self


class ClabProfile(BaseModel):
    """containerlab's view of one OS: the kinds that run it, an image, the interface names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[ClabKind] = Field(min_length=1, max_length=4, description="The first is the default kind.")
    image: str = Field(
        max_length=200, description="Default image, {release} the OS release; a spec's containerlab.images wins."
    )
    interfaces: list[ClabRule] = Field(default_factory=list, max_length=8)
    fallback: Annotated[str, AfterValidator(_fallback)]
    source: str = Field(max_length=600)

    def default_image(self, release: str) -> str:
        """``image`` for an OS release, spelled as a Docker tag (``10.5(2)F`` -> ``10.5.2.F``)."""
        return self.image.format(release=re.sub(r"[^A-Za-z0-9_.-]+", ".", release).strip("."))

    def container_interface(self, name: str, index: int) -> str:
        """The container-side name of the driver's interface ``name``, the ``index``-th front-panel port."""
        for rule in self.interfaces:
            m = re.fullmatch(rule.match, name)  # the re module caches the compiled pattern
            if m:
                return rule.name.format(m.group(0), *m.groups())
        return self.fallback.format(index=index)
