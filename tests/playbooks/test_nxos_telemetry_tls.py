"""NX-OS trustpoints are filled once: the decision task of aiinfra/nos/nxos/tasks/telemetry-tls.yml,
run by real Ansible on `show crypto ca certificates` text, asks for exactly the missing parts.

The output shapes follow the NX-OS PKI guide: one "Trustpoint: <name>" block per trustpoint,
"certificate:" before an identity certificate, "CA certificate 0:" before the first CA one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.playbooks.ansiblerun import BIN, ROOT, needs_ansible, run

TASKS = ROOT / "aiinfra/nos/nxos/tasks/telemetry-tls.yml"
DECIDE = "Decide which trustpoints still need their certificate"
BOTH = """Trustpoint: aiinfra-telemetry
certificate:
subject= /CN=lab-be-spine-01
issuer= /CN=aiinfra-telemetry-ca
CA certificate 0:
subject= /CN=aiinfra-telemetry-ca

Trustpoint: aiinfra-telemetry-ca
CA certificate 0:
subject= /CN=aiinfra-telemetry-ca
"""
# the identity's block still holds its CA, the client root's is empty
ROOT_MISSING = BOTH.split("\nTrustpoint: aiinfra-telemetry-ca")[0] + "\nTrustpoint: aiinfra-telemetry-ca\n"
IDENTITY_MISSING = "Trustpoint: aiinfra-telemetry\n\n" + BOTH[BOTH.index("Trustpoint: aiinfra-telemetry-ca") :]
CASES = {  # show output -> (identity needed, client root needed)
    "": (True, True),
    BOTH: (False, False),
    ROOT_MISSING: (False, True),
    IDENTITY_MISSING: (True, False),
}


def _decide_task() -> dict[str, Any]:
    block = yaml.safe_load(TASKS.read_text(encoding="utf-8"))[0]["block"]
    return dict(next(t for t in block if t["name"] == DECIDE))


@needs_ansible
@pytest.mark.slow  # one ansible-playbook run, about 10 s
def test_only_missing_certificates_are_installed(tmp_path: Path) -> None:
    plays = [
        {
            "name": f"case {i}",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {
                "aiinfra_telemetry_tls": {"profile": "aiinfra-telemetry", "ca_name": "aiinfra-telemetry-ca"},
                "aiinfra_nxos_tls_have": {"stdout": [out]},
            },
            "tasks": [
                _decide_task(),
                {
                    "name": "Report",
                    "ansible.builtin.debug": {"msg": "DECISION {{ [identity | bool, root | bool] | to_json }}"},
                    "vars": {"identity": "{{ aiinfra_nxos_tls_identity }}", "root": "{{ aiinfra_nxos_tls_root }}"},
                },
            ],
        }
        for i, out in enumerate(CASES)
    ]
    playbook = tmp_path / "decide.yml"
    playbook.write_text(yaml.safe_dump(plays), encoding="utf-8")
    result = run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    found = [
        json.loads(line.split("DECISION ", 1)[1].rstrip('"'))
        for line in result.stdout.splitlines()
        if "DECISION" in line
    ]
    assert found == [list(v) for v in CASES.values()]


@pytest.mark.parametrize(
    "name", ["Import the server identity into its trustpoint", "Bundle the certificate, its key and the CA as PKCS#12"]
)
def test_the_passphrase_is_drawn_per_run_and_never_logged(name: str) -> None:
    text = TASKS.read_text(encoding="utf-8")
    assert "lookup('ansible.builtin.password', '/dev/null'" in text  # generated, never stored
    block = yaml.safe_load(text)[0]["block"]
    inner = next(t for t in block if "block" in t)["block"]
    task = next(t for t in inner if t["name"] == name)
    assert task["no_log"] is True and "aiinfra_nxos_p12_passphrase" in json.dumps(task)
