"""QoS numbers: headroom against fabric.md 4.2, the ECN rule, and its unit conversions."""

from __future__ import annotations

import pytest

from aiinfra.design.qos import ecn_profile, headroom_bytes, qos_intent
from aiinfra.spec.fabrics import EcnThresholds, Roce


@pytest.mark.parametrize(("metres", "kib"), [(3, 76), (5, 77), (30, 89), (100, 124), (300, 221), (500, 319)])
def test_headroom_matches_reference_400g(metres: int, kib: int) -> None:
    # fabric.md 4.2 rounds to the nearest KiB; aiinfra rounds up to whole KiB cells.
    assert kib <= headroom_bytes(400, metres, 9216) / 1024 <= kib + 1


def test_headroom_grows_half_a_kib_per_metre_at_400g() -> None:
    per_m = (headroom_bytes(400, 500, 9216) - headroom_bytes(400, 100, 9216)) / 400
    assert 480 <= per_m <= 520


def test_ecn_auto_scales_with_speed_and_matches_spectrum_default() -> None:
    e = ecn_profile(Roce(), 400, 160_000_000)
    assert (e.min_bytes, e.max_bytes, e.max_probability_pct) == (150_000, 1_500_000, 100)
    e8 = ecn_profile(Roce(), 800, 160_000_000)
    assert (e8.min_bytes, e8.max_bytes) == (300_000, 3_000_000)


def test_ecn_kmax_capped_by_buffer() -> None:
    e = ecn_profile(Roce(), 800, 16_000_000)
    assert e.max_bytes == 1_600_000


def test_explicit_ecn_overrides_auto() -> None:
    roce = Roce(ecn=EcnThresholds(min_kbytes=950, max_kbytes=3000, max_probability=7))
    e = ecn_profile(roce, 400, 160_000_000)
    assert (e.mode, e.min_bytes, e.max_bytes, e.max_probability_pct) == ("explicit", 950_000, 3_000_000, 7)


def test_intent_classes_and_tos() -> None:
    q = qos_intent(Roce(), 400, 160_000_000)
    assert q.roce_dscps == (24, 26) and q.roce_tos == 106
    assert q.nodrop_priority == 3 and q.pfc_watchdog.poll_ms == 100
    lossless = [c for c in q.classes if c.lossless]
    strict = [c for c in q.classes if c.scheduling == "strict"]
    assert [c.tc for c in lossless] == [3] and [c.tc for c in strict] == [6]
    assert sum(c.weight_pct for c in q.classes if c.scheduling == "dwrr") == 100
    assert q.pause_8023x is False
