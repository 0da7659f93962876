"""Cable and optic choice from link speed and length.

Reach classes follow the usual 400G/800G optics families: passive DAC to 3 m,
multimode SR to 50 m, single-mode DR to 500 m, FR to 2 km. Twin-port 800G
optics on a broken-out switch port serve two 400G links, so the bill of
materials counts switch optics per physical port, not per link.
"""

from __future__ import annotations

from functools import cache

REACH_CLASSES: tuple[tuple[float, str, str, str], ...] = (
    # max metres, reach, cable, optic family
    (3.0, "DAC", "passive copper DAC", "DAC"),
    (50.0, "MMF-SR", "MPO-12 OM4 multimode", "SR4"),
    (500.0, "SMF-DR", "MPO-12 single-mode", "DR4"),
    (2000.0, "SMF-FR", "duplex LC single-mode", "FR4"),
)
MAX_REACH_M = REACH_CLASSES[-1][0]


@cache  # a handful of lengths and speeds per design, asked once per cable (half a million at 131k GPUs)
def reach_for(length_m: float) -> tuple[str, str, str]:
    """(reach class, cable, optic family) for a link of ``length_m``; ValueError beyond 2 km."""
    for max_m, reach, cable, family in REACH_CLASSES:
        if length_m <= max_m:
            return reach, cable, family
    raise ValueError(f"{length_m:g} m is beyond the {MAX_REACH_M:g} m reach of the supported optics")


@cache
def optic_name(port_speed_gbps: int, link_speed_gbps: int, family: str) -> str:
    """Optic for one end: a twin-port module when the port is broken out."""
    if family == "DAC":
        if port_speed_gbps != link_speed_gbps:
            return f"{port_speed_gbps}G-to-{port_speed_gbps // link_speed_gbps}x{link_speed_gbps}G DAC splitter"
        return f"{link_speed_gbps}G DAC"
    if port_speed_gbps != link_speed_gbps:
        ways = port_speed_gbps // link_speed_gbps
        return f"{port_speed_gbps}G {ways}x{family} twin-port"
    return f"{link_speed_gbps}G {family}"
