"""Power, energy, CO2e and cost from a bill of materials."""

from __future__ import annotations

import pytest

from aiinfra.catalog import Catalog
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.power import HOURS_PER_MONTH, Bom, estimate_bom, power_from_bom
from aiinfra.spec.workloads import CostSettings, PowerSettings

BOM = Bom(nodes={"dgx-h100": 4}, switches={"sn5600": 2}, optics={400: 32})
IT_MAX_W = 4 * 10_200 + 2 * 1_700 + 32 * 9


def test_power_energy_and_co2(catalog: Catalog) -> None:
    s = PowerSettings(pue=1.3, grid_gco2_per_kwh=250, it_load_factor=0.75)
    p = power_from_bom(BOM, catalog, s)
    assert p.it_max_w == IT_MAX_W
    assert p.it_avg_w == pytest.approx(IT_MAX_W * 0.75)
    assert p.facility_max_w == pytest.approx(IT_MAX_W * 1.3)
    assert p.energy_kwh == pytest.approx(IT_MAX_W * 0.75 * 1.3 / 1000 * HOURS_PER_MONTH)
    assert p.co2e_t == pytest.approx(p.energy_kwh * 250 / 1e6)
    assert p.gpus == 32 and p.gpu_hours == 32 * HOURS_PER_MONTH


def test_cost_per_gpu_hour(catalog: Catalog) -> None:
    p = power_from_bom(BOM, catalog, PowerSettings(), CostSettings(price_per_gpu_hour=2.5))
    assert p.cost == pytest.approx(32 * HOURS_PER_MONTH * 2.5)


def test_cost_from_capex_and_energy(catalog: Catalog) -> None:
    s = PowerSettings(energy_price_per_kwh=0.2)
    c = CostSettings(capex_per_node=400_000, amortisation_years=4)
    p = power_from_bom(BOM, catalog, s, c)
    capex = 4 * 400_000 * HOURS_PER_MONTH / (4 * 8760)
    assert p.cost == pytest.approx(capex + p.energy_kwh * 0.2)
    unpriced = power_from_bom(BOM, catalog, PowerSettings(), c)
    assert unpriced.cost == pytest.approx(capex)
    assert "energy not priced" in unpriced.cost_basis


def test_a_run_is_priced_over_its_hours(catalog: Catalog) -> None:
    p = power_from_bom(BOM, catalog, PowerSettings(), CostSettings(price_per_gpu_hour=2), hours=100)
    assert p.gpu_hours == 3200 and p.cost == 6400


def test_unknown_bom_items_are_errors(catalog: Catalog) -> None:
    with pytest.raises(SizingError, match="unknown switch 'nope'"):
        power_from_bom(Bom(nodes={}, switches={"nope": 1}), catalog, PowerSettings())
    with pytest.raises(SizingError, match="no power figure for 1600G optics"):
        power_from_bom(Bom(nodes={}, optics={1600: 1}), catalog, PowerSettings())


@pytest.mark.parametrize(
    ("nodes", "switch", "tiers", "switches"),
    [
        (4, "sn5600", 1, 1),
        # NVIDIA SuperPOD table for 64-port 400G switches (fabric.md 1.2): 4 SU = 128 nodes -> 32 leaves + 16 spines
        (128, "n9364d-gx2a", 2, 48),
        (2048, "sn5600", 3, 640),
    ],
)
def test_fabric_estimate(catalog: Catalog, h100: Hardware, nodes: int, switch: str, tiers: int, switches: int) -> None:
    bom = estimate_bom(h100, nodes, catalog, switch)
    assert bom.switches == {switch: switches}
    assert f"{tiers}-tier" in bom.note
    assert bom.optics == {400: nodes * 8}
