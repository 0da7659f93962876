"""The report's content, read back from the page and compared with the Design."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.nos.common import config_files
from aiinfra.nos.eos import units as eos_units
from aiinfra.report import ReportInputs, build_report, report_files
from aiinfra.report.data import blob_json
from aiinfra.report.topology import backend_view
from tests.conftest import EXAMPLES, SMALL_EXAMPLES, example
from tests.report.blob import blob_of, cables, devices


@cache
def page(name: str) -> str:
    r = example(name)
    return report_files(build_report(ReportInputs(r.design, r.loaded.spec, r.catalog, "../build")))["index.html"]


class _Tables(HTMLParser):
    """Every <table id=...> as rows of cell text; every heading level in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[int] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("template", "script", "svg"):
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag) and not self._skip:
            self.headings.append(int(tag[1]))
        if tag == "table":
            self._table = dict(attrs).get("id") or f"table{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("template", "script", "svg"):
            self._skip -= 1
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parsed(name: str) -> _Tables:
    p = _Tables()
    p.feed(page(name))
    return p


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_every_example_reports_and_svgs_are_well_formed(name: str) -> None:
    html = page(name)
    assert html.startswith("<!doctype html>")
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        root = ET.fromstring(svg)  # well-formed XML, or the browser shows a broken picture
        assert root.get("role") == "img" and root.find("{http://www.w3.org/2000/svg}title") is not None
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html


def test_the_report_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    spec = EXAMPLES / "superpod-4su" / "cluster.yaml"
    for out in ("a", "b"):
        assert main(["report", str(spec), "-o", str(tmp_path / out), "--configs", str(tmp_path / "build")]) == 0
    assert (tmp_path / "a" / "index.html").read_bytes() == (tmp_path / "b" / "index.html").read_bytes()


def test_tiers_table_is_the_designs() -> None:
    d = example("superpod-4su").design
    rows = parsed("superpod-4su").tables["tiers"][1:]
    assert [(r[0], r[1], r[2], r[3], int(r[4].replace(",", ""))) for r in rows] == [
        (t.fabric, t.tier, t.model, t.os, t.count) for t in d.tiers
    ]


@pytest.mark.parametrize("name", ["lab", "srlinux-2su"])
def test_device_pages_show_the_designs_ports_and_sessions(name: str) -> None:
    d = example(name).design
    shown = devices(blob_of(page(name)))
    assert list(shown) == list(d.devices)
    for dev in d.devices.values():
        ports = shown[dev.name]["ports"]
        assert [
            (
                p["name"],
                p["role"],
                p["speed_gbps"],
                p["address"],
                p["peer_device"],
                p["peer_interface"],
                p["peer_address"],
                p["lossless"],
                p["headroom"],
                p["enabled"],
                p["mtu"],
            )
            for p in ports
        ] == [
            (
                i.name,
                str(i.role),
                i.speed_gbps,
                i.address,
                i.peer_device,
                i.peer_interface,
                i.peer_address,
                i.lossless,
                i.headroom.name if i.headroom else None,
                i.enabled,
                i.mtu,
            )
            for i in dev.interfaces
        ]
        expected = [
            (n.address, n.remote_asn, n.peer_device, n.interface, n.peer_group, n.bfd)
            for n in (dev.bgp.neighbors if dev.bgp else [])
        ]
        assert shown[dev.name]["bgp"] == expected
        assert shown[dev.name]["configs"] == [f"../build/{p}" for p in config_files(dev)]


def test_cabling_table_holds_every_cable_of_the_design() -> None:
    d = example("superpod-4su").design
    assert cables(blob_of(page("superpod-4su"))) == [
        (
            x.fabric,
            x.kind,
            x.a_device,
            x.a_interface,
            x.b_device,
            x.b_interface,
            x.speed_gbps,
            x.length_m,
            x.reach,
            x.cable,
            x.a_optic,
            x.b_optic,
        )
        for x in d.links
    ]


def test_detail_view_has_one_element_per_switch() -> None:
    d = example("superpod-4su").design
    svg = backend_view(d).overview
    assert svg is not None
    names = re.findall(r'data-device="([^"]+)"', svg.svg)
    assert sorted(names) == sorted(x.name for x in d.devices_by(fabric="backend"))


