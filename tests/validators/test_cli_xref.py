"""The CLI cross-reference validator: silent on every rendered NX-OS/EOS/Junos config, and loud on
each kind of dangling reference, duplicate and off-subnet BGP neighbour planted in a real one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from aiinfra.pipeline import design_from_file, render_files
from tests.validators import cli_xref

ROOT = Path(__file__).resolve().parents[2]
SPECS = {
    "lab": ROOT / "inventories" / "lab" / "cluster.yaml",
    **{p.stem: p for p in sorted((ROOT / "tests" / "switches" / "specs").glob("*.yaml")) if p.stem[:3] in "nxoeosjun"},
}
NX = ("nxos-2tier", "configs/nx2-be-leaf-su001-r1.cfg")
EOS = ("eos-2tier", "configs/ar2-be-leaf-su001-r1.cfg")
JUNOS = ("junos-flowlet", "configs/jfl-be-leaf-su001-r1.conf")


@cache
def rendered(spec: str) -> dict[str, bytes]:
    return dict(render_files(design_from_file(SPECS[spec])).files)


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_every_rendered_cli_config_is_accepted(spec: str) -> None:
    files = rendered(spec)
    oses = cli_xref.config_oses(files)
    assert {os for os in oses.values() if os in cli_xref.OSES}, spec
    assert cli_xref.problems(files) == []


def test_the_inventory_names_the_os_and_the_header_is_the_fallback() -> None:
    files = rendered("lab")
    from_inventory = cli_xref.config_oses(files)
    configs_only = {p: d for p, d in files.items() if p.startswith("configs/")}
    assert cli_xref.config_oses(configs_only) == {p: o for p, o in from_inventory.items() if o in cli_xref.OSES}
    assert from_inventory["configs/lab-be-spine-01.cfg"] == "nxos"
    assert from_inventory["configs/lab-fe-spine-01.cfg"] == "eos"
    assert from_inventory["configs/lab-fe-leaf-01a.conf"] == "junos"
    mystery = {"configs/x.cfg": b"hostname x\n"}
    assert cli_xref.problems(mystery) == ["configs/x.cfg: cannot tell which OS this config is for"]


def _broken(case: tuple[str, str], old: str, new: str) -> list[str]:
    spec, path = case
    text = rendered(spec)[path].decode()
    assert old in text, old
    return cli_xref.problems({path: text.replace(old, new, 1).encode()})


def _assert_found(found: list[str], expected: str) -> None:
    assert any(expected in p for p in found), found


NXOS_BREAKS = [
    ("class-map type qos match-any ROCE\n", "class-map type qos match-any ROCEX\n", "class-map-qos ROCE is referenced"),
    ("policy-map type qos AIINFRA-QOS-IN\n", "policy-map type qos X\n", "policy-map-qos AIINFRA-QOS-IN is referenced"),
    ("policy-map type network-qos AIINFRA-NETWORK-QOS\n", "policy-map type network-qos X\n", "policy-map-network-qos"),
    ("policy-map type queuing AIINFRA-QUEUING-OUT\n", "policy-map type queuing X\n", "policy-map-queuing"),
    ("class type queuing c-out-8q-q3\n", "class type queuing c-out-8q-q9\n", "not an NX-OS 8q system class"),
    ("ip access-list AIINFRA-MGMT\n", "ip access-list X\n", "acl AIINFRA-MGMT is referenced"),
    ("  template peer SPINES\n", "  template peer X\n", "peer-template SPINES is referenced"),
    ("aaa group server radius AIINFRA-AAA\n", "aaa group server radius X\n", "aaa-group AIINFRA-AAA is referenced"),
    ("radius-server host 192.168.20.6 ", "radius-server host 192.168.20.99 ", "aaa-host 192.168.20.6 is referenced"),
    ("  dlb-interface Ethernet1/33/1,", "  dlb-interface Ethernet9/99,", "interface Ethernet9/99 is referenced"),
    ("  vrf member management\n", "  vrf member mgmtx\n", "vrf mgmtx is referenced"),
    ("ntp source-interface mgmt0\n", "ntp source-interface mgmt9\n", "interface mgmt9 is referenced"),
    ("    inherit peer SPINES\n", "    inherit peer SPINES\n    route-map RM-IN in\n", "route-map RM-IN is referenced"),
    (
        "!\nsystem qos\n",
        "!\nroute-map RM permit 10\n  match ip address prefix-list PL\nsystem qos\n",
        "prefix-list PL is referenced",
    ),
    ("!\nsystem qos\n", "!\nclass-map type qos match-any CNP\nsystem qos\n", "class-map-qos CNP is defined again"),
    ("\n  mtu 9216\n", "\n  mtu 9216\n  mtu 9216\n", "'mtu 9216' repeats line"),
    ("  neighbor 10.20.1.0\n", "  neighbor 192.0.2.1\n", "BGP neighbor 192.0.2.1 is on no subnet"),
    ("  neighbor 10.20.1.0\n", "  neighbor 10.20.1.1\n", "BGP neighbor 10.20.1.1 is this device's own address"),
    ("\n  mtu 9216\n", "\n  mtu jumbo\n", "does not parse back"),
]


@pytest.mark.parametrize(("old", "new", "expected"), NXOS_BREAKS, ids=[b[2][:40] for b in NXOS_BREAKS])
def test_nxos_dangling_references_are_caught(old: str, new: str, expected: str) -> None:
    _assert_found(_broken(NX, old, new), expected)


EOS_BREAKS = [
    ("qos profile AIINFRA-ROCE\n", "qos profile X\n", "qos-profile AIINFRA-ROCE is referenced"),
    ("ip access-list standard AIINFRA-MGMT\n", "ip access-list standard X\n", "acl AIINFRA-MGMT is referenced"),
    ("vrf instance MGMT\n", "vrf instance MGMTX\n", "vrf MGMT is referenced"),
    ("snmp-server group AIINFRA-RO ", "snmp-server group X ", "snmp-group AIINFRA-RO is referenced"),
    ("snmp-server view AIINFRA-ALL ", "snmp-server view X ", "snmp-view AIINFRA-ALL is referenced"),
    ("aaa group server tacacs+ AIINFRA-AAA\n", "aaa group server tacacs+ X\n", "aaa-group AIINFRA-AAA is referenced"),
    ("tacacs-server host 192.168.40.6 ", "tacacs-server host 192.168.40.99 ", "aaa-host 192.168.40.6 is referenced"),
    ("source-interface Management1\n", "source-interface Management9\n", "interface Management9 is referenced"),
    ("   neighbor SPINES peer group\n", "   neighbor X peer group\n", "peer-group SPINES is referenced"),
    ("   neighbor 10.40.1.0 peer group", "   neighbor 192.0.2.7 peer group", "BGP neighbor 192.0.2.7 is on no subnet"),
    ("!\nip routing\n", "!\nqos profile AIINFRA-ROCE\n!\nip routing\n", "qos-profile AIINFRA-ROCE is defined again"),
    ("   qos trust dscp\n", "   qos trust dscp\n   qos trust dscp\n", "'qos trust dscp' repeats line"),
]


@pytest.mark.parametrize(("old", "new", "expected"), EOS_BREAKS, ids=[b[2][:40] for b in EOS_BREAKS])
def test_eos_dangling_references_are_caught(old: str, new: str, expected: str) -> None:
    _assert_found(_broken(EOS, old, new), expected)


JUNOS_BREAKS = [
    ("policy-statement BGP-EXPORT {", "policy-statement X {", "policy-statement BGP-EXPORT is referenced"),
    ("policy-statement ECMP-LB {", "policy-statement X {", "policy-statement ECMP-LB is referenced"),
    ("prefix-list MGMT-ALLOWED {", "prefix-list X {", "prefix-list MGMT-ALLOWED is referenced"),
    ("prefix-list BGP-NETWORKS {", "prefix-list X {", "prefix-list BGP-NETWORKS is referenced"),
    ("filter PROTECT-RE {", "filter X {", "filter PROTECT-RE is referenced"),
    ("dscp ROCE-DSCP {", "dscp X {", "classifier dscp ROCE-DSCP is referenced"),
    ("class NO-LOSS queue-num", "class X queue-num", "forwarding-class NO-LOSS is referenced"),
    ("        S-NO-LOSS {", "        X {", "scheduler S-NO-LOSS is referenced"),
    ("        ROCE-SM {", "        X {", "scheduler-map ROCE-SM is referenced"),
    ("        ROCE-ECN {", "        X {", "drop-profile ROCE-ECN is referenced"),
    ("        ROCE-PFC {", "        X {", "congestion-notification-profile ROCE-PFC is referenced"),
    (" routing-instance mgmt_junos;", " routing-instance mgmt_x;", "routing-instance mgmt_x is referenced"),
    (
        "        group SPINES {",
        "        group SPINES {\n        }\n        group SPINES {",
        "bgp-group SPINES is defined 2",
    ),
    ("            neighbor 10.0.1.0 {", "            neighbor 192.0.2.9 {", "BGP neighbor 192.0.2.9 is on no subnet"),
    ("            neighbor 10.0.1.0 {", "            neighbor 10.0.1.1 {", "10.0.1.1 is this device's own address"),
    ("    lldp {", "    lldp {\n        interface all;", "'interface all' appears twice in one block"),
    ("    view AIINFRA-ALL {", "    view X {", "snmp-view AIINFRA-ALL is referenced"),
    ("                group AIINFRA-READ {", "                group X {", "snmp-group AIINFRA-READ is referenced"),
    ("    radius-server {", "    radius-servers-gone {", "authentication-method radius is referenced"),
    ("    host-name jfl-be-leaf-su001-r1;", "    host-name jfl-be-leaf-su001-r1", "does not"),
]


@pytest.mark.parametrize(("old", "new", "expected"), JUNOS_BREAKS, ids=[b[2][:40] for b in JUNOS_BREAKS])
def test_junos_dangling_references_are_caught(old: str, new: str, expected: str) -> None:
    _assert_found(_broken(JUNOS, old, new), expected)


def test_a_cos_binding_to_an_interface_the_config_lacks_is_caught() -> None:
    spec, path = JUNOS
    lines = rendered(spec)[path].decode().splitlines(keepends=True)
    cos = lines.index("class-of-service {\n")
    bound = lines.index("    interfaces {\n", cos) + 1
    port = lines[bound].split()[0]
    start = lines.index(f"    {port} {{\n")
    end = lines.index("    }\n", start)
    found = cli_xref.problems({path: "".join(lines[:start] + lines[end + 1 :]).encode()})
    _assert_found(found, f"interface {port} is referenced but never defined")


def test_an_access_port_in_a_vlan_the_config_lacks_is_caught() -> None:
    path = next(p for p in rendered("junos-flowlet") if "-oob-" in p and p.endswith(".conf"))
    text = rendered("junos-flowlet")[path].decode()
    assert "members default;" in text
    found = cli_xref.problems({path: text.replace("members default;", "members blue;", 1).encode()})
    _assert_found(found, "vlan blue is referenced but never defined")


@pytest.mark.parametrize(
    ("case", "old"),
    [(NX, "banner motd ^nx2: authorized access only.^"), (EOS, "banner login\n")],
)
def test_banner_text_is_not_read_as_configuration(case: tuple[str, str], old: str) -> None:
    """A multi-line banner mentioning config words defines and references nothing."""
    body = "line one\ninterface Ethernet9/9\nservice-profile NOPE\n  inherit peer NOPE"
    new = f"banner motd ^{body}\nlast^" if case is NX else f"banner login\n{body}\n"
    spec, path = case
    text = rendered(spec)[path].decode()
    assert old in text
    assert cli_xref.problems({path: text.replace(old, new, 1).encode()}) == []
