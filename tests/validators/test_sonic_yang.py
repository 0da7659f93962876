"""The SONiC 202411 YANG check: every example's config_db.json passes, and broken ones do not.

The positive half renders each example's SONiC switches in memory and hands the files to
the validator; the negative half breaks one rendered file in the ways the models must
catch (a mandatory leaf, a leafref, a range, a table no model defines).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

from aiinfra.nos.common import config_files
from aiinfra.nos.sonic import render as sonic
from tests.conftest import EXAMPLE_NAMES, example
from tests.validators import sonic_yang


@cache
def sonic_outputs(name: str) -> dict[str, bytes]:
    """Every file the SONiC renderer writes for one example (config_db.json and frr.conf)."""
    r = example(name)
    out: dict[str, bytes] = {}
    for d in r.design.devices.values():
        if d.os == "sonic":
            out.update({k: v.encode() for k, v in sonic.render(d, r.design).items()})
    return out


SONIC_EXAMPLES = [n for n in EXAMPLE_NAMES if sonic_outputs(n)]


def lab_db() -> tuple[str, dict[str, Any]]:
    files = sonic_outputs("lab")
    path = next(p for p, _ in sonic_yang.sonic_files(files))
    return path, copy.deepcopy(json.loads(files[path]))


def check(path: str, db: dict[str, Any]) -> list[str]:
    return sonic_yang.problems({path: json.dumps(db).encode()})


def test_examples_use_sonic() -> None:
    assert {"lab", "vsphere-inference", "superpod-4su", "ai-factory-32k", "ahv-inference"} <= set(SONIC_EXAMPLES)


@pytest.mark.parametrize("name", SONIC_EXAMPLES)
def test_every_example_passes_the_202411_models(name: str) -> None:
    files = sonic_outputs(name)
    checked = list(sonic_yang.sonic_files(files))
    r = example(name)
    assert {p for p, _ in checked} == {config_files(d)[0] for d in r.design.devices.values() if d.os == "sonic"}
    assert sonic_yang.problems(files) == []


def test_the_lab_golden_files_pass() -> None:
    from tests.switches.cumulus_sonic_checks import ROOT

    golden = ROOT / "tests" / "golden" / "lab"
    files = {f"configs/{p.name}": p.read_bytes() for p in sorted((golden / "configs").glob("*.json"))}
    assert files
    assert sonic_yang.problems(files) == []


def test_every_model_is_loaded() -> None:
    names = {m.name() for m in sonic_yang.context() if m.implemented()}
    assert {p.stem for p in sonic_yang.MODELS.glob("*.yang")} <= names
    assert {"PORT", "BUFFER_PG", "DEVICE_METADATA", "TACPLUS", "CABLE_LENGTH"} <= set(sonic_yang.tables())


def test_missing_mandatory_leaf() -> None:
    path, db = lab_db()
    profile = next(k for k in db["BUFFER_PROFILE"] if k.startswith("pg_lossless_"))
    del db["BUFFER_PROFILE"][profile]["size"]
    out = check(path, db)
    assert any('Mandatory node "size"' in p for p in out), out


def test_missing_mandatory_lanes() -> None:
    path, db = lab_db()
    del db["PORT"][next(iter(db["PORT"]))]["lanes"]
    out = check(path, db)
    assert any('Mandatory node "lanes"' in p for p in out), out


def test_bad_leafref() -> None:
    path, db = lab_db()
    key = next(iter(db["BUFFER_QUEUE"]))
    db["BUFFER_QUEUE"][key]["profile"] = "no_such_profile"  # a plain leafref (BUFFER_PG's is a union with "NULL")
    out = check(path, db)
    assert any("leafref" in p.lower() and "no_such_profile" in p for p in out), out


def test_bad_union_leafref() -> None:
    path, db = lab_db()
    key = next(k for k in db["BUFFER_PG"] if not k.endswith("|0"))
    db["BUFFER_PG"][key]["profile"] = "no_such_profile"
    out = check(path, db)
    assert any("no_such_profile" in p for p in out), out


def test_buffer_profile_without_pool() -> None:
    path, db = lab_db()
    del db["BUFFER_POOL"]
    out = check(path, db)
    assert any("leafref" in p.lower() and "ingress_lossless_pool" in p for p in out), out


def test_out_of_range_value() -> None:
    path, db = lab_db()
    profile = next(k for k in db["BUFFER_PROFILE"] if k.startswith("pg_lossless_"))
    db["BUFFER_PROFILE"][profile]["dynamic_th"] = "9"  # range -8..7
    out = check(path, db)
    assert any("dynamic_th" in p for p in out), out


def test_vlan1_is_out_of_range() -> None:
    path, db = lab_db()
    db["VLAN"] = {"Vlan1": {"vlanid": "1"}}
    out = check(path, db)
    assert any("Vlan1" in p for p in out), out


def test_unknown_table() -> None:
    path, db = lab_db()
    db["NO_SUCH_TABLE"] = {"x": {"a": "b"}}
    out = check(path, db)
    assert out == [f"{path}: NO_SUCH_TABLE: no SONiC 202411 YANG model defines this table"]


def test_unknown_field_and_key_shape() -> None:
    path, db = lab_db()
    port = next(iter(db["PORT"]))
    db["PORT"][port]["no_such_field"] = "1"
    db["BUFFER_PG"]["Ethernet0|3|extra"] = {"profile": "ingress_lossy_profile"}
    out = check(path, db)
    assert any("no_such_field" in p and "no such field" in p for p in out), out
    assert any("BUFFER_PG|Ethernet0|3|extra" in p and "3 key part" in p for p in out), out


def test_tacacs_login_needs_a_global_passkey() -> None:
    path, db = lab_db()
    del db["TACPLUS"]
    out = check(path, db)
    assert any("passkey" in p for p in out), out


def test_non_json_and_other_files() -> None:
    assert sonic_yang.problems({"configs/x.json": b"{", "configs/x.frr.conf": b"!"})[0].startswith(
        "configs/x.json: not JSON"
    )
    assert sonic_yang.problems({"host_vars/x.json": b"{", "configs/sub/x.json": b"{"}) == []
