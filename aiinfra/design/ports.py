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


@dataclass
class PortAllocator:
    """Hands out ports on one switch; physical ports are claimed for one breakout mode."""

    model: SwitchModel
    os: str
    next_physical: int = 1
    modes: dict[int, tuple[int, int]] = field(default_factory=dict)  # physical -> (ways, speed)
    _open: dict[int, tuple[int, int]] = field(default_factory=dict)  # speed -> (physical, next member)
    _ways: dict[int, int] = field(default_factory=dict)  # speed -> breakout ways, cached

    def claim(self, speed_gbps: int) -> tuple[str, int, int]:
        """Next free logical port at ``speed_gbps``: (name, physical, member)."""
        ways = self._ways.get(speed_gbps)
        if ways is None:
            breakout = self.model.breakout_for(speed_gbps)
            ways = self._ways[speed_gbps] = breakout.ways if breakout else 1
        current = self._open.get(speed_gbps)
        if current is None or current[1] >= ways:
            physical = self.next_physical
            if physical > self.model.ports:
                raise PortBudgetExceeded(self.model.model, self.model.ports)
            self.next_physical += 1
            self.modes[physical] = (ways, speed_gbps)
            current = (physical, 0)
        physical, member = current
        self._open[speed_gbps] = (physical, member + 1)
        return port_name(self.model, self.os, physical, member, ways), physical, member

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
        """Every front-panel port with its mode; unused ones take ``default_speed``'s mode."""
        out = []
        cages = self.cage_names()
        default = self.model.breakout_for(default_speed)
        for n in range(1, self.model.ports + 1):
            ways, speed = self.modes.get(
                n,
                (
                    default.ways if default else 1,
                    default_speed if self.model.supports_speed(default_speed) else self.model.port_speed_gbps,
                ),
            )
            out.append(PhysicalPort(n, ways, speed, cages[n - 1]))
        return out

    def cage_names(self) -> list[str]:
        """Every front-panel port's own (unbroken) name, computed once per model and OS: a
        32k-GPU design has 1,500 switches of a handful of models."""
        # Everything a cage's name depends on (port_name with ways=1), so two models never share an entry wrongly.
        key = (self.model.port_naming[cast(SwitchOs, self.os)].port, self.model.ports, self.model.lanes_per_port)
        names = _CAGE_NAMES.get(key)
        if names is None:
            names = _CAGE_NAMES[key] = [port_name(self.model, self.os, n, 0, 1) for n in range(1, self.model.ports + 1)]
        return names


class PortBudgetExceeded(Exception):
    def __init__(self, model: str, ports: int) -> None:
        super().__init__(f"{model} has only {ports} front-panel ports")
