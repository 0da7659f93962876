"""Every rendered Kubernetes object checked against its API's own schema.

Objects are the YAML documents of ``openshift/manifests/*.yaml``. Each goes to the
schema its API publishes:

- built-in kinds (Namespace, ConfigMap, ...): ``kubernetes-validate`` with strict
  field validation, as ``kubectl apply --validate=strict`` would;
- operator kinds: the upstream CRD in ``../shared/schemas/crds`` through
  ``tests/platforms/crdschema.py`` (unknown keys refused where the CRD lists fields);
- NodeNetworkConfigurationPolicy additionally: its ``desiredState``, free-form in
  the CRD, against the strict NMState models of ``tests/platforms/nmstate.py``.

A kind with none of these is a problem, unless it is in ``NO_PUBLISHED_SCHEMA``,
which names each kind aiinfra renders whose API ships no schema that could be
vendored, and why. The installer inputs under ``openshift/install/`` are files for
``openshift-install``, not objects sent to an API server, and are out of scope here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import kubernetes_validate
import pydantic
import yaml

from tests.platforms import crdschema
from tests.platforms.nmstate import DesiredState

K8S_VERSION = "1.35.0"  # as tests/platforms/test_openshift.py
MANIFEST = re.compile(r"^openshift/manifests/[^/]+\.ya?ml$")
NO_PUBLISHED_SCHEMA = {
    # machineconfiguration.openshift.io: its CRD lives in openshift/api and is not in ../shared/schemas;
    # its payload is an Ignition 3 config, whose keys test_openshift.py checks against the Design.
    "MachineConfig": "machineconfiguration.openshift.io/v1",
    # nfd.openshift.io: the NFD operator's CRD is not in ../shared/schemas.
    "NodeFeatureDiscovery": "nfd.openshift.io/v1",
}


@cache
def crd_kinds() -> frozenset[str]:
    if not crdschema.available():
        return frozenset()
    crds = (yaml.load(p.read_text(), Loader=crdschema.LOADER) for p in sorted(crdschema.CRDS.glob("*.yaml")))
    return frozenset(c["spec"]["names"]["kind"] for c in crds)


def object_problems(obj: Any, kinds: frozenset[str]) -> list[str]:
    """Problems of one object; ``kinds`` are those with a vendored CRD."""
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str) or not obj.get("apiVersion"):
        return ["not a Kubernetes object (no apiVersion/kind)"]
    kind = obj["kind"]
    where = f"{kind} {obj.get('metadata', {}).get('name', '?')}"
    if kind in kinds:
        out = [f"{where}: {e}" for e in crdschema.errors(obj)]
        if kind == "NodeNetworkConfigurationPolicy":
            try:
                DesiredState.model_validate(obj.get("spec", {}).get("desiredState"))
            except pydantic.ValidationError as exc:
                out += [f"{where}: desiredState.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return out
    if kind in NO_PUBLISHED_SCHEMA and obj["apiVersion"] == NO_PUBLISHED_SCHEMA[kind]:
        return []
    try:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{where}: {'.'.join(map(str, exc.path))}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{where}: no schema for {obj['apiVersion']} {kind} (no CRD in {crdschema.CRDS}, not a built-in kind)"]
    return []


def problems(files: Mapping[str, bytes]) -> list[str]:
    out: list[str] = []
    paths = sorted(p for p in files if MANIFEST.match(p))
    kinds = crd_kinds() if paths else frozenset()
    for path in paths:
        data = files[path]
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        try:
            docs = [d for d in yaml.load_all(text, Loader=crdschema.LOADER) if d is not None]
        except yaml.YAMLError as exc:
            out.append(f"{path}: not YAML: {exc}")
            continue
        for n, doc in enumerate(docs):
            out += [f"{path}[{n}]: {m}" for m in object_problems(doc, kinds)]
    return out
