"""SONiC's own verify tasks (aiinfra/nos/sonic/tasks/verify.yml) in a real run of
playbooks/verify.yml: the stand-in SONiC leaf of test_verify_playbook.py, plus stand-ins for
``sonic-cfggen``, ``portstat`` and ``sonic-db-dump`` that print the JSON the collector tests
build (the CONFIG_DB is the rendered one, held to the SONiC YANG there). Healthy passes the
qos, counters and optics sections; PFC on a second priority fails and is named.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiinfra.verify.collectors import sonic
from tests.playbooks.ansiblerun import needs_ansible
from tests.playbooks.test_verify_playbook import _play, _standin, rendered  # noqa: F401  (fixture)
from tests.verify.test_sonic_collector import LEAF, config_db, dom, portstat

SECTIONS = '{"aiinfra_verify_sections": ["qos", "counters", "optics"]}'


def _sonic_box(tmp: Path, db: dict[str, Any]) -> None:
    """sonic-cfggen, portstat and sonic-db-dump answering from files, by their arguments."""
    box = tmp / "switch"
    outputs = {"config_db": db, "-e": portstat()[sonic.ERRORS], "-f": portstat()[sonic.FEC]}
    outputs |= {"TRANSCEIVER_DOM_SENSOR": dom()[sonic.DOM], "TRANSCEIVER_DOM_THRESHOLD": dom()[sonic.DOM_THRESHOLDS]}
    for name, value in outputs.items():
        (box / f"{name}.json").write_text(json.dumps(value), encoding="utf-8")
    scripts = {
        "sonic-cfggen": f'exec cat "{box}/config_db.json"',
        "portstat": f'exec cat "{box}/$3.json"',  # portstat -r -j -e|-f
        "sonic-db-dump": f'exec cat "{box}/${{5%%|*}}.json"',  # sonic-db-dump -n STATE_DB -y -k TABLE|*
    }
    for cmd, body in scripts.items():
        (box / "bin" / cmd).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (box / "bin" / cmd).chmod(0o755)


def _argv(tmp: Path, render_dir: Path, db: dict[str, Any]) -> list[str]:
    argv = _standin(tmp, render_dir, swap=False)
    _sonic_box(tmp, db)
    argv[argv.index("--limit") + 1] = LEAF  # the stand-in databases are this leaf's
    argv[argv.index("-e") + 1] = SECTIONS
    return argv


@needs_ansible
@pytest.mark.slow
def test_healthy_sonic_leaf_passes_qos_counters_and_optics(rendered: Path, tmp_path: Path) -> None:  # noqa: F811
    state = tmp_path / "state"
    state.mkdir()
    argv = _argv(tmp_path, rendered, config_db())
    result = _play(tmp_path, [*argv[:-1], "-e", f"aiinfra_verify_state_dir={state}", argv[-1]])
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{LEAF}: verified (qos, counters, optics)" in result.stdout
    saved = json.loads((state / f"{LEAF}.json").read_text(encoding="utf-8"))
    assert "TACPLUS" in config_db() and "TACPLUS" not in result.stdout  # the secrets' table stays on the box
    assert sorted(saved[sonic.CONFIG_DB]) == ["PFC_WD", "PORT_QOS_MAP", "QUEUE", "WRED_PROFILE"]


@needs_ansible
@pytest.mark.slow
def test_pfc_on_a_second_priority_fails_the_run(rendered: Path, tmp_path: Path) -> None:  # noqa: F811
    db = config_db()
    db["PORT_QOS_MAP"]["Ethernet256"]["pfc_enable"] = "3,4"
    result = _play(tmp_path, _argv(tmp_path, rendered, db))
    assert result.returncode != 0
    assert f"FAIL {LEAF} Ethernet256 pfc priorities: expected 3, found 3,4" in result.stdout
