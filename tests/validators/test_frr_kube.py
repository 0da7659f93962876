"""The FRR and Kubernetes validators: they accept what aiinfra renders and refuse broken input."""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from aiinfra.pipeline import render_files
from tests import validators
from tests.conftest import example
from tests.platforms.examples import example_result
from tests.validators import frr_vtysh, kube

NNCP = "openshift/manifests/60-nncp-superpod-dgx-001.yaml"
CONFIGMAP = "openshift/manifests/50-nccl-env-configmap.yaml"


@cache
def lab_files() -> dict[str, bytes]:
    return render_files(example("lab")).files


@cache
def openshift_files() -> dict[str, bytes]:
    return render_files(example_result("superpod-4su")).files


def test_vtysh_accepts_the_lab_frr_configs() -> None:
    files = lab_files()
    assert any(p.endswith(".frr.conf") for p in files)
    assert frr_vtysh.problems(files) == []
    lab = frr_vtysh.lab_files(example("lab").design)
    assert lab and frr_vtysh.problems(lab) == []


def test_vtysh_refuses_an_unknown_command() -> None:
    name, text = next((p, t) for p, t in sorted(lab_files().items()) if p.endswith(".frr.conf"))
    broken = text.replace(b"router bgp", b"router bgp 1\n neighbor foo bar baz\nrouter bgp", 1)
    found = frr_vtysh.problems({name: broken, "configs/other.cfg": b"not FRR"})
    assert len(found) == 1 and found[0].startswith(f"{name}: vtysh -C exit") and "Unknown command" in found[0]


def test_kube_accepts_the_openshift_manifests() -> None:
    files = openshift_files()
    assert sum(p.startswith("openshift/manifests/") for p in files) > 5
    assert kube.problems(files) == []


def test_kube_refuses_wrong_types_unknown_keys_and_unknown_kinds() -> None:
    files = dict(openshift_files())
    cm = yaml.safe_load(files[CONFIGMAP])
    cm["data"]["NCCL_IB_TC"] = 106  # ConfigMap data is strings only
    nncp = yaml.safe_load(files[NNCP])
    nncp["spec"]["desiredState"]["interfaces"][0]["prefix_length"] = 31  # free-form in the CRD, not in NMState
    nncp["spec"]["nodeSelectr"] = {}  # a typo the CRD refuses
    files[CONFIGMAP] = yaml.safe_dump(cm).encode()
    files[NNCP] = yaml.safe_dump(nncp).encode()
    files["openshift/manifests/99-new.yaml"] = b"apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"
    found = kube.problems(files)
    assert any(p.startswith(CONFIGMAP) and "data.NCCL_IB_TC" in p for p in found)
    assert any(p.startswith(NNCP) and "prefix_length" in p for p in found)
    assert any(p.startswith(NNCP) and "nodeSelectr" in p for p in found)
    assert any(p.startswith("openshift/manifests/99-new.yaml") and "no schema" in p for p in found)


def test_a_missing_checker_module_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validators, "CHECKERS", ("nvue", "no_such_checker"))
    with pytest.raises(RuntimeError, match=r"tests\.validators\.no_such_checker is missing"):
        validators.vendor_problems({})
