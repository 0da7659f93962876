"""The Kubernetes/OpenShift files of the apps intent, one file per concern in apply order."""

from __future__ import annotations

from typing import Any

from aiinfra.apps.kube_policy import hpa, namespace, network_policies, pdb, secrets, service_monitor, services
from aiinfra.apps.kube_workloads import workload
from aiinfra.design.apps_model import AppsIntent
from aiinfra.render.yamlout import dump

HEADER = "# Rendered by aiinfra from cluster.yaml; edit the spec, not this file.\n"
DIR = "apps/kubernetes"
SECRETS = f"{DIR}/05-secrets.yaml"  # secret references: the apps play fills them in (aiinfra_fill_secrets)


def _file(objs: list[dict[str, Any]]) -> str:
    return HEADER + "---\n".join(dump(o) for o in objs)


def files(a: AppsIntent) -> dict[str, str]:
    out = {f"{DIR}/00-namespace.yaml": _file([namespace(a)])}
    secret_objs = [o for s in a.services for o in secrets(a, s)]
    if secret_objs:
        out[SECRETS] = _file(secret_objs)
    out[f"{DIR}/10-network-policies.yaml"] = _file(network_policies(a))
    for s in a.services:
        objs = [*workload(a, s), *services(a, s), pdb(a, s), service_monitor(a, s)]
        scaler = hpa(a, s)
        if scaler is not None:
            objs.append(scaler)
        out[f"{DIR}/20-{s.role}-{s.name}.yaml"] = _file(objs)
    return out


__all__ = ["DIR", "SECRETS", "files"]
