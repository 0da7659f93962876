"""The vendor-comparison table in docs/qos.md, generated from data/headroom.yaml.

``python -m aiinfra.design.headroom_table`` prints it, ``... --write docs/qos.md`` replaces the
block between the ``headroom-table`` markers; tests/design/test_headroom.py checks that
docs/qos.md carries exactly this text, so the document cannot drift from the data.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from aiinfra.catalog.headroom import AsicHeadroom, VendorRow, headroom_data
from aiinfra.design.qos import calibrated_xoff, headroom_profile

DESIGN_MTU = 9216  # the switch MTU every aiinfra design uses


def _row(asic: str, t: AsicHeadroom, r: VendorRow) -> str:
    assert t.calibration is not None
    ours = calibrated_xoff(t, r.speed_gbps, r.cable_m, t.calibration.port_mtu, t.calibration.lossless_mtu)
    emitted = headroom_profile(r.speed_gbps, r.cable_m, DESIGN_MTU, t, asic)
    note = " (floor)" if emitted.basis == "floor" else ""
    diff = (ours - r.xoff) / r.xoff
    if t.size_rule == "reserved":
        size = t.reserved_bytes
    else:
        size = -(-(ours + t.xon(r.speed_gbps)) // t.round_bytes) * t.round_bytes
    vendor_size = f"{r.size:,}" if r.size is not None else "-"
    hwsku = r.source.path.split("/")[-2]
    return (
        f"| {asic} | {r.speed_gbps}G | {r.cable_m:g} m | {r.xoff:,} / {vendor_size} | {ours:,} / {size:,} | "
        f"{diff:+.1%} | {emitted.bytes:,}{note} | {r.kind} | {hwsku} @ {r.source.commit[:10]} |"
    )


def vendor_table() -> str:
    """Markdown: every recorded vendor row next to our figure for it."""
    lines = [
        "| ASIC | speed | cable | vendor xoff / size (B) | ours at the vendor's MTUs, xoff / size (B) "
        f"| xoff difference | ours emitted, xoff at MTU {DESIGN_MTU} (B) | row | source (HwSKU @ commit) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for asic, t in headroom_data().asics.items():
        if not t.calibrated:
            lines.append(f"| {asic} | - | - | no vendor table | IEEE floor | - | IEEE floor | - | {t.reason} |")
            continue
        for r in sorted(t.rows, key=lambda r: (r.kind != "calibrate", r.speed_gbps, r.cable_m, r.source.path)):
            lines.append(_row(asic, t, r))
    return "\n".join(lines) + "\n"


BLOCK = re.compile(r"(<!-- headroom-table:start -->\n).*?(<!-- headroom-table:end -->)", re.S)


def write_into(doc: Path) -> None:
    """Replace the marked block of ``doc`` with the current table."""
    text = doc.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit(f"{doc}: no <!-- headroom-table:start/end --> markers")
    doc.write_text(BLOCK.sub(lambda m: m.group(1) + vendor_table() + m.group(2), text), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"] and len(sys.argv) == 3:
        write_into(Path(sys.argv[2]))
    else:
        print(vendor_table(), end="")
