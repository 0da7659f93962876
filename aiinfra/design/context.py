"""Shared state while one design is built: catalog, pools, ports and naming."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiinfra.catalog import Catalog
from aiinfra.catalog.models import SwitchModel
from aiinfra.design.addressing import Pool
from aiinfra.design.cabling import optic_name, reach_for
from aiinfra.design.frozen import builder
from aiinfra.design.model import Device, Interface, Link
from aiinfra.design.ports import PortAllocator
from aiinfra.spec.base import SwitchChoice
from aiinfra.spec.model import ClusterSpec

new_link = builder(Link)  # Link(...) positionally, without the frozen __init__'s cost

# A routed switch-to-switch cable as the underlay addresses it: (link, lower switch, upper
# switch, lower's port, upper's port), recorded by aiinfra.design.backend.connect_all.
Routed = tuple[Link, Device, Device, Interface, Interface]


@dataclass
class BuildContext:
    spec: ClusterSpec
    catalog: Catalog
    devices: dict[str, Device] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    allocators: dict[str, PortAllocator] = field(default_factory=dict)
    mgmt: Pool | None = None
    # Each fabric switch's position within its fabric and role (leaf, spine, super-spine),
    # from its SU, rail, pod or number: loopbacks, ASNs and link addresses derive from it.
    slots: dict[str, int] = field(default_factory=dict)
    routed: list[Routed] = field(default_factory=list)  # every switch-to-switch cable, in ctx.links order

    def switch_model(self, choice: SwitchChoice) -> SwitchModel:
        return self.catalog.switches[choice.model]

    def add_switch(self, name: str, fabric: str, role: str, choice: SwitchChoice, **attrs: object) -> Device:
        model = self.switch_model(choice)
        profile = self.catalog.os[choice.os]
        device = Device(
            name=name,
            fabric=fabric,
            role=role,
            model=choice.model,
            os=choice.os,
            os_release=profile.release,
            mgmt_interface=model.port_naming[choice.os].management,
            mgmt_address="",
            mgmt_gateway=str(self.spec.site.management.gateway),
            switch_mtu=profile.switch_mtu,
            rack_units=model.rack_units,
            power_w=model.power_w,
            **attrs,  # type: ignore[arg-type]
        )
        self.devices[name] = device
        self.allocators[name] = PortAllocator(model, choice.os)
        return device

    def claim(self, device: Device, speed_gbps: int) -> tuple[str, int, int]:
        return self.allocators[device.name].claim(speed_gbps)

    def cable(
        self,
        fabric: str,
        kind: str,
        a: tuple[str, str, int],
        b: tuple[str, str, int],
        speed_gbps: int,
        length_m: float,
    ) -> Link:
        """Record one cable. ``a``/``b`` are (device, interface, physical port speed);
        ``a`` is the lower tier."""
        reach, cable, family = reach_for(length_m)
        link = new_link(
            fabric,
            kind,
            a[0],
            a[1],
            b[0],
            b[1],
            speed_gbps,
            length_m,
            reach,
            cable,
            optic_name(a[2], speed_gbps, family),
            optic_name(b[2], speed_gbps, family),
            a[2],
            b[2],
        )
        self.links.append(link)
        return link
