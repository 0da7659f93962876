"""PFC headroom against the vendors' own tables (catalog/data/headroom.yaml).

Every recorded vendor row is checked at its own speed, cable length and MTUs: ``calibrate``
rows within the ASIC's stated tolerance, ``bucket`` rows (one figure for a range of cable
lengths) from above. The emitted figure is never below the IEEE 802.1Qbb floor.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.catalog import builtin
from aiinfra.catalog.headroom import AsicHeadroom, VendorRow, asic_headroom, headroom_data
from aiinfra.cli import main
from aiinfra.design.headroom_table import BLOCK, vendor_table
from aiinfra.design.qos import calibrated_xoff, headroom_budget, headroom_bytes, headroom_profile
from aiinfra.pipeline import design_from_file
from tests.conftest import lab_data, write_spec

ROOT = Path(__file__).resolve().parents[2]
TH5 = "Broadcom Tomahawk 5"


def _rows(*kinds: str) -> list[tuple[str, VendorRow]]:
    return [(asic, r) for asic, t in headroom_data().asics.items() for r in t.rows if r.kind in kinds]


def _id(case: tuple[str, VendorRow]) -> str:
    asic, r = case
    return f"{asic}-{r.speed_gbps}g-{r.cable_m:g}m-{r.source.path.split('/')[-2]}"


def _at_vendor_mtu(t: AsicHeadroom, r: VendorRow) -> int:
    assert t.calibration is not None
    return calibrated_xoff(t, r.speed_gbps, r.cable_m, t.calibration.port_mtu, t.calibration.lossless_mtu)


@pytest.mark.parametrize("case", _rows("calibrate"), ids=_id)
def test_model_reproduces_each_vendor_row(case: tuple[str, VendorRow]) -> None:
    asic, r = case
    t = headroom_data().asics[asic]
    ours = _at_vendor_mtu(t, r)
    assert abs(ours - r.xoff) <= r.xoff * t.tolerance_pct / 100, (
        f"{asic} {r.speed_gbps}G {r.cable_m:g} m: ours {ours:,} B vs vendor {r.xoff:,} B ({r.row!r})"
    )
    if r.size is not None and t.size_rule == "xoff_plus_xon":
        size = -(-(ours + t.xon(r.speed_gbps)) // t.round_bytes) * t.round_bytes
        assert abs(size - r.size) <= r.size * t.tolerance_pct / 100


@pytest.mark.parametrize("case", _rows("bucket"), ids=_id)
def test_model_stays_within_vendor_bucket_rows(case: tuple[str, VendorRow]) -> None:
    asic, r = case
    assert _at_vendor_mtu(headroom_data().asics[asic], r) <= r.xoff


def test_th5_400g_5m_is_in_the_vendor_range() -> None:
    """Was 79,872 B (the floor alone), about 5x below SONiC's Tomahawk 5 profiles."""
    vendor = [r.xoff for _, r in _rows("calibrate", "reference") if r.speed_gbps == 400 and r.cable_m == 5]
    h = headroom_profile(400, 5, 9216, asic_headroom(TH5), TH5)
    assert min(vendor) <= h.bytes <= max(vendor)
    assert h.basis == "calibrated" and h.bytes > 4 * h.floor_bytes
    assert h.bytes % 254 == 0, "TH5 headroom is a whole number of 254 B cells"
    assert (h.xon_bytes, h.xon_offset_bytes, h.size_bytes) == (0, 3556, 8636)


def test_design_uses_the_calibrated_th5_figure() -> None:
    design = design_from_file(ROOT / "inventories" / "lab" / "cluster.yaml").design
    leaf = next(d for d in design.devices.values() if d.model == "z9864f-on" and d.fabric == "backend")
    low = min(r.xoff for _, r in _rows("calibrate") if r.speed_gbps == 400 and r.cable_m == 5)
    roce = [i for i in leaf.interfaces if i.lossless]
    assert roce
    for i in roce:
        assert i.headroom is not None and i.headroom.asic == TH5
        assert i.headroom.bytes >= low * 0.95, f"{i.name}: {i.headroom.bytes:,} B"


def test_spectrum4_size_is_xoff_plus_pipeline() -> None:
    t = asic_headroom("Spectrum-4")
    h4 = headroom_profile(400, 5, 9216, t, "Spectrum-4")
    h8 = headroom_profile(800, 5, 9216, t, "Spectrum-4")
    assert (h4.xon_bytes, h8.xon_bytes) == (19456, 38912)
    assert h4.size_bytes == h4.bytes + h4.xon_bytes and h8.size_bytes == h8.bytes + h8.xon_bytes
    assert h4.bytes % 1024 == 0


