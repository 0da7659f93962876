"""``aiinfra verify SPEC STATE_DIR``: exit codes and the report, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.verify.collectors import eos as eos_json
from tests.conftest import EXAMPLES, example
from tests.verify.eapi import healthy

LAB = EXAMPLES / "lab" / "cluster.yaml"
SPINES = ("lab-fe-spine-01", "lab-fe-spine-02")
EOS = "lldp,bgp,interfaces,speed,counters,optics"


def _write(folder: Path, swap: bool = False) -> Path:
    folder.mkdir()
    for name in SPINES:
        raw = healthy(example("lab").design, name)
        if swap and name == SPINES[0]:
            lldp = raw[eos_json.LLDP]["lldpNeighbors"]
            lldp["Ethernet1/1"], lldp["Ethernet1/5"] = lldp["Ethernet1/5"], lldp["Ethernet1/1"]
        (folder / f"{name}.json").write_text(json.dumps(raw), encoding="utf-8")
    return folder


def _argv(state: Path, sections: str = EOS) -> list[str]:
    return ["verify", str(LAB), str(state), "--sections", sections, "--device", SPINES[0], "--device", SPINES[1]]


def test_healthy_state_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(_write(tmp_path / "state"))) == 0
    assert capsys.readouterr().out.startswith("verify: verified; checks run: lldp 4, bgp 4")


def test_swapped_cables_exit_1_and_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv(_write(tmp_path / "state", swap=True))) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("FAIL lab-fe-spine-01 Ethernet1/") for line in out) == 2
    assert any(line.startswith("SWAPPED cables lab-fe-spine-01:Ethernet1/1") for line in out)
    assert out[-1].startswith("verify: FAILED (2 failed checks)")


def test_qos_not_collected_on_eos_fails_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = _write(tmp_path / "state")
    assert main(["verify", str(LAB), str(state), "--device", "lab-be-leaf-su001-r1"]) == 1
    assert "FAIL lab-be-leaf-su001-r1 - state: expected collected, found absent" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not readable JSON"), ("[1, 2]", "expected an object")],
)
def test_bad_state_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    state = _write(tmp_path / "state")
    (state / f"{SPINES[0]}.json").write_text(content, encoding="utf-8")
    assert main(_argv(state)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_section_and_device_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = _write(tmp_path / "state")
    assert main(_argv(state, "lldp,pfc")) == 2
    assert "unknown section(s) pfc" in capsys.readouterr().err
    assert main(["verify", str(LAB), str(state), "--device", "nope"]) == 2
    assert "not a switch of the design: nope" in capsys.readouterr().err
