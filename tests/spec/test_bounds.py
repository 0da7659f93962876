"""Every bound holds: catalog maxima and name patterns, input files, list lengths, per-OS text limits.

Each case goes through ``aiinfra render`` and must fail fast with exit 2, a positioned message and no
output, where before it took minutes and gigabytes, hung, or ended in a traceback.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aiinfra import catalog, nos
from aiinfra.catalog.models import MAX_SWITCH_PORTS, format_fields
from aiinfra.cli import main
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from aiinfra.spec import loader
from tests.conftest import lab_data, write_spec
from tests.spec.clicheck import refused
from tests.spec.test_free_text import SWITCH


def _with_switch(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(SWITCH)
    naming = entry["port_naming"]["sonic"]
    for key, value in changes.items():
        if key in naming:
            naming[key] = value
        else:
            entry[key] = value
    data["catalog"] = {"switches": {"x-64": entry}}
    data["fabrics"]["backend"]["switches"]["leaf"] = {"model": "x-64", "os": "sonic"}
    return data


SW = "catalog.switches.x-64"


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"ports": 50_000_000}, f"{SW}.ports", f"less than or equal to {MAX_SWITCH_PORTS}"),
        ({"port_speed_gbps": 10**9}, f"{SW}.port_speed_gbps", "less than or equal to 1600"),
        ({"buffer_mb": 1e12}, f"{SW}.buffer_mb", "less than or equal to 65536"),
        ({"power_w": -1}, f"{SW}.power_w", "greater than or equal to 0"),
        ({"rack_units": 10**6}, f"{SW}.rack_units", "less than or equal to 60"),
        ({"breakouts": [{"ways": 2, "speed_gbps": 400}] * 9}, f"{SW}.breakouts", "at most 8 items"),
        ({"port": "E{lane0:>200000000}"}, f"{SW}.port_naming.sonic.port", "a format spec or conversion (:>200000000)"),
        ({"port": "E{lane0!r}"}, f"{SW}.port_naming.sonic.port", "a format spec or conversion (!r)"),
        (
            {"port": "E{nonexistent}"},
            f"{SW}.port_naming.sonic.port",
            "unknown field {nonexistent} in 'E{nonexistent}'; valid fields: port",
        ),
        ({"port": "E{port.__class__}"}, f"{SW}.port_naming.sonic.port", "unknown field {port.__class__}"),
        ({"port": "E{0}"}, f"{SW}.port_naming.sonic.port", "unknown field {0}"),
        ({"port": "E{lane0"}, f"{SW}.port_naming.sonic.port", "is not a valid name pattern"),
        ({"port": "Ethernet1"}, f"{SW}.port_naming.sonic.port", "or every port gets one name"),
        ({"breakout": "E{port}"}, SW, "the members of a broken-out port need different names"),
        ({"port": "E" + "x" * 64 + "{lane0}"}, f"{SW}.port_naming.sonic.port", "at most 64 characters"),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else "",
)
def test_catalog_entries_are_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], path: str, message: str
) -> None:
    started = time.monotonic()
    refused(capsys, write_spec(tmp_path, _with_switch(lab_data(), **changes)), tmp_path / "out", path, message)
    assert time.monotonic() - started < 10


def test_format_fields_accepts_what_the_builtin_catalog_uses() -> None:
    assert format_fields("Ethernet1/{port}/{sub}", ("port", "sub")) == {"port", "sub"}
    assert format_fields("et-0/0/{port0}:{sub0}", ("port0", "sub0")) == {"port0", "sub0"}


@pytest.fixture
def broken_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the built-in catalog folder the test may break; the caches are reset around it."""
    data = tmp_path / "data"
    data.mkdir()
    for f in catalog.DATA.glob("*.yaml"):
        (data / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(catalog, "DATA", data)
    catalog.builtin.cache_clear()
    yield data
    catalog.builtin.cache_clear()


def test_builtin_catalog_errors_are_positioned(
    broken_builtin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    switches = broken_builtin / "switches.yaml"
    text = switches.read_text(encoding="utf-8")
    switches.write_text(text.replace("    ports: 64\n", "    ports: 50000000\n", 1), encoding="utf-8")
    line = text[: text.index("    ports: 64\n")].count("\n") + 1
    spec = write_spec(tmp_path, lab_data())
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert f"{switches}:{line}:5: switches.sn5600.ports: Input should be less than or equal to 1024" in err
    assert "Traceback" not in err


def test_driver_capability_rows_are_positioned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A driver's capabilities.yaml goes through the positioned loader like the catalog."""
    folder = tmp_path / "nos"
    for name in nos.names():
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text("", encoding="utf-8")
        row = (nos.FOLDER / name / nos.CAPABILITIES).read_text(encoding="utf-8")
        (folder / name / nos.CAPABILITIES).write_text(row, encoding="utf-8")
    broken = folder / "nxos" / nos.CAPABILITIES
    broken.write_text(broken.read_text(encoding="utf-8").replace("text_limits:\n", "text_limit:\n", 1))
    monkeypatch.setattr(nos, "FOLDER", folder)
    nos.profiles.cache_clear()
    try:
        with pytest.raises(SpecError) as info:
            nos.profiles()
    finally:
        nos.profiles.cache_clear()
    assert f"{broken}:" in str(info.value) and "text_limits: required key 'text_limits' is missing" in str(info.value)


# --- input files ------------------------------------------------------------------------


def _not_regular(capsys: pytest.CaptureFixture[str], spec: Path, kind: str) -> None:
    started = time.monotonic()
    assert main(["validate", str(spec)]) == 2
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert f"{spec}: {kind}, not a regular file; aiinfra reads regular files only" in err, err


def test_dev_zero_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    _not_regular(capsys, Path("/dev/zero"), "a character device")


def test_fifo_is_refused_without_hanging(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "cluster.yaml"
    os.mkfifo(fifo)
    _not_regular(capsys, fifo, "a FIFO (named pipe)")


def test_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cluster.yaml"
    folder.mkdir()
    _not_regular(capsys, folder, "a directory")


def test_symlink_to_dev_zero_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "cluster.yaml"
    link.symlink_to("/dev/zero")
    _not_regular(capsys, link, "a character device")


def test_symlink_to_a_regular_spec_is_read(tmp_path: Path) -> None:
    real = write_spec(tmp_path, lab_data(), name="real.yaml")
    link = tmp_path / "cluster.yaml"
    link.symlink_to(real)
    assert design_from_file(link).design.nodes


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "dir"])
def test_node_facts_must_be_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    facts = tmp_path / "facts.yaml"
    if target == "fifo":
        os.mkfifo(facts)
    elif target == "dir":
        facts.mkdir()
    else:
        facts.symlink_to(target)
    data = lab_data()
    data["compute"]["node_facts"] = "facts.yaml"
    spec = write_spec(tmp_path, data)
    started = time.monotonic()
    assert main(["render", str(spec), "-o", str(tmp_path / "out")]) == 2
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert f"{facts}: " in err and "not a regular file" in err, err
    assert not (tmp_path / "out").exists()


def test_long_list_is_refused_early_with_a_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """600,000 DNS servers fit in 16 MB; they used to cost 38 s and 439 MB before being refused."""
    spec = write_spec(tmp_path, lab_data())
    text = spec.read_text(encoding="utf-8")
    text = text.replace("  dns:\n  - 192.168.0.2\n", "  dns: [" + "192.168.0.2, " * 600_000 + "]\n")
    assert len(text.encode()) < loader.MAX_FILE_BYTES
    spec.write_text(text, encoding="utf-8")
    started = time.monotonic()
    refused(capsys, spec, tmp_path / "out", "site.dns", f"a list has more than {loader.MAX_LIST_ITEMS:,} items")
    assert time.monotonic() - started < 5


# --- per-OS text limits -----------------------------------------------------------------


def test_snmp_location_beyond_the_tightest_os_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = lab_data()
    data["security"]["snmp"]["location"] = "r" * 256
    refused(
        capsys,
        write_spec(tmp_path, data),
        tmp_path / "out",
        "security.snmp.location",
        "256 characters, but NVIDIA Cumulus Linux (NVUE) 5.14 accepts at most 255 (RFC 3418",
    )


def test_snmp_contact_limit_and_exact_fit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lab_data()
    data["security"]["snmp"]["contact"] = "c" * 300
    refused(capsys, write_spec(tmp_path, data), tmp_path / "out", "security.snmp.contact", "accepts at most 255")
    data["security"]["snmp"]["contact"] = "c" * 255
    data["security"]["snmp"]["location"] = "l" * 255
    assert design_from_file(write_spec(tmp_path, data)).design.devices
