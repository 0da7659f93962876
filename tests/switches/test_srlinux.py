"""Nokia SR Linux 25.3.1: every role renders, every file passes Nokia's YANG models, and the
numbers read back from the JSON are the Design's.

The example ``srlinux-2su`` runs SR Linux on every fabric role its catalog model allows
(back-end, front-end and storage leaves and spines); a three-tier variant adds super-spines,
and the OOB switch (a Cumulus SN2201 in the example: no management-class SR Linux model is in
the catalog) is rendered as SR Linux too, its ports renamed the SR Linux way. The vendor
decides: ``tests/validators/srl_yang.py`` loads the 25.3.1 models once and judges each file.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path

import pytest

from aiinfra.design.model import Design, Device
from aiinfra.design.problems import Problems
from aiinfra.errors import SpecError
from aiinfra.nos import driver, profile
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.nos.qosmaps import dscp_to_tc
from aiinfra.nos.srlinux import parser
from aiinfra.pipeline import design_from_file
from aiinfra.spec.load import load_spec
from tests.conftest import example, write_spec
from tests.validators import srl_yang

EXAMPLE = "srlinux-2su"
OS = "srlinux"
SPEC = Path(__file__).resolve().parents[2] / "inventories" / EXAMPLE / "cluster.yaml"


def render(device: Device, design: Design) -> dict[str, str]:
    return driver(OS).render(device, design)


@cache
def example_files() -> dict[str, str]:
    design = example(EXAMPLE).design
    out: dict[str, str] = {}
    for d in design.devices.values():
        if d.os == OS:
            out.update(render(d, design))
    return out


def spec_data() -> dict:
    import yaml

    return yaml.safe_load(SPEC.read_text())


@cache
def three_tier() -> Design:
    """The example grown to 66 two-rail nodes, one per SU: 132 leaves outgrow one spine layer."""
    import tempfile

    data = spec_data()
    data["compute"]["nodes"] = 66
    be = data["fabrics"]["backend"]
    be["rails"], be["nodes_per_su"] = 2, 1
    be["switches"]["super_spine"] = {"model": "7220-ixr-h5-64o", "os": OS}
    be["addressing"].update(loopbacks="10.60.0.0/23", fabric_links="10.60.8.0/21", gpu="10.61.0.0/22")
    data["fabrics"]["frontend"]["addressing"]["host_links"] = "10.62.4.0/22"
    data["site"]["management"].update(network="192.168.64.0/22", allowed_cidrs=["192.168.64.0/22"])
    del data["fabrics"]["storage"]
    return design_from_file(write_spec(Path(tempfile.mkdtemp()), data)).design


def oob_as_srlinux() -> tuple[Device, Design]:
    """The example's OOB switch rendered as SR Linux: same Design, ports named ethernet-1/N."""
    design = copy.deepcopy(example(EXAMPLE).design)
    (oob,) = design.devices_by(fabric="oob")
    oob.os, oob.mgmt_interface = OS, "mgmt0"
    for i in oob.interfaces:
        i.name = f"ethernet-1/{i.physical_port}"
    return oob, design


def test_the_example_runs_srlinux_on_every_fabric_role() -> None:
    design = example(EXAMPLE).design
    roles = {(d.fabric, d.role) for d in design.devices.values() if d.os == OS}
    assert roles == {(f, r) for f in ("backend", "frontend", "storage") for r in ("leaf", "spine")}
    assert {p.removeprefix("configs/") for p in example_files()} == {
        f"{d.name}.srl" for d in design.devices.values() if d.os == OS
    }


def test_every_rendered_file_passes_the_25_3_1_models() -> None:
    files = dict(example_files())
    ss = three_tier()
    supers = ss.devices_by(fabric="backend", role="super-spine")
    assert supers, "the variant must have super-spines"
    picked = [
        *supers,
        *ss.devices_by(fabric="backend", role="spine")[:1],
        *ss.devices_by(fabric="backend", role="leaf")[:1],
    ]
    for d in picked:  # the variant reuses the example's names: kept apart under a prefix
        files.update({p.replace("configs/", "configs/3tier-"): t for p, t in render(d, ss).items()})
    oob, design = oob_as_srlinux()
    files.update(render(oob, design))
    found = srl_yang.problems({k: v.encode() for k, v in files.items()})
    assert found == [], "\n".join(found[:20])
    assert len(files) == len(example_files()) + len(picked) + 1