def test_every_catalog_asic_has_headroom_terms() -> None:
    known = headroom_data().asics
    missing = sorted({s.asic for s in builtin().switches.values()} - set(known))
    assert not missing, f"no headroom entry for {missing}"


def test_uncalibrated_asic_says_why_and_gets_the_floor() -> None:
    for asic, t in headroom_data().asics.items():
        if not t.calibrated:
            assert t.reason
            h = headroom_profile(400, 30, 9216, t, asic)
            assert (h.bytes, h.basis) == (headroom_bytes(400, 30, 9216), "uncalibrated")
    h = headroom_profile(400, 30, 9216, None, "not-in-the-table")
    assert h.bytes == h.floor_bytes == h.size_bytes


@settings(max_examples=60, deadline=None)
@given(
    asic=st.sampled_from(sorted(headroom_data().asics)),
    speed=st.sampled_from([1, 10, 25, 100, 200, 400, 800]),
    cable=st.floats(min_value=0.5, max_value=2000, allow_nan=False),
    mtu=st.sampled_from([1500, 4200, 9000, 9216]),
)
def test_never_below_the_ieee_floor(asic: str, speed: int, cable: float, mtu: int) -> None:
    h = headroom_profile(speed, cable, mtu, asic_headroom(asic), asic)
    assert h.floor_bytes == headroom_bytes(speed, cable, mtu)
    assert h.bytes >= h.floor_bytes
    assert h.size_bytes >= 0 and h.xon_bytes >= 0


def test_headroom_grows_with_cable_and_speed() -> None:
    t = asic_headroom(TH5)
    by_len = [headroom_profile(400, m, 9216, t, TH5).bytes for m in (3, 30, 100, 300, 1000)]
    assert by_len == sorted(by_len) and len(set(by_len)) == len(by_len)
    assert headroom_profile(800, 5, 9216, t, TH5).bytes > headroom_profile(400, 5, 9216, t, TH5).bytes


def test_th5_shared_pool_matches_the_vendor_config() -> None:
    b = headroom_budget(165, 25, asic_headroom(TH5))
    assert b.mode == "shared"
    # Arista 7060X6-64PE-B-O128: 22,010,624 B of 164,505,640 B, 128 ports x 2 PGs x 445,770 B.
    assert b.pool_bytes == int(165e6 * 22_010_624 / 164_505_640)
    assert b.oversubscription == round(128 * 2 * 445_770 / 22_010_624, 2)
    h = headroom_profile(400, 5, 9216, asic_headroom(TH5), TH5)
    assert b.demand([h] * 100) == -(-100 * h.bytes * 100 // round(b.oversubscription * 100))


def test_reserved_budget_counts_size() -> None:
    t = asic_headroom("Spectrum-4")
    b = headroom_budget(160, 25, t)
    h = headroom_profile(400, 5, 9216, t, "Spectrum-4")
    assert (b.mode, b.pool_bytes, b.basis) == ("reserved", 40_000_000, "25% of 160 MB")
    assert b.demand([h, h]) == 2 * h.size_bytes


def test_small_buffer_th5_fails_validate_with_a_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A TH5 leaf with a 4 MB buffer: its 8 RoCE ports need more shared headroom than its pool."""
    data = lab_data()
    switch = dict(builtin().switches["z9864f-on"].model_dump(mode="json"), model="Z-TINY", buffer_mb=4)
    data["catalog"] = {"switches": {"tiny-th5": switch}}
    data["fabrics"]["backend"]["switches"]["leaf"]["model"] = "tiny-th5"
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    pattern = rf"^{re.escape(str(spec))}:\d+:\d+: fabrics\.backend\.roce\.cable_length_m: .*Z-TINY.*$"
    line = re.search(pattern, err, re.M)
    assert line, err
    assert "shared headroom pool, 13.4% of 4 MB" in line.group(0)
    # one line for the role and model, naming the worst leaf and how many more fail (it was one per leaf)
    assert len(re.findall(pattern, err, re.M)) == 1, err
    assert "(7 more leaf switches of this model are over budget too)" in line.group(0)
    assert "over 5.18:1" in line.group(0)


def test_docs_table_is_the_generated_one() -> None:
    text = (ROOT / "docs" / "qos.md").read_text(encoding="utf-8")
    block = BLOCK.search(text)
    assert block, "docs/qos.md lost its headroom-table markers"
    assert block.group(0) == block.group(1) + vendor_table() + block.group(2), (
        "regenerate with: python -m aiinfra.design.headroom_table --write docs/qos.md"
    )
