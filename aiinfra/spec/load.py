"""Load and validate ``cluster.yaml``: YAML -> plain data -> :class:`ClusterSpec`.

Every problem becomes a positioned :class:`~aiinfra.errors.Diagnostic`; all of
them are reported at once. The loader stage also reads the site's node facts file
(``compute.node_facts``), so ``build_design`` receives every input it decides from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from aiinfra.errors import Diagnostic, Path, SpecError
from aiinfra.spec.errors import translate_validation_error
from aiinfra.spec.loader import SourceMap, load_yaml
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.node_facts import LoadedFacts, load_node_facts, resolve

_SECRET_KEY = re.compile(
    r"^(password|passwd|secret|token|key|community|passphrase|pull_secret|password_hash)$"
    r"|(_key|_secret|_password|_token)$"
)


_PUBLIC_KEYS = {"ssh_key", "ssh_keys"}


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec with where it came from, for positioned semantic errors."""

    spec: ClusterSpec
    source: SourceMap
    path: FsPath
    facts: LoadedFacts | None = None  # compute.node_facts, validated and positioned in its own file

    def diagnostic(self, path: Path, message: str) -> Diagnostic:
        return self.source.diagnostic(path, message)


def find_plaintext_secrets(data: Any, path: Path = ()) -> list[Path]:
    """Paths whose key names a secret but whose value is a bare scalar."""
    found: list[Path] = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, str(key))
            if (
                key not in _PUBLIC_KEYS
                and _SECRET_KEY.search(str(key))
                and isinstance(value, str | int | float)
                and value != ""
            ):
                found.append(child)
            else:
                found.extend(find_plaintext_secrets(value, child))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found.extend(find_plaintext_secrets(item, (*path, i)))
    return found


def validate_data(data: Any, source: SourceMap) -> ClusterSpec:
    """Validate already-loaded YAML data; raise SpecError with every problem."""
    diagnostics: list[Diagnostic] = []
    secret_paths = find_plaintext_secrets(data)
    for p in secret_paths:
        diagnostics.append(
            source.diagnostic(
                p,
                "plaintext secret; write {vault: NAME} or {env: NAME} and keep the value in "
                "Ansible Vault or the environment",
            )
        )
    if not isinstance(data, dict):
        raise SpecError([source.diagnostic((), "the top level must be a mapping of keys")])
    try:
        spec = ClusterSpec.model_validate(data)
    except ValidationError as exc:
        seen = set(secret_paths)
        for path, message in translate_validation_error(exc):
            if path in seen:
                continue
            diagnostics.append(source.diagnostic(path, message))
        raise SpecError(diagnostics) from None
    if diagnostics:
        raise SpecError(diagnostics)
    return spec


def load_spec(file: FsPath | str) -> LoadedSpec:
    """Read and validate one cluster.yaml and its node facts file (schema-level checks only;
    the facts are checked against the design by ``build_design``)."""
    file = FsPath(file)
    data, source = load_yaml(file, display_name=str(file))
    spec = validate_data(data, source)
    facts = None
    if spec.compute.node_facts is not None:
        facts = load_node_facts(resolve(file.parent, spec.compute.node_facts))
    return LoadedSpec(spec, source, file, facts)


__all__ = ["ClusterSpec", "LoadedSpec", "load_spec", "validate_data"]