def test_output_is_deterministic_json_with_module_qualified_tops() -> None:
    design = example(EXAMPLE).design
    leaf = design.devices_by(fabric="backend", role="leaf")[0]
    (text,) = render(leaf, design).values()
    assert render(leaf, design) == render(leaf, copy.deepcopy(design))
    data = json.loads(text)
    assert all(re.fullmatch(r"srl_nokia-[a-z-]+:[a-z-]+", k) for k in data)
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"


def _leaf() -> tuple[Design, Device, ParsedSwitch]:
    design = example(EXAMPLE).design
    leaf = design.devices_by(fabric="backend", role="leaf")[0]
    (text,) = render(leaf, design).values()
    return design, leaf, parser.parse(text)


def test_backend_leaf_numbers_are_the_designs() -> None:
    design, leaf, parsed = _leaf()
    qos = design.qos["backend"]
    assert parsed.hostname == leaf.name and parsed.loopback == leaf.loopback
    assert leaf.bgp is not None
    assert parsed.asn == leaf.bgp.asn
    assert parsed.neighbors == {n.address: n.remote_asn for n in leaf.bgp.neighbors}
    assert parsed.bfd_neighbors == {n.address for n in leaf.bgp.neighbors if n.bfd}
    assert parsed.bfd_timers == {(leaf.bgp.bfd_interval_ms, leaf.bgp.bfd_multiplier)}
    assert parsed.maximum_paths == leaf.bgp.maximum_paths
    for i in leaf.interfaces:
        p = parsed.interfaces[i.name]
        assert (p.mtu, p.address, p.shutdown, p.description) == (i.mtu, i.address, not i.enabled, i.description)
        if i.lossless:
            assert p.pfc_priorities == {qos.nodrop_priority} and p.ecn_on_roce_queue and p.trust_dscp
    assert parsed.nodrop_priorities == {qos.nodrop_priority}
    assert parsed.strict_priority_tcs == {c.tc for c in qos.classes if c.scheduling == "strict"}
    assert parsed.dscp_to_tc == dscp_to_tc(qos)
    assert (parsed.ecn_min_bytes, parsed.ecn_max_bytes, parsed.ecn_max_probability) == (
        qos.ecn.min_bytes,
        qos.ecn.max_bytes,
        qos.ecn.max_probability_pct,
    )
    assert (qos.ecn.min_bytes, qos.ecn.max_bytes, qos.ecn.max_probability_pct) == (200_000, 1_600_000, 20)
    (text,) = render(leaf, design).values()
    wd = qos.pfc_watchdog
    assert parsed.pfc_watchdog and parser.watchdog_ms(text) == (wd.detection_ms, wd.restoration_ms) == (200, 400)
    assert parsed.acl_cidrs == set(design.management.allowed_cidrs)
    assert parsed.ntp_servers == set(design.management.ntp)


def test_bfd_is_microseconds_and_ip_mtu_excludes_the_ethernet_header() -> None:
    design, leaf, _ = _leaf()
    (text,) = render(leaf, design).values()
    data = json.loads(text)
    assert leaf.bgp is not None
    (b, *_) = data["srl_nokia-bfd:bfd"]["subinterface"]
    assert b["desired-minimum-transmit-interval"] == leaf.bgp.bfd_interval_ms * 1000 == 300_000
    port = next(i for i in data["srl_nokia-interfaces:interface"] if i["name"] == leaf.interfaces[0].name)
    assert port["subinterface"][0]["ip-mtu"] == port["mtu"] - 14


def test_headroom_and_buffers_are_the_designs() -> None:
    design, leaf, _ = _leaf()
    (text,) = render(leaf, design).values()
    qos = json.loads(text)["srl_nokia-qos:qos"]
    profiles = {p["name"]: p for p in qos["buffer-management"]["buffer-allocation-profile"]}
    for i in leaf.interfaces:
        if i.lossless and i.headroom is not None:
            (pq,) = profiles[i.headroom.name]["queues"]["pfc-queue"]
            assert pq["maximum-pfc-reserved-share-bytes"] == i.headroom.bytes
    budget, model = leaf.headroom_budget, design.switch_models[leaf.model]
    assert budget is not None
    (lc,) = qos["linecard"]
    pct = lc["forwarding-complex"][0]["input"]["pfc-buffer-reservation"]
    assert (pct - 1) * model.buffer_bytes < budget.pool_bytes * 100 <= pct * model.buffer_bytes


