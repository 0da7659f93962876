"""The secret filters: only declared references are replaced, any other template is refused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("aiinfra_secrets", ROOT / "playbooks/filter_plugins/aiinfra_secrets.py")
assert _spec and _spec.loader
plugin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plugin)

TACACS = "{{ vault_tacacs_key }}"
ENV = "{{ lookup('ansible.builtin.env', 'SNMP_AUTH') }}"
SECRETS = [{"ref": TACACS, "value": "k3y-T4C"}, {"ref": ENV, "value": "auth-FROM-env"}]


def test_text_config_gets_exactly_the_declared_references() -> None:
    text = f"tacacs-server host 192.0.2.1 key 0 {TACACS}\nsnmp-server user m auth sha {ENV} priv aes {ENV}\n"
    out = plugin.aiinfra_fill_secrets(text, SECRETS)
    assert out.splitlines() == [
        "tacacs-server host 192.0.2.1 key 0 k3y-T4C",
        "snmp-server user m auth sha auth-FROM-env priv aes auth-FROM-env",
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ lookup('ansible.builtin.pipe', 'id') }}",
        "{{ ansible_password }}",
        "{{vault_tacacs_key}}",  # not the exact declared form
        "{% for x in range(3) %}x{% endfor %}",
        "{# comment #}",
        TACACS + "{{ lookup('ansible.builtin.pipe', 'id') }}",  # next to a declared one
    ],
)
def test_any_other_template_is_refused_with_its_line(hostile: str) -> None:
    text = f"hostname leaf1\nsnmp-server contact {hostile}\ntacacs-server key 0 {TACACS}\n"
    with pytest.raises(plugin.SecretError, match=r"^line 2: template delimiter"):
        plugin.aiinfra_fill_secrets(text, SECRETS)


def test_parsed_json_is_walked_keys_included_and_escaping_is_the_serializers() -> None:
    intent = {"TACPLUS": {"global": {"passkey": TACACS}}, "SNMP_USER": {"m": {"AUTH": ENV}}, "PORT": {"Ethernet0": {}}}
    secrets = [{"ref": TACACS, "value": 'has "quotes" and \\ backslash'}, SECRETS[1]]
    out = plugin.aiinfra_fill_secrets(intent, secrets)
    assert out["TACPLUS"]["global"]["passkey"] == 'has "quotes" and \\ backslash'
    assert json.loads(json.dumps(out)) == out
    assert intent["TACPLUS"]["global"]["passkey"] == TACACS  # input untouched
    keyed = plugin.aiinfra_fill_secrets({"auth-sha": {ENV: {}}}, SECRETS)  # NVUE keys a user's password
    assert keyed == {"auth-sha": {"auth-FROM-env": {}}}
    with pytest.raises(plugin.SecretError, match=r"BANNER\.motd: line 1: template delimiter"):
        plugin.aiinfra_fill_secrets({"BANNER": {"motd": "{{ lookup('ansible.builtin.pipe', 'id') }}"}}, SECRETS)
    with pytest.raises(plugin.SecretError, match=r"key '\{\{ x \}\}'"):
        plugin.aiinfra_fill_secrets({"A": {"{{ x }}": 1}}, SECRETS)


def test_mask_names_the_secret_and_never_holds_its_value() -> None:
    out = plugin.aiinfra_fill_secrets(f"key 0 {TACACS} auth {ENV}", SECRETS, mask=True)
    assert out == "key 0 <secret vault_tacacs_key> auth <secret lookup('ansible.builtin.env', 'SNMP_AUTH')>"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty or unset"),
        (None, "empty or unset"),
        ("a\nusername evil", "control character"),
        ('a"b', "double quote"),
    ],
)
def test_bad_secret_values_are_refused_not_written(value: object, message: str) -> None:
    with pytest.raises(plugin.SecretError, match=message):
        plugin.aiinfra_fill_secrets(f"key 0 {TACACS}", [{"ref": TACACS, "value": value}])


def test_a_declared_secret_the_file_does_not_use_may_be_unset() -> None:
    assert plugin.aiinfra_fill_secrets("hostname x\n", [{"ref": TACACS, "value": None}]) == "hostname x\n"
    assert plugin.aiinfra_fill_secrets("hostname x\n", []) == "hostname x\n"
    with pytest.raises(plugin.SecretError, match="template delimiter"):
        plugin.aiinfra_fill_secrets(f"key {TACACS}\n", [])  # an undeclared reference


@pytest.mark.parametrize("bad", [[{"ref": "plain", "value": "x"}], [{"value": "x"}], ["{{ a }}"]])
def test_malformed_declarations_are_refused(bad: list) -> None:
    with pytest.raises(plugin.SecretError, match=r"aiinfra_secrets\[0\]"):
        plugin.aiinfra_fill_secrets("x", bad)


def test_redact_hides_every_current_value_in_device_output() -> None:
    lines = ["+ key k3y-T4C", "  unchanged", "- auth auth-FROM-env"]
    assert plugin.aiinfra_redact(lines, SECRETS) == [
        "+ key <secret vault_tacacs_key>",
        "  unchanged",
        "- auth <secret lookup('ansible.builtin.env', 'SNMP_AUTH')>",
    ]


def test_mask_like_masks_the_running_fields_that_hold_a_secret_in_the_intent() -> None:
    intent = {"TACPLUS_SERVER": {"192.0.2.1": {"passkey": TACACS, "tcp_port": "49"}}}
    running = {
        "TACPLUS_SERVER": {"192.0.2.1": {"passkey": "OLD-key", "tcp_port": "49"}},
        "TACPLUS": {"global": {"passkey": "OLD-global-key"}},  # a field the intent drops
        "X": {"y": "k3y-T4C"},
    }
    out = plugin.aiinfra_mask_like(running, intent, SECRETS)
    assert out == {
        "TACPLUS_SERVER": {"192.0.2.1": {"passkey": "<secret vault_tacacs_key>", "tcp_port": "49"}},
        "TACPLUS": {"global": {"passkey": "<secret>"}},
        "X": {"y": "<secret vault_tacacs_key>"},
    }
    assert running["TACPLUS_SERVER"]["192.0.2.1"]["passkey"] == "OLD-key"
