"""The real SONiC deploy tasks, run by the real ansible-playbook against a stand-in switch
on localhost (connection local): the rendered files reach the switch without a second
template pass. A hostile template in a rendered file is refused, not run; the declared
secrets are filled in, from Ansible Vault too; the file is written 0600; neither
`--diff` nor `--check --diff` prints a secret, the new ones or the box's old one.

The stand-in is three commands first on PATH: `sonic-cfggen -d --print-data` prints a
running CONFIG_DB (hardware facts and an old TACACS passkey), `config` and `systemctl`
log their arguments. The admin-account tasks skip: this machine has no
/etc/sonic/sonic_version.yml.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml

from aiinfra.pipeline import write_rendered
from tests.conftest import example
from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible, run

HOST = "lab-be-leaf-su001-r1"  # a SONiC leaf of the lab example
TACACS, SNMP_AUTH, SNMP_PRIV, OLD_PASSKEY = "T4c-from-VAULT-9", "snmp-AUTH-4a8b", "snmp-PRIV-7c1d", "OLD-passkey-0f3e"
# The gNMI TLS material (aiinfra_telemetry_tls): one line each, so the stand-ins can log them.
TLS_CERT, TLS_KEY, TLS_CA = "CERT-telemetry-1b2c", "KEY-telemetry-9e8d", "CA-telemetry-5f6a"
HOSTILE = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}"
RUNNING = {
    "DEVICE_METADATA": {"localhost": {"platform": "x86_64-test-r0", "hwsku": "TEST-SKU", "mac": "0c:00:00:00:00:01"}},
    "TACPLUS_SERVER": {"192.168.0.6": {"passkey": OLD_PASSKEY, "tcp_port": "49"}},
    "TACPLUS": {"global": {"passkey": OLD_PASSKEY + "-global"}},
}
PLAY = """\
- name: Deploy tasks against a stand-in switch on localhost
  hosts: {host}
  gather_facts: false
  tasks:
    - name: Deploy
      ansible.builtin.import_tasks: {root}/aiinfra/nos/{mechanism}/tasks/deploy.yml
