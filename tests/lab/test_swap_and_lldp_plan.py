"""What `lab fail --swap-cable` re-plugs and what each lab lldpd announces, without root."""

from __future__ import annotations

import pytest

from aiinfra.lab import context, lldp, swap
from aiinfra.lab.errors import LabError
from tests.conftest import EXAMPLES

SPEC = EXAMPLES / "lab" / "cluster.yaml"


@pytest.fixture(scope="module")
def ctx() -> context.LabContext:
    return context.load(SPEC, "t1")


def test_swap_pairs_each_named_end_with_the_other_cables_far_end(ctx: context.LabContext) -> None:
    a, a_far, b, b_far = swap.ends(ctx, "lab-be-leaf-su001-r1:Ethernet256", "lab-be-leaf-su001-r2:Ethernet256")
    assert (a.device, a.design_name) == ("lab-be-leaf-su001-r1", "Ethernet256")
    assert (a_far.device, a_far.design_name) == ("lab-be-spine-01", "Ethernet1/1/1")
    assert (b.device, b.design_name) == ("lab-be-leaf-su001-r2", "Ethernet256")
    assert (b_far.device, b_far.design_name) == ("lab-be-spine-01", "Ethernet1/2/1")


def test_swap_refuses_one_cable_twice_and_unknown_ends(ctx: context.LabContext) -> None:
    with pytest.raises(LabError, match="two ends of one cable"):
        swap.ends(ctx, "lab-be-leaf-su001-r1:Ethernet256", "lab-be-spine-01:Ethernet1/1/1")
    with pytest.raises(LabError, match="no cabled fabric link has the end lab-be-leaf-su001-r1:Ethernet99"):
        swap.ends(ctx, "lab-be-leaf-su001-r1:Ethernet99", "lab-be-leaf-su001-r2:Ethernet256")


def test_lldpd_announces_the_design_names(ctx: context.LabContext) -> None:
    sw = ctx.plan.switches["lab-be-leaf-su001-r1"]
    ports = {kernel: design for design, kernel in sw.ports.items() if design != sw.mgmt.design_name}
    text = lldp.config_text(sw.name, ports)
    assert text.splitlines()[0] == "configure system hostname lab-be-leaf-su001-r1"
    assert f"configure ports {sw.ports['Ethernet256']} lldp portidsubtype local Ethernet256" in text.splitlines()
