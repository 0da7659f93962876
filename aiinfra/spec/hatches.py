"""Escape hatches: ``overrides``, ``raw_config`` and ``templates`` (docs/escape-hatches.md).

Every site has knobs aiinfra does not model; without a supported way to state them, users
fork. The hatches are checked here for shape and hostile text, and by
:mod:`aiinfra.design.overrides` against the built Design (the device and group names only
exist once the fabric is designed) and the OS capability rows, so that a spec validate
accepts still renders and the vendor still accepts.

* ``overrides``: a typed patch on the intent of the devices one entry selects. The patch
  set is small on purpose: only fields every OS renders from the Design and whose
  invariants the Design can check (interface description, state and MTU, BFD on the
  underlay sessions, back-end load balancing).
* ``raw_config``: text an OS takes verbatim, before or after the generated configuration.
  It is configuration by intent, so it may span lines; it is still hostile text for
  Ansible and the terminal (no control or bidi characters, no Jinja delimiters).
* ``templates``: a folder of ``<os>/<name>.j2`` files that replace the driver's
  templates of the same name.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from aiinfra.nos import profile
from aiinfra.nos.hatches import CONFIG_END, MARKER
from aiinfra.spec.base import Strict, SwitchOs
from aiinfra.spec.text import (
    _JSON_NO_DELIMITERS,
    _JSON_OTHER,
    TEMPLATE_DELIMITERS,
    HostLabel,
    SafePath,
    check_free_text,
    forbidden_char,
    fullmatch_check,
)

MAX_OVERRIDES = 1024
MAX_RAW_BLOCKS = 256
MAX_RAW_TEXT = 65_536
"""Longest raw block in characters: far above any site snippet, far below what slows a render."""
MAX_DESCRIPTION = 240
"""Interface descriptions: NX-OS, SONiC YANG and NVUE cap them at 254-255 characters."""
MIN_MTU, MAX_MTU = 1280, 9216

check_group_name = fullmatch_check(
    re.compile(r"[a-z][a-z0-9_]{0,63}"),
    "is not an inventory group name: 1-64 lower-case letters, digits and '_', starting with a letter "
    "(rail_1, role_leaf, os_eos, backend_leaf)",
)
GroupName = Annotated[
    str, AfterValidator(check_group_name), Field(json_schema_extra={"pattern": "^[a-z][a-z0-9_]{0,63}$"})
]

check_interface_name = fullmatch_check(
    re.compile(r"[A-Za-z0-9][A-Za-z0-9/:._-]{0,63}"),
    "is not an interface name: 1-64 letters, digits and '/', ':', '.', '_', '-'",
)
InterfaceName = Annotated[str, AfterValidator(check_interface_name)]


def check_description(value: str) -> str:
    """One line of free text that every OS's description statement holds as written:
    Junos quotes it and a quote or backslash would end or escape the quoting."""
    check_free_text(value)
    for ch in '"\\':
        if ch in value:
            raise ValueError(f"{ch!r} may not appear in an interface description: Junos quotes descriptions")
    return value


Description = Annotated[
    str,
    AfterValidator(check_description),
    Field(
        min_length=1,
        max_length=MAX_DESCRIPTION,
        json_schema_extra={"pattern": rf'^{_JSON_NO_DELIMITERS}[^\u0000-\u001f{_JSON_OTHER}"\\\\]*$'},
    ),
]


def check_raw_text(value: str) -> str:
    """Configuration text, one statement per line: LF is the only control character allowed.

    A CR, tab or escape reaches the device's CLI or loader as a keystroke; bidi controls make
    a reviewer read other text than what runs; a Jinja delimiter is evaluated by Ansible
    when it templates the rendered file (``{{ lookup('pipe', 'id') }}``).
    """
    for i, ch in enumerate(value):
        if ch != "\n" and forbidden_char(ch):
            line = value.count("\n", 0, i) + 1
            raise ValueError(
                f"U+{ord(ch):04X} (line {line} of the text) is not allowed in raw configuration: only LF may "
                "separate lines, and no other control, bidi or line-break character may appear"
            )
    for delim in TEMPLATE_DELIMITERS:
        if delim in value:
            raise ValueError(
                f"{delim!r} is a Jinja template delimiter, which Ansible would evaluate; raw configuration may "
                f"not contain {', '.join(repr(d) for d in TEMPLATE_DELIMITERS)}"
            )
    return value


def raw_text_problem(text: str, os_name: str) -> str | None:
    """Why ``text`` would break out of its block in the OS's config file; None when it cannot."""
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip() == CONFIG_END:
            return f"line {n} is {CONFIG_END!r}, which leaves configuration mode: what follows would not be config"
        if MARKER + "raw_config" in line or MARKER + "end raw_config" in line:
            return f"line {n} imitates a raw_config marker line; reviewers must be able to trust the markers"
    if profile(os_name).raw_config_braces:  # a brace hierarchy (Junos): keep it balanced
        return brace_problem(text)
    return None


