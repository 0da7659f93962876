"""The verify artefact's YAML text is, byte for byte, what yamlout writes for the catalog and plan dicts.

``aiinfra.verify.yamltext`` writes the catalogs and ``perf.yml`` line by line (the dicts are what
``aiinfra verify``, the lab and ANTA read); these tests hold it to the generic emitter on every
device and plan of every example and switch spec, so a change to either side shows here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from aiinfra.design.model import Design
from aiinfra.pipeline import design_from_file
from aiinfra.render import yamlout
from aiinfra.verify import perf, yamltext
from aiinfra.verify.catalog import Peers, artefact, catalogs, device_catalog
from tests.conftest import SMALL_EXAMPLES, example

SWITCH_SPECS = sorted((Path(__file__).parents[1] / "switches" / "specs").glob("*.yaml"))


def _same_as_yamlout(design_name: str, design: Design) -> None:
    peers, s = Peers.of(design), yamltext.Scalars()  # one Scalars for all: its port blocks are shared
    for device in design.devices.values():
        assert yamltext.device_yaml(device, peers, s) == yamlout.dump(device_catalog(device, peers)), device.name
    assert yamltext.plan_yaml(design) == yamlout.dump(perf.plan(design)), design_name


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_catalogs_and_plan_are_yamlouts_bytes(name: str) -> None:
    _same_as_yamlout(name, example(name).design)


@pytest.mark.parametrize("spec", SWITCH_SPECS, ids=[p.stem for p in SWITCH_SPECS])
def test_switch_specs_catalogs_are_yamlouts_bytes(spec: Path) -> None:
    _same_as_yamlout(spec.stem, design_from_file(spec).design)


def test_the_artefact_reads_back_as_the_catalogs() -> None:
    design = example("lab").design
    files = artefact(design)
    for name, cat in catalogs(design).items():
        assert yaml.safe_load(files[f"verify/{name}.yml"]) == cat
    assert yaml.safe_load(files["verify/perf.yml"]) == perf.plan(design)


def test_empty_sections_are_written_as_yamlout_writes_them() -> None:
    """A device without BGP, LLDP neighbours or cabled ports: every list is ``[]``, as in yamlout."""
    design = example("lab").design
    device = next(d for d in design.devices.values() if d.bgp is not None and d.qos is not None)
    bare = replace(device, interfaces=[], bgp=None)
    peers = Peers.of(design)
    text = yamltext.device_yaml(bare, peers)
    assert text == yamlout.dump(device_catalog(bare, peers))
    assert "lldp: []\n" in text and "bgp: []\n" in text and "  lossless_ports: []\n" in text


@given(st.tuples(*[st.integers(0, 999)] * 4))
def test_a_dotted_quad_is_plain_in_yamlout(octets: tuple[int, int, int, int]) -> None:
    address = ".".join(map(str, octets))
    assert yamlout.dump(address) == f"{address}\n"
    assert yamltext.Scalars.address(address) == address


@given(st.text())
def test_any_other_address_text_is_yamlouts(text: str) -> None:
    assert yamltext.Scalars.address(text) == yamlout.dump(text)[:-1]
    assert yamltext.Scalars()(text) == yamlout.dump(text)[:-1]
