"""Deterministic port allocation with each model's per-OS port naming.

A switch's logical ports at one speed are numbered 0..radix-1 in front-panel
order: logical index i is member ``i % ways`` of physical port ``i // ways + 1``.
Allocation hands out logical ports in that order, so the same spec always
cables the same ports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from aiinfra.catalog.models import SwitchModel
from aiinfra.design.model import PhysicalPort
from aiinfra.spec.base import SwitchOs


def port_name(model: SwitchModel, os: str, physical: int, member: int, ways: int) -> str:
    """Name of member ``member`` (0-based) of front-panel port ``physical`` (1-based)."""
    naming = model.port_naming[cast(SwitchOs, os)]  # the spec's OS choice, checked against the model
    lanes = model.lanes_per_port
    lane_in_port = member * lanes // ways
    fields = {
        "port": physical,
        "port0": physical - 1,
        "sub": member + 1,
        "sub0": member,
        "lane": lane_in_port + 1,
        "lane0": (physical - 1) * lanes + lane_in_port,
    }
    pattern = naming.port if ways == 1 else naming.breakout
    return pattern.format(**fields)


_CAGE_NAMES: dict[tuple[str, int, int], list[str]] = {}
# Each distinct physical port list: (cage key, mode of unclaimed ports, claimed modes) -> ports.
_PHYSICAL_PORTS: dict[tuple[object, ...], tuple[PhysicalPort, ...]] = {}
_MAX_SHAPES = 4096
# Port names by logical index (physical * ways + member), per everything a name depends on
# (the OS's patterns, lanes per port, breakout ways): a 131k-GPU design names 750k ports
# of a handful of models, so each name is formatted once per model and OS, not per switch.
_PORT_NAMES: dict[tuple[str, str, int, int], dict[int, str]] = {}


_MEMBER_NAMES: dict[tuple[str, str, int, int], dict[int, list[str]]] = {}  # the same key: physical -> members' names


def _naming_key(model: SwitchModel, os: str, ways: int) -> tuple[str, str, int, int]:
    """What a port's name depends on: switches of models named alike share their tables."""
    naming = model.port_naming[cast(SwitchOs, os)]
    return (naming.port, naming.breakout, model.lanes_per_port, ways)


def _member_table(model: SwitchModel, os: str, ways: int) -> dict[int, list[str]]:
    key = _naming_key(model, os, ways)
    table = _MEMBER_NAMES.get(key)
    if table is None:
        table = _MEMBER_NAMES[key] = {}
    return table


def _name_table(model: SwitchModel, os: str, ways: int) -> dict[int, str]:
    key = _naming_key(model, os, ways)
    table = _PORT_NAMES.get(key)
    if table is None:
        table = _PORT_NAMES[key] = {}
    return table


class _OpenPort:
    """The front-panel port a :class:`PortAllocator` is filling at one speed."""

    __slots__ = ("member", "members", "mode", "names", "physical")

    def __init__(self, mode: tuple[int, int], members: dict[int, list[str]]) -> None:
        self.mode = mode  # (breakout ways, speed), as PortAllocator.modes holds it
        self.members = members  # the shared member-name lists of this mode's ways (physical -> names)
        self.physical = 0
        self.member = 0  # the next member to hand out
        self.names: list[str] = []  # every member's name, in member order; empty: none open yet