def brace_problem(text: str) -> str | None:
    """Junos hierarchy: braces outside quoted strings and comments must balance and never close early."""
    depth, quoted, i = 0, False, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return "a '/*' comment is never closed; it would swallow the configuration after the block"
            i = end + 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                line = text.count("\n", 0, i) + 1
                return f"the '}}' on line {line} closes a level the block did not open; braces must balance"
        i += 1
    if quoted:
        return "a '\"' string is never closed; it would swallow the configuration after the block"
    if depth:
        return f"{depth} '{{' never closed; braces must balance so the configuration after the block stays in place"
    return None


RawText = Annotated[
    str,
    AfterValidator(check_raw_text),
    Field(
        max_length=MAX_RAW_TEXT,
        json_schema_extra={"pattern": rf"^{_JSON_NO_DELIMITERS}[^\u0000-\u0009\u000b-\u001f{_JSON_OTHER}]*$"},
    ),
]


class Selector(Strict):
    """Which devices an entry applies to: one ``device`` by name, or one inventory ``group``."""

    device: HostLabel | None = Field(default=None, description="A device name, e.g. lab-be-leaf-su001-r1.")
    group: GroupName | None = Field(
        default=None,
        description="An inventory group: fabric_<f>, role_<r>, os_<os>, <fabric>_<role>, rail_<n>, su_<n>, pod_<n>.",
    )

    @model_validator(mode="after")
    def _one_selector(self) -> Selector:
        if (self.device is None) == (self.group is None):
            raise ValueError("give exactly one of 'device' (a device name) or 'group' (an inventory group)")
        return self

    @property
    def label(self) -> str:
        """``device lab-leaf-01`` or ``group rail_1``: how reports and markers name the selection."""
        return f"device {self.device}" if self.device is not None else f"group {self.group}"


class InterfacePatch(Strict):
    """What an override may change on one interface."""

    description: Description | None = None
    enabled: bool | None = Field(default=None, description="false shuts the port; true brings it up.")
    mtu: int | None = Field(default=None, ge=MIN_MTU, le=MAX_MTU, description="Routed ports only.")

    @model_validator(mode="after")
    def _not_empty(self) -> InterfacePatch:
        if self.description is None and self.enabled is None and self.mtu is None:
            raise ValueError("an interface patch changes at least one of description, enabled, mtu")
        return self


class Override(Selector):
    """A validated patch on the intent of the selected devices.

    Entries apply in precedence order: every ``group`` entry in list order, then every
    ``device`` entry in list order, so a device entry wins over the groups it is in.
    """

    interfaces: dict[InterfaceName, InterfacePatch] = Field(
        default_factory=dict, max_length=4096, description="Interface name -> patch; every selected device needs it."
    )
    bfd: bool | None = Field(default=None, description="BFD on the device's underlay BGP sessions (both ends).")
    load_balancing: Literal["ecmp", "flowlet", "per-packet"] | None = Field(
        default=None, description="Back-end switches only; checked against the OS row and the switch model."
    )

    @model_validator(mode="after")
    def _patches(self) -> Override:
        if not self.interfaces and self.bfd is None and self.load_balancing is None:
            raise ValueError("an override changes at least one of interfaces, bfd, load_balancing")
        return self


class RawConfig(Selector):
    """Configuration text rendered verbatim before or after the generated configuration."""

    os: SwitchOs | None = Field(
        default=None, description="Apply to the selected devices of this OS only (a group may span several)."
    )
    before: RawText | None = None
    after: RawText | None = None

    @model_validator(mode="after")
    def _text(self) -> RawConfig:
        if not self.before and not self.after:
            raise ValueError("give 'before', 'after' or both: the text to place at the start or end of the config")
        return self


Overrides = Annotated[list[Override], Field(max_length=MAX_OVERRIDES)]
RawConfigs = Annotated[list[RawConfig], Field(max_length=MAX_RAW_BLOCKS)]
TemplateDir = Annotated[
    SafePath, Field(description="Folder of <os>/<name>.j2 templates, relative to the spec, ahead of the built-ins.")
]

__all__ = [
    "MAX_RAW_TEXT",
    "Description",
    "InterfacePatch",
    "Override",
    "Overrides",
    "RawConfig",
    "RawConfigs",
    "Selector",
    "TemplateDir",
    "brace_problem",
    "check_raw_text",
    "raw_text_problem",
]
