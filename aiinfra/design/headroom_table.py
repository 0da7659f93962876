"""The vendor-comparison table in docs/qos.md, generated from data/headroom.yaml.

``python -m aiinfra.design.headroom_table`` prints it; tests/design/test_headroom.py checks
that docs/qos.md carries exactly this text, so the document cannot drift from the data.
"""

from __future__ import annotations

from aiinfra.catalog.headroom import AsicHeadroom, VendorRow, headroom_data
from aiinfra.design.qos import calibrated_xoff, headroom_profile

DESIGN_MTU = 9216  # the switch MTU every aiinfra design uses


def _row(asic: str, t: AsicHeadroom, r: VendorRow) -> str:
    assert t.calibration is not None
    ours = calibrated_xoff(t, r.speed_gbps, r.cable_m, t.calibration.port_mtu, t.calibration.lossless_mtu)
    emitted = headroom_profile(r.speed_gbps, r.cable_m, DESIGN_MTU, t, asic)
    note = " (floor)" if emitted.basis == "floor" else ""
    diff = (ours - r.xoff) / r.xoff
    hwsku = r.source.path.split("/")[-2]
    return (
        f"| {asic} | {r.speed_gbps}G | {r.cable_m:g} m | {r.xoff:,} | {ours:,} | {diff:+.1%} | "
        f"{emitted.bytes:,}{note} | {r.kind} | {hwsku} @ {r.source.commit[:10]} |"
    )


def vendor_table() -> str:
    """Markdown: every recorded vendor row next to our figure for it."""
    lines = [
        "| ASIC | speed | cable | vendor xoff (B) | ours at the vendor's MTUs (B) | difference "
        f"| ours emitted, MTU {DESIGN_MTU} (B) | row | source (HwSKU @ commit) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for asic, t in headroom_data().asics.items():
        if not t.calibrated:
            lines.append(f"| {asic} | - | - | no vendor table | IEEE floor | - | IEEE floor | - | {t.reason} |")
            continue
        for r in sorted(t.rows, key=lambda r: (r.kind != "calibrate", r.speed_gbps, r.cable_m, r.source.path)):
            lines.append(_row(asic, t, r))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(vendor_table(), end="")
