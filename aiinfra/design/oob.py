"""Out-of-band management: every switch management port and every node's host
management and BMC port is cabled to an OOB access switch, in a fixed order.

The order is chosen so that growth appends: first the switches whose number is the
fabric's shape (spines, super-spines, front-end and storage switches), then SU by SU
that SU's back-end leaves and its nodes. Only the last SU can be partial, so a new node
or a new SU takes the next free OOB ports and no existing cable moves. A change of shape
(another spine or leaf pair) moves the ports after it, and ``aiinfra plan`` says so.
"""

from __future__ import annotations

import math

from aiinfra.catalog.models import SwitchModel
from aiinfra.design.cabling import optic_name, reach_for
from aiinfra.design.context import BuildContext, new_link
from aiinfra.design.model import Device, Interface, InterfaceRole, Node, PortMode
from aiinfra.design.naming import num

OOB_UPLINK_PORTS = 4  # the last ports of an OOB switch are kept for uplinks
MGMT_CABLE_M = 3.0
# The OOB switch bridges its access ports and uplinks in one VLAN, untagged on every member,
# so the id never reaches the wire; it only has to be one every OS accepts. SONiC's
# sonic-vlan.yang names Vlan2..Vlan4095 (no Vlan1), so the lowest id valid everywhere is 2.
OOB_ACCESS_VLAN = 2


def oob_endpoints(switches: list[Device], nodes: list[Node]) -> list[tuple[str, str]]:
    """(device, port) pairs that need an OOB access port, in the growth-stable order above."""
    by_su: dict[int, list[tuple[str, str]]] = {}
    out: list[tuple[str, str]] = []
    for sw in switches:
        if sw.fabric == "backend" and sw.role == "leaf" and sw.su is not None:
            by_su.setdefault(sw.su, []).append((sw.name, sw.mgmt_interface))
        else:
            out.append((sw.name, sw.mgmt_interface))
    for node in nodes:  # after the SU's leaves, which setdefault put first
        by_su.setdefault(node.su, []).extend([(node.name, "bmc"), (node.name, "mgmt0")])
    for su in sorted(by_su):
        out.extend(by_su[su])
    return out


def oob_switch_count(model: SwitchModel, endpoints: int) -> int:
    return max(1, math.ceil(endpoints / (model.ports - OOB_UPLINK_PORTS)))


def build_oob(ctx: BuildContext, endpoints: list[tuple[str, str]]) -> list[Device]:
    oob = ctx.spec.fabrics.oob
    model = ctx.switch_model(oob.switch)
    access = model.ports - OOB_UPLINK_PORTS
    count = oob_switch_count(model, len(endpoints))
    digits = ctx.spec.naming.switch_digits
    switches = [
        ctx.add_switch(f"{ctx.spec.name}-oob-{num(i, digits)}", "oob", "oob", oob.switch) for i in range(1, count + 1)
    ]
    for i, sw in enumerate(switches):
        sw.access_vlan = OOB_ACCESS_VLAN
        ctx.slots[sw.name] = i
    speed = model.port_speed_gbps
    reach, cable, family = reach_for(MGMT_CABLE_M)
    optic = optic_name(speed, speed, family)
    role, mode, links = InterfaceRole.OOB_ACCESS, PortMode.ACCESS, ctx.links
    for i, (device, port) in enumerate(endpoints):  # 40k at 131k GPUs: built positionally
        sw = switches[i // access]
        ifname, phys, member = ctx.allocators[sw.name].claim(speed)
        sw.interfaces.append(  # Interface's field order (pinned by a test)
            Interface(
                ifname,  # name
                role,  # role
                speed,  # speed_gbps
                1500,  # mtu
                f"mgmt: {device} {port}",  # description
                True,  # enabled
                None,  # address
                device,  # peer_device
                port,  # peer_interface
                None,  # peer_address
                False,  # lossless
                None,  # headroom
                phys,  # physical_port
                member,  # breakout_member
                mode,  # mode
                False,  # bfd
            )
        )
        links.append(  # ctx.cable's Link, in Link's field order (pinned by a test)
            new_link(
                "oob",
                "mgmt",
                device,
                port,
                sw.name,
                ifname,
                speed,
                MGMT_CABLE_M,
                reach,
                cable,
                optic,
                optic,
                speed,
                speed,
            )
        )
    for sw in switches:
        alloc = ctx.allocators[sw.name]
        alloc.next_physical = access + 1
        alloc.skip_to_boundary()
        ifname, phys, member = ctx.claim(sw, speed)
        sw.interfaces.append(
            Interface(
                name=ifname,
                role=InterfaceRole.OOB_UPLINK,
                speed_gbps=speed,
                mtu=1500,
                description=f"uplink to {oob.uplink_to}",
                peer_device=oob.uplink_to,
                peer_interface="",
                physical_port=phys,
                breakout_member=member,
                mode=PortMode.ACCESS,
            )
        )
        ctx.cable("oob", "oob-uplink", (sw.name, ifname, speed), (oob.uplink_to, "", speed), speed, MGMT_CABLE_M)
    return switches
