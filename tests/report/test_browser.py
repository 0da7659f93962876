"""The report in a real browser (Debian's Chromium): loads without errors, pictures have one
element per switch, a click opens the switch, the cabling filter narrows, the plots draw.

Screenshots go to the test's tmp folder; with AIINFRA_UPDATE_SCREENSHOTS=1 the key ones
are also copied to docs/img/ (the README shows them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from aiinfra.design.model import Design
from aiinfra.report import ReportInputs, build_report, report_files
from tests.conftest import ROOT, example
from tests.report.browser import available, chromium, console_errors, open_report, wait_ready

pytestmark = [pytest.mark.slow, pytest.mark.skipif(available() is not None, reason=str(available()))]
IMG = ROOT / "docs" / "img"
KEEP = {"overview", "topology", "device", "sizing", "32k-topology"}  # the ones docs/ and the README show


def _write(name: str, directory: Path) -> Path:
    r = example(name)
    files = report_files(build_report(ReportInputs(r.design, r.loaded.spec, r.catalog, "../build")))
    for path, text in files.items():
        (directory / path).write_text(text, encoding="utf-8")
    return directory / "index.html"


def _shot(driver: Any, out: Path, name: str, keep: bool) -> None:
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 1600)")
    driver.set_window_size(1400, max(int(height), 700))
    driver.execute_script("window.scrollTo(0, 0)")
    path = out / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    if keep and name in KEEP and os.environ.get("AIINFRA_UPDATE_SCREENSHOTS") == "1":
        IMG.mkdir(exist_ok=True)
        shutil.copyfile(path, IMG / f"report-{name}.png")
    assert path.stat().st_size > 10_000  # a picture, not a blank page


def _expected_detail(design: Design, su: int | None) -> set[str]:
    """The switches a detail view must draw: every back-end switch, or one SU's leaves and
    the switches their uplinks reach (read from the Design's cables, not the report's code)."""
    if su is None:
        return {d.name for d in design.devices_by(fabric="backend")}
    leaves = {d.name for d in design.devices_by(fabric="backend", role="leaf") if d.su == su}
    above = {x.b_device for x in design.links if x.kind == "leaf-spine" and x.a_device in leaves}
    return leaves | above


def _check(driver: Any, index: Path, design: Design, out: Path, *, su: int | None, keep: bool) -> None:
    from selenium.webdriver.common.by import By

    open_report(driver, index)
    assert console_errors(driver) == []
    assert driver.find_element(By.ID, "overview").is_displayed()
    _shot(driver, out, "overview", keep)

    # topology: one element per switch in the detailed view
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#topology"]').click()
    view = "#su-detail svg" if su is not None else 'svg[data-view="backend-detail"]'
    drawn = driver.execute_script(
        f"return [...document.querySelectorAll('{view} [data-device]')].map(e => e.dataset.device)"
    )
    assert len(drawn) == len(set(drawn)) and set(drawn) == _expected_detail(design, su)
    _shot(driver, out, "topology", keep)
    if su is not None:  # another SU, picked from the list
        from selenium.webdriver.support.ui import Select

        last = max(d.su for d in design.devices_by(fabric="backend", role="leaf") if d.su is not None)
        Select(driver.find_element(By.ID, "su-pick")).select_by_value(str(last))
        wait_ready(driver)
        drawn = driver.execute_script(
            "return [...document.querySelectorAll('#su-detail svg [data-device]')].map(e => e.dataset.device)"
        )
        assert set(drawn) == _expected_detail(design, last)

    # clicking a switch opens its page
    leaf = driver.find_element(By.CSS_SELECTOR, f"{view} a[data-device]")
    name = leaf.get_attribute("data-device")
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", leaf)
    assert driver.execute_script("return decodeURIComponent(location.hash)") == f"#device/{name}"
    assert driver.find_element(By.ID, "device-title").text == name
    in_use = [i for i in design.devices[name].interfaces if i.role != "unused"]
    rows = driver.find_elements(By.CSS_SELECTOR, "#device-body > .scroll:first-of-type tbody tr")
    assert len(rows) == len(in_use)
    assert rows[0].find_elements(By.TAG_NAME, "td")[0].text == in_use[0].name
    _shot(driver, out, "device", keep)

    # the cabling filter narrows the rows
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#cabling"]').click()
    count = driver.find_element(By.ID, "cable-count")
    assert count.text.endswith(f"({len(design.links):,} in all).")
    box = driver.find_element(By.ID, "cable-filter")
    box.send_keys(name)
    expected = sum(1 for x in design.links if name in " ".join((x.a_device, x.b_device, x.a_interface, x.b_interface)))
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: f"of {expected:,} matching" in count.text)
    cells = driver.find_elements(By.CSS_SELECTOR, "#cable-table tbody tr")
    assert 0 < len(cells) <= min(expected, 500)
    assert all(name in row.text for row in cells[:20])
    _shot(driver, out, "cabling", keep)

    # the plots render: every chart has drawn marks with a size
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#sizing"]').click()
    charts = driver.execute_script(
        "return [...document.querySelectorAll('svg.plot')].map(s => {"
        " const marks = [...s.querySelectorAll('polyline.series, rect.bar')];"
        " return [s.dataset.chart, marks.length, marks.every(m => m.getBBox().width > 0 || m.getBBox().height > 0)]; })"
    )
    assert charts and all(n > 0 and ok for _, n, ok in charts), charts
    assert {"energy", "co2e"} <= {c for c, _, _ in charts}
    _shot(driver, out, "sizing", keep)
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="#qos"]').click()
    _shot(driver, out, "qos", keep)
    _accessibility(driver)
    assert console_errors(driver) == []


def _accessibility(driver: Any) -> None:
    """Every picture is named, every control labelled, and the text the page shows keeps 4.5:1."""
    unnamed = driver.execute_script(
        "return [...document.querySelectorAll('svg')].filter(s => s.getAttribute('role') !== 'img'"
        " || !s.querySelector(':scope > title')).length"
    )
    assert unnamed == 0
    unlabelled = driver.execute_script(
        "return [...document.querySelectorAll('input, select')].filter(e => !document.querySelector("
        "'label[for=\"' + e.id + '\"]') && !e.getAttribute('aria-label')).length"
    )
    assert unlabelled == 0
    links_unnamed = driver.execute_script(
        "return [...document.querySelectorAll('svg a')].filter(a => !a.querySelector(':scope > title')).length"
    )
    assert links_unnamed == 0
    from aiinfra.report.palette import contrast

    pairs = driver.execute_script(
        "const rgb = c => '#' + c.match(/\\d+/g).slice(0, 3).map(x => (+x).toString(16).padStart(2, '0')).join('');"
        "const bg = e => { while (e) { const c = getComputedStyle(e).backgroundColor;"
        " if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; e = e.parentElement; }"
        " return 'rgb(255, 255, 255)'; };"
        "return [...document.querySelectorAll('body, h1, h2, nav a, caption, th, td, .muted, figcaption')]"
        ".filter(e => e.offsetParent !== null).slice(0, 400)"
        ".map(e => [rgb(getComputedStyle(e).color), rgb(bg(e))]);"
    )
    assert pairs
    worst = min(contrast(fg, bg) for fg, bg in pairs)
    assert worst >= 4.5, worst


def test_lab_report_in_chromium(tmp_path: Path) -> None:
    index = _write("lab", tmp_path)
    with chromium() as driver:
        _check(driver, index, example("lab").design, tmp_path, su=None, keep=False)


def test_superpod_report_in_chromium(tmp_path: Path) -> None:
    index = _write("superpod-4su", tmp_path)
    with chromium() as driver:
        _check(driver, index, example("superpod-4su").design, tmp_path, su=None, keep=True)


def test_ai_factory_32k_report_in_chromium(tmp_path: Path) -> None:
    index = _write("ai-factory-32k", tmp_path)
    assert index.stat().st_size < 20_000_000  # the size target
    out = tmp_path / "shots"
    out.mkdir()
    with chromium() as driver:
        design = example("ai-factory-32k").design
        _check(driver, index, design, out, su=1, keep=False)
        driver.find_element("css selector", 'nav a[href="#topology"]').click()
        _shot(driver, out, "32k-topology", True)
        # an SU's box in the aggregated picture opens that SU in detail
        box = driver.find_element("css selector", 'svg[data-view="aggregate"] a[href="#backend/su/2"]')
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", box)
        drawn = driver.execute_script(
            "return [...document.querySelectorAll('#su-detail svg [data-device]')].map(e => e.dataset.device)"
        )
        assert set(drawn) == _expected_detail(design, 2)
        # a pod's box opens the list of its switches
        pod = driver.find_element("css selector", 'svg[data-view="aggregate"] a[href="#devices/pod%3A3%20spine"]')
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", pod)
        listed = driver.find_elements("css selector", "#device-list tbody tr")
        assert len(listed) == sum(1 for d in design.devices.values() if d.pod == 3 and d.role == "spine")
        assert console_errors(driver) == []