"""
CUMULUS = "lab-oob-01"  # the lab's Cumulus OOB switch


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render")
    write_rendered(example("lab"), out)
    return out


def _standin(tmp: Path, render: Path, host: str = HOST, mechanism: str = "sonic") -> Path:
    """A copy of the render, a lab-style override inventory layer, the commands and the secrets."""
    build = tmp / "render"
    shutil.copytree(render, build)
    box = tmp / "switch"
    (box / "bin").mkdir(parents=True)
    (box / "running.json").write_text(json.dumps(RUNNING), encoding="utf-8")
    commands = {
        "sonic-cfggen": f'exec cat "{box}/running.json"',
        "config": f'echo "config $*" >> "{box}/calls.log"',
        "systemctl": f'echo "systemctl $*" >> "{box}/calls.log"',
        # NVUE: `replace FILE` keeps FILE as the pending revision; `diff` shows all of it,
        # secrets included, as a real diff of a first deployment would.
        "nv": f'echo "nv $*" >> "{box}/calls.log"\n[ "$2" = replace ] && cp "$3" "{box}/pending.yaml"\n'
        f'[ "$2" = diff ] && sed "s/^/+ /" "{box}/pending.yaml"\n'
        # `show system security ...`: nothing imported yet; an import of a certificate with its
        # key keeps the two staged files it was given, as NVUE reads them.
        f'[ "$1" = show ] && echo "{{}}"\n'
        f'[ "$1" = action ] && [ "$5" = certificate ] && cat "$8" "${{10}}" > "{box}/imported-cert"\nexit 0',
    }
    for name, body in commands.items():
        path = box / "bin" / name
        path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        path.chmod(0o755)
    layer = tmp / "layer"
    (layer / "host_vars").mkdir(parents=True)
    (layer / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {host: None}}}), encoding="utf-8")
    overrides = {
        "ansible_connection": "local",
        "ansible_become": False,
        "ansible_python_interpreter": sys.executable,
        "aiinfra_build_dir": str(build),
        "aiinfra_sonic_config_db": str(box / "config_db.json"),
        "aiinfra_sonic_frr_conf": str(box / "frr.conf"),
        "aiinfra_nvue_file": str(box / "staged-nvue.yaml"),
        "aiinfra_sonic_tls_dir": str(box / "tls"),
    }
    (layer / "host_vars" / f"{host}.yml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    (tmp / "vault-pass").write_text("test-vault-password\n", encoding="utf-8")
    encrypted = run(
        [
            str(BIN / "ansible-vault"),
            "encrypt_string",
            "--vault-password-file",
            str(tmp / "vault-pass"),
            "--name",
            "vault_tacacs_key",
            TACACS,
        ],
        tmp,
    )
    assert encrypted.returncode == 0, encrypted.stderr
    (tmp / "secrets.yml").write_text(
        encrypted.stdout
        + f"vault_snmp_auth: {SNMP_AUTH}\nvault_snmp_priv: {SNMP_PRIV}\n"
        + f"vault_telemetry_tls_certificate: {TLS_CERT}\nvault_telemetry_tls_key: {TLS_KEY}\n"
        + f"vault_telemetry_tls_ca: {TLS_CA}\n",
        encoding="utf-8",
    )
    (tmp / "play.yml").write_text(PLAY.format(host=host, root=ROOT, mechanism=mechanism), encoding="utf-8")
    return box


def _deploy(tmp: Path, *flags: str, host: str = HOST):
    argv = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(tmp / "render" / "inventory"),
        "-i",
        str(tmp / "layer"),
        "--limit",
        host,
        "-e",
        f"@{tmp / 'secrets.yml'}",
        "--vault-password-file",
        str(tmp / "vault-pass"),
        *flags,
        str(tmp / "play.yml"),
    ]
    extra = {
        "PATH": f"{tmp / 'switch' / 'bin'}:{BIN}:/usr/bin:/bin",
        "ANSIBLE_FILTER_PLUGINS": str(ROOT / "playbooks" / "filter_plugins"),
    }
    return run(argv, tmp, timeout=300, extra=extra)


def _no_secret_in(output: str) -> None:
    for value in (TACACS, SNMP_AUTH, SNMP_PRIV, OLD_PASSKEY, TLS_KEY):
        assert value not in output, f"{value!r} printed by the run"


@needs_ansible
def test_deploy_fills_the_secrets_writes_0600_and_prints_none(rendered: Path, tmp_path: Path) -> None:
    box = _standin(tmp_path, rendered)
    result = _deploy(tmp_path, "--diff")
    assert result.returncode == 0, result.stdout + result.stderr
    _no_secret_in(result.stdout + result.stderr)
    assert "<secret vault_tacacs_key>" in result.stdout  # the masked CONFIG_DB diff was shown
    written = box / "config_db.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    config_db = json.loads(written.read_text(encoding="utf-8"))
    assert config_db["TACPLUS_SERVER"]["192.168.0.6"]["passkey"] == TACACS  # decrypted from Vault
    users = config_db["SNMP_USER"]
    assert {u["SNMP_USER_AUTH_PASSWORD"] for u in users.values()} == {SNMP_AUTH}
    assert {u["SNMP_USER_ENCRYPTION_PASSWORD"] for u in users.values()} == {SNMP_PRIV}
    assert config_db["DEVICE_METADATA"]["localhost"]["hwsku"] == "TEST-SKU"  # the box's facts kept
    assert "{{" not in written.read_text(encoding="utf-8")
    frr = (tmp_path / "render" / "configs" / f"{HOST}.frr.conf").read_text(encoding="utf-8")
    assert (box / "frr.conf").read_text(encoding="utf-8") == frr  # no secrets in it: byte for byte
    assert (box / "calls.log").read_text(encoding="utf-8").splitlines() == [f"config reload -y {written}"]
    tls = {p.name: (p.read_text(encoding="utf-8"), stat.S_IMODE(p.stat().st_mode)) for p in (box / "tls").iterdir()}
    # the files GNMI|certs names (server_crt, server_key, ca_crt), the key private
    certs = config_db["GNMI"]["certs"]
    assert {Path(certs[k]).name for k in ("server_crt", "server_key", "ca_crt")} == set(tls)
    assert tls[Path(certs["server_key"]).name] == (TLS_KEY, 0o600)
    assert tls[Path(certs["server_crt"]).name][0] == TLS_CERT and tls[Path(certs["ca_crt"]).name][0] == TLS_CA


@needs_ansible
def test_check_diff_touches_nothing_and_prints_no_secret(rendered: Path, tmp_path: Path) -> None:
    box = _standin(tmp_path, rendered)
    result = _deploy(tmp_path, "--check", "--diff")
    assert result.returncode == 0, result.stdout + result.stderr
    _no_secret_in(result.stdout + result.stderr)
    assert "<secret vault_tacacs_key>" in result.stdout
    assert not (box / "config_db.json").exists() and not (box / "frr.conf").exists()
    assert not (box / "tls").exists()
    assert not (box / "calls.log").exists()


@needs_ansible
@pytest.mark.parametrize("target", ["json", "frr.conf"])
def test_a_hostile_template_in_a_rendered_file_is_refused_not_run(rendered: Path, tmp_path: Path, target: str) -> None:
    box = _standin(tmp_path, rendered)
    marker = tmp_path / "PWNED"
    path = tmp_path / "render" / "configs" / f"{HOST}.{target}"
    if target == "json":
        config_db = json.loads(path.read_text(encoding="utf-8"))
        config_db["SNMP"] = {"CONTACT": {"Contact": HOSTILE % marker}}
        path.write_text(json.dumps(config_db), encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8") + f"! {HOSTILE % marker}\n", encoding="utf-8")
    result = _deploy(tmp_path)
    assert result.returncode != 0
    assert "template delimiter" in result.stdout + result.stderr
    assert not marker.exists(), "the hostile lookup ran on the controller"
    assert not (box / "config_db.json").exists()


def design_tls():
    tls = example("lab").design.telemetry
    assert tls is not None
    return tls.tls


@needs_ansible
def test_cumulus_gets_its_nvue_yaml_as_data_and_the_diff_redacted(rendered: Path, tmp_path: Path) -> None:
    box = _standin(tmp_path, rendered, CUMULUS, "cumulus")
    result = _deploy(tmp_path, "--diff", host=CUMULUS)
    assert result.returncode == 0, result.stdout + result.stderr
    _no_secret_in(result.stdout + result.stderr)
    assert "<secret vault_snmp_auth>" in result.stdout  # the redacted `nv config diff`
    assert not (box / "staged-nvue.yaml").exists()  # the clear-text staging file is gone
    text = (tmp_path / "render" / "configs" / f"{CUMULUS}.yaml").read_text(encoding="utf-8")
    for ref, value in (("{{ vault_tacacs_key }}", TACACS), ("{{ vault_snmp_auth }}", SNMP_AUTH)):
        text = text.replace(ref, value)
    text = text.replace("{{ vault_snmp_priv }}", SNMP_PRIV)
    assert yaml.safe_load((box / "pending.yaml").read_text(encoding="utf-8")) == yaml.safe_load(text)
    calls = (box / "calls.log").read_text(encoding="utf-8").splitlines()
    # the gNMI certificate and CA are imported (NVUE actions, outside the revision) before the
    # revision that names them is built; the staged key is gone again
    tls = design_tls()
    assert calls[:2] == [f"nv show system security {kind} --output json" for kind in ("certificate", "ca-certificate")]
    assert calls[2].startswith(f"nv action import system security certificate {tls.profile} uri-public-key ")
    assert calls[3] == f"nv action import system security ca-certificate {tls.ca_name} data {TLS_CA}"
    assert (box / "imported-cert").read_text(encoding="utf-8") == TLS_CERT + TLS_KEY
    staged = Path(calls[2].split()[-1]).parent
    assert not staged.exists()
    assert calls[4] == f"nv config replace {box / 'staged-nvue.yaml'}" and calls[5] == "nv config diff"
    assert calls[6].startswith("nv config apply --confirm 600s")


@needs_ansible
def test_openshift_installer_inputs_get_the_pull_secret_as_data(tmp_path: Path) -> None:
    """The install play, the real openshift.yml: the pull secret (JSON, full of quotes) lands
    in install-config.yaml as a YAML string, the file is 0600, and nothing else is templated."""
    build = tmp_path / "render"
    write_rendered(example("superpod-4su"), build)
    (tmp_path / "bin").mkdir()
    installer = tmp_path / "bin" / "openshift-install"
    installer.write_text('#!/bin/sh\ntouch "$5/agent.x86_64.iso"\n', encoding="utf-8")
    installer.chmod(0o755)
    pull_secret = json.dumps({"auths": {"quay.io": {"auth": "dXNlcjpwYXNz", "email": "ops@example.com"}}})
    (tmp_path / "secrets.yml").write_text(yaml.safe_dump({"vault_openshift_pull_secret": pull_secret}))
    argv = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(build / "inventory"),
        "-e",
        f"@{tmp_path / 'secrets.yml'}",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
        "--tags",
        "install",
        str(ROOT / "playbooks" / "openshift.yml"),
    ]
    result = run(argv, tmp_path, timeout=300, extra={"PATH": f"{tmp_path / 'bin'}:{BIN}:/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dXNlcjpwYXNz" not in result.stdout + result.stderr
    written = build / "openshift-install" / "install-config.yaml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    config = yaml.safe_load(written.read_text(encoding="utf-8"))
    rendered = yaml.safe_load((build / "openshift" / "install" / "install-config.yaml").read_text(encoding="utf-8"))
    assert config == {**rendered, "pullSecret": pull_secret}
    assert (build / "openshift-install" / "agent.x86_64.iso").exists()