def test_oob_bridges_access_ports_and_uplinks_in_the_designs_vlan() -> None:
    oob, design = oob_as_srlinux()
    (text,) = render(oob, design).values()
    data = json.loads(text)
    (mac_vrf,) = [n for n in data["srl_nokia-network-instance:network-instance"] if n["type"] == "mac-vrf"]
    bridged = {i.name + ".0" for i in oob.interfaces if i.role in ("oob-access", "oob-uplink") and i.enabled}
    assert {m["name"] for m in mac_vrf["interface"]} == bridged and str(oob.access_vlan) in mac_vrf["name"]


def test_the_models_refuse_a_misspelt_leaf_a_wrong_type_and_a_missing_key() -> None:
    path, text = next(iter(example_files().items()))
    good = json.loads(text)

    def broken(edit: object) -> list[str]:
        data = copy.deepcopy(good)
        edit(data)  # type: ignore[operator]
        return srl_yang.problems({path: json.dumps(data).encode()})

    def port(d: dict) -> dict:
        return next(i for i in d["srl_nokia-interfaces:interface"] if "mtu" in i)

    def misspell(d: dict) -> None:
        port(d)["mtux"] = port(d).pop("mtu")

    def wrong_type(d: dict) -> None:
        port(d)["mtu"] = "jumbo"

    def missing_key(d: dict) -> None:
        del d["srl_nokia-network-instance:network-instance"][0]["name"]

    assert srl_yang.problems({path: text.encode()}) == []
    assert any("mtux" in p for p in broken(misspell))
    assert any("jumbo" in p for p in broken(wrong_type))
    assert any("key" in p and "name" in p for p in broken(missing_key))


def test_the_validator_restates_booleans_and_absent_leaf_comparisons() -> None:
    assert (
        srl_yang.restate(". = false() or ../loopback-mode = 'facility'")
        == ". = 'false' or ../loopback-mode = 'facility'"
    )
    assert srl_yang.restate("boolean(../keychain) = false()") == "boolean(../keychain) = false()"
    assert srl_yang.restate("(. = 1 and ../priority != 'strict')") == "(. = 1 and not(../priority = 'strict'))"
    assert not srl_yang.feature_holds("srl_nokia-feat:platform-vsrl")
    assert srl_yang.feature_holds("srl_nokia-feat:tomahawk5 and not srl_nokia-feat:jericho2")
    assert "platform-7220-h5-64o" in srl_yang.enabled_features()


def test_the_timezones_are_the_models_enum() -> None:
    text = (srl_yang.SCHEMAS / "srl_nokia" / "models" / "system" / "srl_nokia-timezone.yang").read_text()
    assert profile(OS).timezones == re.findall(r"enum ([A-Za-z0-9_/+-]+) \{", text)
    assert all(v in profile(OS).timezones for v in profile(OS).timezone_aliases.values())  # type: ignore[operator]


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (
            lambda d: d["fabrics"]["backend"]["roce"].update(
                pfc_watchdog={"detection_ms": 2000, "restoration_ms": 400}
            ),
            "detection_ms",
        ),
        (
            lambda d: d["fabrics"]["backend"]["roce"].update(
                pfc_watchdog={"detection_ms": 200, "restoration_ms": 2000}
            ),
            "restoration_ms",
        ),
        (lambda d: d["site"].update(dns=["192.168.64.2", "192.168.64.3", "192.168.64.9", "192.168.64.10"]), "dns"),
    ],
)
def test_the_driver_check_refuses_what_srlinux_cannot_state(tmp_path: Path, edit: object, where: str) -> None:
    data = spec_data()
    edit(data)  # type: ignore[operator]
    spec = load_spec(write_spec(tmp_path, data)).spec
    problems = Problems()
    check = driver(OS).check
    assert check is not None
    check(spec, problems)
    assert [p for p in problems.items if p.path[-1] == where], problems.items
    ok = Problems()
    check(load_spec(SPEC).spec, ok)
    assert not ok
    # and `validate` runs it: a positioned spec error, nothing rendered
    with pytest.raises(SpecError) as info:
        design_from_file(write_spec(tmp_path, data))
    assert any(d.path.endswith(where) and d.line for d in info.value.diagnostics), info.value