def test_qos_contract_states_the_designs_numbers_per_os() -> None:
    """The lab's back-end runs SONiC leaves and NX-OS spines: read each column's numbers back."""
    q = example("lab").design.qos["backend"]
    rows = {r[0]: r for r in parsed("lab").tables["qos-0"] if r}
    header = rows["quantity"]
    col = {name: n for n, name in enumerate(header)}
    sonic = rows["PFC watchdog"][col["sonic"]]
    assert re.findall(r"\d+", sonic) == [
        str(q.pfc_watchdog.detection_ms),
        str(q.pfc_watchdog.restoration_ms),
        str(q.pfc_watchdog.poll_ms),
    ]
    nxos = rows["PFC watchdog"][col["nxos"]]
    shutdown, restore = (int(x) for x in re.findall(r"multiplier (\d+)", nxos))
    assert shutdown * q.pfc_watchdog.poll_ms == q.pfc_watchdog.detection_ms
    assert restore * q.pfc_watchdog.poll_ms == q.pfc_watchdog.restoration_ms
    lo, hi = (int(x) * 1000 for x in re.findall(r"(\d+) kbytes", rows["ECN marking thresholds"][col["nxos"]]))
    assert lo >= q.ecn.min_bytes > lo - 1000 and hi >= q.ecn.max_bytes > hi - 1000
    assert rows["PFC (no-drop) priority"][col["sonic"]] == f"pfc_enable {q.nodrop_priority}"
    host = next(v for k, v in col.items() if k.startswith("hosts"))
    assert rows["RoCE data DSCP"][host] == f"{q.roce_dscp} (ToS {q.roce_tos})"
    assert eos_units.seconds(q.pfc_watchdog.detection_ms)  # the EOS spelling exists for the same timer


def test_headings_never_skip_a_level() -> None:
    for name in ("lab", "superpod-4su"):
        levels = parsed(name).headings
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in pairwise(levels)), levels


def test_sizing_plots_and_power_from_the_spec() -> None:
    html = page("superpod-4su")
    for chart in ("ttft-0", "itl-0", "gpus-0", "energy", "co2e"):
        assert f'data-chart="{chart}"' in html
    rows = parsed("superpod-4su").tables["power-table"]
    assert rows[1][0] == "this cluster"
    assert int(rows[1][1].replace(",", "")) == sum(n.gpus for n in example("superpod-4su").design.nodes)


def test_the_blob_cannot_close_its_script_element() -> None:
    text = blob_json({"s": ["</script><script>alert(1)</script>", "<!--"]})
    assert "<" not in text
    assert "</script" not in text.lower()


def test_report_without_a_spec_leaves_sizing_out(tmp_path: Path) -> None:
    build = tmp_path / "build"
    spec = EXAMPLES / "lab" / "cluster.yaml"
    assert main(["render", str(spec), "-o", str(build)]) == 0
    assert main(["report", "--from-design", str(build / "design.json"), "-o", str(tmp_path / "r")]) == 0
    html = (tmp_path / "r" / "index.html").read_text()
    assert "Sizing needs the spec" in html
    assert devices(blob_of(html))["lab-oob-01"]["configs"][0].startswith("../build/configs/")


def test_hostile_text_is_escaped_in_tables_pictures_and_attributes() -> None:
    from dataclasses import replace

    from aiinfra.report.model import Figure, Table
    from aiinfra.report.svg import link, text

    r = example("lab")
    model = build_report(ReportInputs(r.design, r.loaded.spec, r.catalog))
    evil = '</td><script>alert(1)</script>"&'
    html = report_files(
        replace(model, overview=(Figure(evil, evil),), tiers=Table(evil, (evil,), ((evil,),)), warnings=(evil,))
    )["index.html"]
    assert "<script>alert(1)" not in html
    assert (
        html.count("&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;") == 6
    )  # label, value, caption, header, cell, warning
    svg = text(0, 0, evil) + link("#device/x", evil, "", data_device=evil)
    root = ET.fromstring(f"<g>{svg}</g>")  # still well-formed, the text intact
    assert root[0].text == evil and root[1].get("data-device") == evil


def test_latency_plots_show_the_statistic_the_slo_compares(tmp_path: Path) -> None:
    """A p99 SLO: the TTFT curve under the target line is the p99 the sizing compared with the
    target (the page showed the mean, well under the line, for a fleet sized on the p99)."""
    import shutil

    from aiinfra.pipeline import design_from_file
    from aiinfra.sizing.batching import operating_point
    from aiinfra.sizing.cluster import size_cluster
    from aiinfra.sizing.power import bom_from_design

    shutil.copytree(EXAMPLES / "superpod-4su", tmp_path / "sp")
    spec = tmp_path / "sp" / "cluster.yaml"
    text = spec.read_text()
    assert "slo: {ttft_ms: 1000, itl_ms: 50}" in text
    text = text.replace("slo: {ttft_ms: 1000, itl_ms: 50}", "slo: {ttft_ms: 1000, itl_ms: 50, percentile: p99}")
    spec.write_text(text.replace("load: {concurrent_users: 2000}", "load: {concurrent_users: 200}"))
    r = design_from_file(spec)
    html = report_files(build_report(ReportInputs(r.design, r.loaded.spec, r.catalog)))["index.html"]
    p = _Tables()
    p.feed(html)
    [rows] = [t for t in p.tables.values() if t and t[0] == ["concurrency", "TTFT p99 ms"]]
    sized = size_cluster(r.loaded.spec, r.catalog, bom_from_design(r.design)).inference[0].result
    plan = sized.chosen.plan
    for concurrency, shown in rows[1:]:
        point = operating_point(sized.setup, plan, int(concurrency.replace(",", "")))
        assert float(shown.replace(",", "")) == pytest.approx(point.ttft_p99_s * 1000, abs=0.05)
    assert point.ttft_p99_s > point.ttft_s * 1.1, "under load the two differ: the test tells them apart"
