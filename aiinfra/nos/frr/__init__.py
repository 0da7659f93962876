"""The frr driver: FRR on plain Linux, a deploy target rather than a switch OS.

No ``capabilities.yaml``, so no spec may choose it: the emulated lab deploys the routing
intent of its non-SONiC switches to FRR boxes with this driver's tasks, and SONiC's
``frr.conf`` is rendered from the same FRR templates (SONiC's template parent).
"""

from aiinfra.design.model import Design, Device
from aiinfra.nos.base import Driver
from aiinfra.render.frr import render_frr


def render(device: Device, design: Design) -> dict[str, str]:
    """FRR that owns the addresses too (no other agent configures them on a plain Linux box)."""
    return {f"configs/{device.name}.frr.conf": render_frr(device, design, with_interfaces=True)}


DRIVER = Driver(name="frr", render=render)