class _Box:
    """A tiny SR Linux JSON-RPC responder: records every request, answers get/diff/set."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[dict] = []
        box = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                box.requests.append(body)
                method, params = body["method"], body["params"]
                if method == "get" and params["commands"][0]["path"].startswith("/system"):
                    result: list = [{"admin-state": "enable"}, {"server-profile": [{"name": "site"}]}]
                elif method == "get":
                    result = [{"neighbor": [{"peer-address": "10.60.4.0", "session-state": "established"}]}]
                elif method == "diff":
                    result = ["+ interface ethernet-1/1/1 { }"]
                else:
                    result = [{}]
                data = json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]


PLAY = """
- hosts: sw
  gather_facts: false
  tasks:
    - ansible.builtin.import_tasks: {tasks}/deploy.yml
    - ansible.builtin.import_tasks: {tasks}/confirm.yml
    - ansible.builtin.import_tasks: {tasks}/bgp-state.yml
      vars:
        aiinfra_gate_wait_for: [10.60.4.0]
    - ansible.builtin.assert:
        that: aiinfra_bgp_up == ['10.60.4.0']
"""


@pytest.mark.parametrize("check", [False, True])
def test_the_deploy_tasks_replace_confirm_and_read_bgp_over_json_rpc(tmp_path: Path, check: bool) -> None:
    from tests.playbooks.ansiblerun import BIN, ROOT, run

    if not (BIN / "ansible-playbook").exists():
        pytest.skip("ansible-playbook not installed")
    text = next(iter(example_files().values()))
    config = tmp_path / "config.srl"
    config.write_text(text)
    box = _Box()
    inventory = tmp_path / "hosts.yml"
    host = {
        "ansible_host": "127.0.0.1",
        "ansible_connection": "ansible.builtin.local",
        "ansible_python_interpreter": str(BIN / "python"),
        "ansible_user": "admin",
        "ansible_password": "pw",
        "aiinfra_srl_scheme": "http",
        "aiinfra_srl_port": box.port,
        "aiinfra_config": str(config),
    }
    refs = sorted(set(re.findall(r"\{\{.*?\}\}", text)))
    secrets = "".join(f"          - {{ref: !unsafe '{r}', value: Secret123!}}\n" for r in refs)
    inventory.write_text(
        f"all:\n  hosts:\n    sw:\n{''.join(f'      {k}: {json.dumps(v)}' + chr(10) for k, v in host.items())}"
        f"      aiinfra_secrets:\n{secrets}"
    )
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY.format(tasks=ROOT / "aiinfra" / "nos" / OS / "tasks"))
    argv = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(inventory),
        str(playbook),
        *(["--check", "--diff"] if check else []),
    ]
    done = run(argv, tmp_path, extra={"ANSIBLE_FILTER_PLUGINS": str(ROOT / "playbooks" / "filter_plugins")})
    box.server.shutdown()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    sets = [r for r in box.requests if r["method"] == "set"]
    assert "Secret123!" not in done.stdout
    if check:
        assert sets == [] and [r["method"] for r in box.requests] == ["get", "diff", "get"]
        return
    replace, accept, save = sets
    (command,) = replace["params"]["commands"]
    assert (command["action"], command["path"], replace["params"]["datastore"]) == ("replace", "/", "candidate")
    assert int(replace["params"]["confirm-timeout"]) == 600
    sent = command["value"]
    system = sent.pop("srl_nokia-system:system")
    expected = json.loads(text)
    assert system.pop("srl_nokia-json-rpc:json-rpc-server") == {"admin-state": "enable"}
    assert system.pop("srl_nokia-tls:tls") == {"server-profile": [{"name": "site"}]}
    assert "{{" not in json.dumps(system) and "Secret123!" in json.dumps(system)
    expected_system = expected.pop("srl_nokia-system:system")
    assert sent == expected and system.keys() == expected_system.keys()
    assert [(s["params"]["datastore"], s["params"]["commands"][0]["path"]) for s in (accept, save)] == [
        ("tools", "/system/configuration/confirmed-accept"),
        ("tools", "/system/configuration/save"),
    ]
