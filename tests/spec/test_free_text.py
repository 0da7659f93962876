"""Free text is hostile: nothing a user writes may become a CLI statement, a Jinja expression or
the end of a banner. Every case goes through ``aiinfra render`` and must exit 2 with a positioned
message and no output; the types themselves are checked exhaustively with hypothesis."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.nos.junos.render import junos_quote
from aiinfra.pipeline import design_from_file
from aiinfra.spec.text import (
    TEMPLATE_DELIMITERS,
    check_banner,
    check_domain,
    check_free_text,
    check_image_repository,
    check_image_tag,
    forbidden_char,
)
from tests.conftest import PLATFORMS, Mutation, lab_data, put, write_spec
from tests.spec.clicheck import refused

PIPE = "{{ lookup('ansible.builtin.pipe', 'id') }}"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrudQijcwYzEP+TdWXHs+yI7kuX/8IAsdi/ngj1hbWl"

VMWARE, NUTANIX, OPENSHIFT = (PLATFORMS[k] for k in ("vmware", "nutanix", "openshift"))
SWITCH = {
    "vendor": "Example",
    "model": "X-64",
    "asic": "shallow",
    "ports": 64,
    "port_speed_gbps": 800,
    "breakouts": [{"ways": 2, "speed_gbps": 400}],
    "buffer_mb": 64,
    "os": ["sonic"],
    "port_naming": {"sonic": {"port": "Ethernet{lane0}", "breakout": "Ethernet{lane0}", "management": "eth0"}},
    "power_w": 500,
    "source": "test fixture",
}


def _platform(base: dict[str, Any], **changes: Any) -> Mutation:
    return put("platform", {**base, **changes})


def _switch(**changes: Any) -> Mutation:
    entry = copy.deepcopy(SWITCH)
    for key, value in changes.items():
        if key.startswith("naming_"):
            entry["port_naming"]["sonic"][key[len("naming_") :]] = value
        else:
            entry[key] = value

    def apply(d: dict[str, Any]) -> None:
        d["catalog"] = {"switches": {"x-64": entry}}
        d["fabrics"]["backend"]["switches"]["leaf"] = {"model": "x-64", "os": "sonic"}

    return apply


LOC = "security.snmp.location"
CASES: list[tuple[str, Mutation, str, str]] = [
    ("snmp-location-lf", put(LOC, "r\nusername evil role network-admin"), LOC, "U+000A LF (line feed) at character 2"),
    ("snmp-location-cr", put(LOC, "r\rusername evil"), LOC, "U+000D CR (carriage return)"),
    ("snmp-location-u2028", put(LOC, "r\u2028username evil"), LOC, "U+2028 LINE SEPARATOR"),
    ("snmp-location-nel", put(LOC, "r\x85username evil"), LOC, "U+0085 NEL (next line)"),
    ("snmp-location-vt", put(LOC, "r\x0busername evil"), LOC, "U+000B VT (vertical tab)"),
    ("snmp-location-nul", put(LOC, "r\x00x"), LOC, "U+0000 NUL"),
    ("snmp-location-esc", put(LOC, "r\x1b[2Jx"), LOC, "U+001B ESC"),
    ("snmp-location-tab", put(LOC, "row\t1"), LOC, "U+0009 TAB"),
    ("snmp-location-bidi", put(LOC, "rack \u202e1 kcar"), LOC, "bidirectional control"),
    ("snmp-location-pipe", put(LOC, PIPE), LOC, "'{{' is a Jinja template delimiter"),
    ("snmp-contact-vault", put("security.snmp.contact", "{{ vault_tacacs_key }}"), "security.snmp.contact", "'{{'"),
    ("snmp-contact-block", put("security.snmp.contact", "{% raw %}"), "security.snmp.contact", "'{%'"),
    ("snmp-contact-comment", put("security.snmp.contact", "a {# x"), "security.snmp.contact", "'{#'"),
    ("snmp-contact-closer", put("security.snmp.contact", "x }} y"), "security.snmp.contact", "'}}'"),
    (
        "banner-eos-eof",
        put("security.banner", "Welcome\nEOF\nusername evil privilege 15"),
        "security.banner",
        "line 2 of the banner is 'EOF', which ends an EOS banner",
    ),
    ("banner-nxos-delimiter", put("security.banner", "hi^username evil"), "security.banner", "'^' delimits"),
    ("banner-quote", put("security.banner", 'hi" ; evil'), "security.banner", "'\"' may not appear"),
    ("banner-cr", put("security.banner", "line one\r\nline two"), "security.banner", "U+000D CR"),
    ("banner-ff", put("security.banner", "page\x0cbreak"), "security.banner", "U+000C FF"),
    ("banner-pipe", put("security.banner", PIPE), "security.banner", "'{{' is a Jinja template delimiter"),
    ("oob-uplink-lf", put("fabrics.oob.uplink_to", "core\nshutdown"), "fabrics.oob.uplink_to", "not a host name"),
    ("oob-uplink-pipe", put("fabrics.oob.uplink_to", PIPE), "fabrics.oob.uplink_to", "not a host name"),
    ("site-domain-pipe", put("site.domain", PIPE), "site.domain", "is not a domain name"),
    ("site-domain-long", put("site.domain", ("a" * 63 + ".") * 4 + "com"), "site.domain", "at most 253"),
    (
        "ssh-key-comment",
        put("security.users.0.ssh_keys", [f"{KEY} {PIPE}"]),
        "security.users[0].ssh_keys",
        "'{{' is a Jinja template delimiter",
    ),
    ("vsphere-datacenter", _platform(VMWARE, datacenter=PIPE), "platform.datacenter", "'{{'"),
    ("vsphere-cluster", _platform(VMWARE, cluster="gpu\nrm -rf"), "platform.cluster", "U+000A LF"),
    ("vsphere-dvs", _platform(VMWARE, dvs_name="dvs\x85x"), "platform.dvs_name", "U+0085 NEL"),
    ("vsphere-vcenter", _platform(VMWARE, vcenter="vc.example;id"), "platform.vcenter", "is not a host name"),
    ("vsphere-username", _platform(VMWARE, username="root {{ x }}"), "platform.username", "must be one word"),
    (
        "vsphere-gpu-device",
        _platform(VMWARE, gpu_mode="passthrough", vgpu_profile=None, gpu_devices=["NVIDIA H100\u2028x"]),
        "platform.gpu_devices[0]",
        "U+2028 LINE SEPARATOR",
    ),
    ("ahv-cluster", _platform(NUTANIX, cluster=PIPE), "platform.cluster", "'{{'"),
    ("ahv-subnet", _platform(NUTANIX, vm_management_subnet="mgmt\x1b"), "platform.vm_management_subnet", "ESC"),
    ("ahv-image", _platform(NUTANIX, vm_image="img\ncmd"), "platform.vm_image", "U+000A LF"),
    (
        "ahv-prefix",
        _platform(NUTANIX, rail_virtual_switch_prefix="{% x %}"),
        "platform.rail_virtual_switch_prefix",
        "'{%'",
    ),
    ("openshift-base-domain", _platform(OPENSHIFT, base_domain=PIPE), "platform.base_domain", "not a domain name"),
    (
        "openshift-image-version",
        _platform(OPENSHIFT, network_operator={"doca_driver_version": "{{ x }}"}),
        "platform.network_operator.doca_driver_version",
        "is not an OCI tag",
    ),
    (
        "openshift-plugin-version",
        _platform(OPENSHIFT, network_operator={"rdma_shared_device_plugin_version": "v1\nx"}),
        "platform.network_operator.rdma_shared_device_plugin_version",
        "is not an OCI tag",
    ),
    (
        "openshift-repository",
        _platform(OPENSHIFT, network_operator={"repository": "nvcr.io/{{ x }}"}),
        "platform.network_operator.repository",
        "is not an OCI repository",
    ),
    ("openshift-ssh-key", _platform(OPENSHIFT, ssh_key=KEY + " core\x1b[8m"), "platform", "U+001B ESC"),
    (
        "catalog-port-naming-newline",
        _switch(naming_port="Ethernet{lane0}\nusername evil role network-admin"),
        "catalog.switches.x-64.port_naming.sonic.port",
        "'\\n' may not appear in an interface name",
    ),
    (
        "catalog-port-naming-pipe",
        _switch(naming_breakout="E{lane0}" + PIPE),
        "catalog.switches.x-64.port_naming.sonic.breakout",
        "'{' may not appear in an interface name",
    ),
    (
        "catalog-management-name",
        _switch(naming_management="eth0 {{ x }}"),
        "catalog.switches.x-64.port_naming.sonic.management",
        "may not appear in an interface name",
    ),
    ("catalog-vendor", _switch(vendor=PIPE), "catalog.switches.x-64.vendor", "'{{'"),
    ("catalog-source", _switch(source="a\u2029b"), "catalog.switches.x-64.source", "U+2029 PARAGRAPH SEPARATOR"),
    ("catalog-name", lambda d: d.update(catalog={"gpus": {"{{x}}": {}}}), "catalog.gpus.{{x}}", "not a catalog name"),
    ("node-facts-path", put("compute.node_facts", "facts\x1b.yaml"), "compute.node_facts", "U+001B ESC"),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_text_is_refused_by_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    data = lab_data()
    mutate(data)
    refused(capsys, write_spec(tmp_path, data), tmp_path / "out", path, message)


def test_ordinary_text_is_accepted(tmp_path: Path) -> None:
    """Unicode letters, punctuation and a multi-line banner are fine; only the dangerous parts are refused."""
    data = lab_data()
    data["security"]["snmp"]["location"] = "Zürich DC-2, hall B — row 4 / rack 12 (über-cool) 'east' \"cage\""
    data["security"]["snmp"]["contact"] = "noc@example.com, +41 44 000 00 00 {ticket} 50%"
    data["security"]["banner"] = "Authorized access only.\n\n  Activity is logged; EOF means end of file.\nBye."
    result = design_from_file(write_spec(tmp_path, data))
    assert result.loaded.spec.security.snmp is not None
    assert result.loaded.spec.security.snmp.location.startswith("Zürich")


# --- the types themselves ---------------------------------------------------------------

FORBIDDEN = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x200E, 0x200F, 0x061C)]
FORBIDDEN += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0xD800, 0xDFFF)]


@pytest.mark.parametrize("ch", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_every_forbidden_character_is_refused_and_named(ch: str) -> None:
    with pytest.raises(ValueError, match=f"U\\+{ord(ch):04X} .* at character 2 is not allowed in free text"):
        check_free_text(f"a{ch}b")
    if ch != "\n":
        with pytest.raises(ValueError, match=f"U\\+{ord(ch):04X}"):
            check_banner(f"a\n{ch}b")


@pytest.mark.parametrize("delim", TEMPLATE_DELIMITERS)
def test_every_template_delimiter_is_refused(delim: str) -> None:
    with pytest.raises(ValueError, match="Jinja template delimiter"):
        check_free_text(f"x {delim} y")
    with pytest.raises(ValueError, match="Jinja template delimiter"):
        check_banner(f"x\n{delim}\ny")


@pytest.mark.parametrize("line", ["EOF", " EOF ", "eof"])
def test_banner_terminator_line_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="ends an EOS banner"):
        check_banner(f"hello\n{line}\nusername evil")


_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


def _accepts(check: Callable[[str], str], value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(FORBIDDEN), _TEXT)
def test_any_string_with_a_forbidden_character_is_refused(head: str, bad: str, tail: str) -> None:
    assert not _accepts(check_free_text, head + bad + tail)
    if bad != "\n":
        assert not _accepts(check_banner, head + bad + tail)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_accepted_free_text_contains_nothing_forbidden(value: str) -> None:
    if _accepts(check_free_text, value):
        assert not any(forbidden_char(ch) for ch in value)
        assert not any(d in value for d in TEMPLATE_DELIMITERS)
    if _accepts(check_banner, value):
        assert not any(forbidden_char(ch) for ch in value if ch != "\n")
        assert not any(d in value for d in TEMPLATE_DELIMITERS)
        assert all(line.strip().upper() != "EOF" for line in value.split("\n"))
        assert "^" not in value and '"' not in value


def _junos_unquote(quoted: str) -> str:
    """Read a Junos double-quoted string back the way the Junos parser does (\\" \\\\ \\n escapes)."""
    assert quoted[0] == quoted[-1] == '"'
    out, i, body = [], 0, quoted[1:-1]
    while i < len(body):
        ch = body[i]
        assert ch != '"', f"unescaped quote inside {quoted!r}"
        if ch == "\\":
            nxt = body[i + 1]
            out.append({"n": "\n"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_junos_quoting_of_accepted_free_text_reads_back_exactly(value: str) -> None:
    """SNMP location/contact may hold '"' and '\\': Junos quoting escapes both, provably."""
    if _accepts(check_free_text, value):
        assert _junos_unquote(junos_quote(value)) == value


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (check_domain, ["lab.aiinfra.example", "a.b", "x-1.example.org"], ["Lab.example", "-a.example", "a..b", "a"]),
        (
            check_image_repository,
            ["nvcr.io/nvidia/mellanox", "registry:5000/a/b", "quay.io/a__b/c-d.e", "nvidia"],
            ["nvcr.io/Nvidia", "nvcr.io//x", "a/b/", "nvcr.io/x y", "a/-b"],
        ),
        (
            check_image_tag,
            ["doca3.3.0-26.01-1.0.0.0-0", "network-operator-v26.1.1", "_x", "v" * 128],
            [".x", "-x", "a:b", "v" * 129, "a/b", ""],
        ),
    ],
)
def test_identifier_grammars(check: Callable[[str], str], good: list[str], bad: list[str]) -> None:
    for value in good:
        assert check(value) == value
    for value in bad:
        with pytest.raises(ValueError):
            check(value)


def test_json_schema_carries_the_text_rules_and_accepts_every_example() -> None:
    """Editors check specs against schema/cluster.schema.json: it must accept the examples (the
    ``{model, os}`` switch shorthand included) and refuse what validate refuses."""
    import json

    import jsonschema
    import yaml

    from tests.conftest import EXAMPLES

    schema = json.loads((EXAMPLES.parent / "schema" / "cluster.schema.json").read_text())
    for spec in sorted(EXAMPLES.glob("*/cluster.yaml")):
        jsonschema.validate(yaml.safe_load(spec.read_text()), schema)
    data = lab_data()
    for path, value in ((LOC, "r\nusername evil"), ("security.snmp.contact", PIPE), ("site.domain", "-x.example")):
        bad = copy.deepcopy(data)
        put(path, value)(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