@dataclass
class PortAllocator:
    """Hands out ports on one switch; physical ports are claimed for one breakout mode."""

    model: SwitchModel
    os: str
    next_physical: int = 1
    modes: dict[int, tuple[int, int]] = field(default_factory=dict)  # physical -> (ways, speed)
    _open: dict[int, _OpenPort] = field(default_factory=dict)  # speed -> the port being filled at it
    _names: dict[int, dict[int, str]] = field(default_factory=dict)  # ways -> shared name table
    _members: dict[int, dict[int, list[str]]] = field(default_factory=dict)  # ways -> shared member-name lists

    def name(self, physical: int, member: int, ways: int) -> str:
        """:func:`port_name` of this switch's model and OS, formatted once per model and OS."""
        table = self._names.get(ways)
        if table is None:
            table = self._names[ways] = _name_table(self.model, self.os, ways)
        logical = physical * ways + member
        name = table.get(logical)
        if name is None:
            name = table[logical] = port_name(self.model, self.os, physical, member, ways)
        return name

    def claim(self, speed_gbps: int) -> tuple[str, int, int]:
        """Next free logical port at ``speed_gbps``: (name, physical, member).

        Called once per cable end (a million at 131k GPUs): the common case, a member of
        the port already open at this speed, is a few attribute reads and a store; the
        names of a port's members are one shared list per model, OS and breakout.
        """
        current = self._open.get(speed_gbps)
        if current is None or current.member == len(current.names):
            current = self._open_port(speed_gbps)
        member = current.member
        current.member = member + 1
        return current.names[member], current.physical, member

    def _open_port(self, speed_gbps: int) -> _OpenPort:
        """Claim the next front-panel port for ``speed_gbps``'s breakout mode.

        Once per physical port (half of all claims on 2-way breakouts): what the mode
        decides (its ways, its shared name lists) is looked up when the mode is first open.
        """
        current = self._open.get(speed_gbps)
        if current is None:
            current = self._open[speed_gbps] = self._new_open(speed_gbps)
        physical = self.next_physical
        if physical > self.model.ports:
            raise PortBudgetExceeded(self.model.model, self.model.ports)
        self.next_physical = physical + 1
        self.modes[physical] = current.mode
        names = current.members.get(physical)
        if names is None:
            ways = current.mode[0]
            names = current.members[physical] = [self.name(physical, m, ways) for m in range(ways)]
        current.physical, current.member, current.names = physical, 0, names
        return current

    def _new_open(self, speed_gbps: int) -> _OpenPort:
        """The port record of a speed not open yet: its breakout mode and that mode's shared name lists."""
        breakout = self.model.breakout_for(speed_gbps)
        ways = breakout.ways if breakout else 1
        table = self._members.get(ways)
        if table is None:
            table = self._members[ways] = _member_table(self.model, self.os, ways)
        return _OpenPort((ways, speed_gbps), table)

    def skip_to_boundary(self) -> None:
        """Start the next claim on a fresh physical port (keeps uplinks off host ports)."""
        self._open.clear()

    def skip_to(self, physical: int) -> None:
        """Start the next claim on front-panel port ``physical`` (or the next free one past it).

        Uplinks start at a port fixed by the model and the oversubscription, not right
        after the hosts cabled today, so adding hosts never moves an uplink.
        """
        self._open.clear()
        self.next_physical = max(self.next_physical, physical)

    def physical_ports(self, default_speed: int) -> list[PhysicalPort]:
        """Every front-panel port with its mode; unused ones take ``default_speed``'s mode.

        Switches of one model cabled alike have equal lists, so each distinct list is built
        once and its (frozen) ports are shared: 6,000 switches at 131k GPUs, a few shapes.
        """
        default = self.model.breakout_for(default_speed)
        unset = (
            default.ways if default else 1,
            default_speed if self.model.supports_speed(default_speed) else self.model.port_speed_gbps,
        )
        key = (self._cage_key(), unset, tuple(self.modes.items()))
        ports = _PHYSICAL_PORTS.get(key)
        if ports is None:
            if len(_PHYSICAL_PORTS) >= _MAX_SHAPES:
                _PHYSICAL_PORTS.clear()
            cages = self.cage_names()
            modes = self.modes
            ports = _PHYSICAL_PORTS[key] = tuple(
                PhysicalPort(n, *modes.get(n, unset), cages[n - 1]) for n in range(1, self.model.ports + 1)
            )
        return list(ports)

    def _cage_key(self) -> tuple[str, int, int]:
        """Everything a cage's name depends on (port_name with ways=1), so two models never share an entry wrongly."""
        return self.model.port_naming[cast(SwitchOs, self.os)].port, self.model.ports, self.model.lanes_per_port

    def cage_names(self) -> list[str]:
        """Every front-panel port's own (unbroken) name, computed once per model and OS: a
        32k-GPU design has 1,500 switches of a handful of models."""
        key = self._cage_key()
        names = _CAGE_NAMES.get(key)
        if names is None:
            names = _CAGE_NAMES[key] = [port_name(self.model, self.os, n, 0, 1) for n in range(1, self.model.ports + 1)]
        return names


class PortBudgetExceeded(Exception):
    def __init__(self, model: str, ports: int) -> None:
        super().__init__(f"{model} has only {ports} front-panel ports")
