"""Shared fixtures: the built-in catalog and the node models the calibration data was measured on."""

from __future__ import annotations

import pytest

from aiinfra.catalog import Catalog
from aiinfra.sizing.hardware import Hardware, hardware_for_server


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.with_additions(None)


@pytest.fixture(scope="session")
def h100(catalog: Catalog) -> Hardware:
    return hardware_for_server(catalog, "dgx-h100")


@pytest.fixture(scope="session")
def h200(catalog: Catalog) -> Hardware:
    return hardware_for_server(catalog, "dgx-h200")
