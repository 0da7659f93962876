"""The unused ports of a switch: every logical port nothing cabled, listed so configs can shut it.

Called once per switch after cabling (``build_design``); at 131k GPUs 6,000 switches of a
few shapes, so each shape's logical ports are listed once.
"""

from __future__ import annotations

from aiinfra.design.context import BuildContext
from aiinfra.design.model import Device, Interface, InterfaceRole, PortMode

MAX_BREAKOUT_MEMBERS = 1 << 16  # far above any breakout (8 ways): the sort key below is exact


def fill_unused(ctx: BuildContext, d: Device, default: int) -> None:
    """Every logical port not cabled is listed as unused, so configs can shut it down.

    ``default``: the speed whose breakout mode a port nothing claimed runs in.

    The ports end in (physical_port, breakout_member) order, as one int key (members are
    below MAX_BREAKOUT_MEMBERS): the cabled ports are mostly in that order already, so the
    stable sort is skipped when they are and nothing was added.
    """
    alloc = ctx.allocators[d.name]
    model = ctx.catalog.switches[d.model]
    keys = [i.physical_port * MAX_BREAKOUT_MEMBERS + i.breakout_member for i in d.interfaces]
    used = set(keys)
    b = model.breakout_for(default)
    unset = (b.ways, default) if b else (1, model.port_speed_gbps)  # the mode of a port nothing claimed
    free = [port for port in _logical_ports(model.ports, alloc.modes, unset) if port[0] not in used]
    mtu, unused, shut = d.switch_mtu, InterfaceRole.UNUSED, PortMode.DISABLED
    for key, phys, member, ways, speed in free:
        keys.append(key)
        d.interfaces.append(
            Interface(  # positionally, in Interface's field order (pinned by a test)
                alloc.name(phys, member, ways),  # name
                unused,  # role
                speed,  # speed_gbps
                mtu,  # mtu
                "unused - shut by aiinfra",  # description
                False,  # enabled
                None,  # address
                None,  # peer_device
                None,  # peer_interface
                None,  # peer_address
                False,  # lossless
                None,  # headroom
                phys,  # physical_port
                member,  # breakout_member
                shut,  # mode
                False,  # bfd
            )
        )
    if free or keys != sorted(keys):  # ties keep their order: a stable sort, as list.sort
        order = sorted(range(len(keys)), key=keys.__getitem__)
        d.interfaces[:] = [d.interfaces[k] for k in order]


# Every logical port of a switch shape: (ports, modes of the claimed ports, mode of the rest) ->
# (key, physical, member, ways, speed) in key order. Switches cabled alike share one list.
_LOGICAL_PORTS: dict[tuple[object, ...], list[tuple[int, int, int, int, int]]] = {}
_MAX_SHAPES = 4096


def _logical_ports(
    ports: int, modes: dict[int, tuple[int, int]], unset: tuple[int, int]
) -> list[tuple[int, int, int, int, int]]:
    shape = (ports, unset, tuple(modes.items()))
    out = _LOGICAL_PORTS.get(shape)
    if out is None:
        if len(_LOGICAL_PORTS) >= _MAX_SHAPES:
            _LOGICAL_PORTS.clear()
        out = _LOGICAL_PORTS[shape] = [
            (phys * MAX_BREAKOUT_MEMBERS + member, phys, member, ways, speed)
            for phys in range(1, ports + 1)
            for ways, speed in (modes.get(phys, unset),)
            for member in range(ways)
        ]
    return out
