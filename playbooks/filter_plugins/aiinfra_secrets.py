"""Ansible filters: put secrets into a rendered config without a second template pass.

A rendered config refers to each secret by the Ansible expression its SecretRef gives
(``{{ vault_tacacs_key }}``, ``{{ lookup('ansible.builtin.env', 'NAME') }}``). Passing the
whole file through Ansible's template engine would also run anything else that looks like
a template, e.g. ``{{ lookup('ansible.builtin.pipe', 'id') }}`` in a free-text field, on
the controller, and would print a secret into any field that names it. So the playbooks
read the file as plain data (``lookup('ansible.builtin.file')``, which does not template)
and these filters replace exactly the references the inventory declares for the host
(``aiinfra_secrets``: a list of ``{ref, value}``, ``ref`` literal, ``value`` the templated
expression). Anything else that looks like a template is refused, not run.

- ``aiinfra_fill_secrets(data, secrets, mask=False)``: the file text, or its parsed JSON or
  YAML, with each reference replaced by its value (or, with ``mask``, by a mask
  that names it, for diffs that must not show the value).
- ``aiinfra_redact(data, secrets)``: device output with every secret value replaced by
  its mask, for showing a diff the switch computed.
- ``aiinfra_mask_like(running, intended, secrets)``: a running config (parsed JSON) with
  every field that holds a secret in the rendered ``intended`` masked, so a diff of the two
  shows neither the new nor the old value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

try:  # Ansible reports its own filter error with the task; plain Python gets a ValueError
    from ansible.errors import AnsibleFilterError as SecretError  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - without Ansible installed
    SecretError = ValueError  # type: ignore[assignment,misc]

DELIMITER = re.compile(r"\{[{%#]")
# Characters a secret value may not carry into a config: a line break would start a new
# config line, and in a text config a double quote would end the quoted string it sits in.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _masked(ref: str) -> str:
    inner = ref.strip()
    inner = inner[2:-2].strip() if inner.startswith("{{") and inner.endswith("}}") else inner
    return f"<secret {inner}>"


def _table(secrets: Any) -> dict[str, str]:
    """ref -> value from the inventory's ``aiinfra_secrets``; refuses malformed entries."""
    out: dict[str, str] = {}
    for n, entry in enumerate(secrets or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("ref"), str) or "value" not in entry:
            raise SecretError(f"aiinfra_secrets[{n}] must be a mapping with 'ref' and 'value'")
        ref = str(entry["ref"])
        if not ref.startswith("{{") or not ref.endswith("}}"):
            raise SecretError(f"aiinfra_secrets[{n}].ref is not a secret reference: {ref!r}")
        out[ref] = "" if entry["value"] is None else str(entry["value"])
    return out


def _pattern(table: dict[str, str]) -> re.Pattern[str] | None:
    if not table:
        return None
    return re.compile("|".join(re.escape(ref) for ref in sorted(table, key=len, reverse=True)))


def _check_value(ref: str, value: str, text_mode: bool) -> str:
    if not value:
        raise SecretError(f"secret {_masked(ref)} is empty or unset: define it in Ansible Vault or the environment")
    if CONTROL.search(value):
        raise SecretError(f"secret {_masked(ref)} contains a control character; it could inject config lines")
    if text_mode and '"' in value:
        raise SecretError(f"secret {_masked(ref)} contains a double quote, which would end its quoted config string")
    return value


def _fill_string(text: str, where: str, table: dict[str, str], mask: bool, text_mode: bool) -> str:
    pattern = _pattern(table)
    stripped = pattern.sub("", text) if pattern else text
    hit = DELIMITER.search(stripped)
    if hit:
        line = stripped.count("\n", 0, hit.start()) + 1
        snippet = stripped[hit.start() : hit.start() + 40].split("\n")[0]
        raise SecretError(
            f"{where}line {line}: template delimiter {snippet!r} outside the declared secret references; "
            "aiinfra never renders one, so the file was changed or a free-text field carries one. Not deploying it"
        )
    if pattern is None:
        return str(text)

    def value(m: re.Match[str]) -> str:
        ref = m.group(0)
        return _masked(ref) if mask else _check_value(ref, table[ref], text_mode)

    return pattern.sub(value, str(text))


def _walk(data: Any, leaf: Callable[[str, str], str], path: str = "") -> Any:
    """A copy of parsed JSON/YAML with ``leaf`` applied to every string, keys included."""
    if isinstance(data, dict):
        return {
            (leaf(k, f"{path}key {k!r}: ") if isinstance(k, str) else k): _walk(v, leaf, f"{path}{k}.")
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [_walk(v, leaf, f"{path}{n}.") for n, v in enumerate(data)]
    if isinstance(data, str):
        return leaf(data, f"{path[:-1]}: " if path else "")
    return data


def aiinfra_fill_secrets(data: Any, secrets: Any, mask: bool = False) -> Any:
    """``data`` with each declared secret reference replaced; any other template refused.

    A string is treated as a text config (values may not hold a double quote); parsed
    JSON/YAML is walked, keys included, and its serializer escapes whatever the value holds.
    """
    table = _table(secrets)
    if isinstance(data, str):
        return _fill_string(data, "", table, bool(mask), text_mode=True)
    return _walk(data, lambda s, where: _fill_string(s, where, table, bool(mask), text_mode=False))


def aiinfra_redact(data: Any, secrets: Any) -> Any:
    """``data`` (text, lines or parsed output) with every secret value replaced by its mask."""
    table = {ref: value for ref, value in _table(secrets).items() if value}
    if not table:
        return data
    pattern = re.compile("|".join(re.escape(v) for v in sorted(table.values(), key=len, reverse=True)))
    names = {value: _masked(ref) for ref, value in table.items()}
    return _walk(data, lambda s, _where: pattern.sub(lambda m: names[m.group(0)], str(s)))


def aiinfra_mask_like(running: Any, intended: Any, secrets: Any) -> Any:
    """``running`` with every field that could hold a secret masked.

    A field could hold one if the rendered ``intended`` keeps a secret reference under the
    same key name anywhere (``passkey``, ``SNMP_USER_AUTH_PASSWORD``, ...): at the same path
    it gets ``intended``'s masked string, so an unchanged field shows no difference;
    elsewhere ``<secret>``. So a diff shows neither the box's old value nor the new one.
    Values of the current secrets are redacted anywhere else.
    """
    table = _table(secrets)
    pattern = _pattern(table)
    masked = aiinfra_redact(running, secrets)
    if pattern is None:
        return masked
    names: set[Any] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and pattern.search(value):
                    names.add(key)
                collect(value)
        elif isinstance(node, list | tuple):
            for value in node:
                collect(value)

    def overlay(node: Any, mirror: Any) -> Any:
        if not isinstance(node, dict):
            return node
        mirror = mirror if isinstance(mirror, dict) else {}
        out = {}
        for key, value in node.items():
            twin = mirror.get(key)
            if key in names and isinstance(value, str):
                out[key] = pattern.sub(lambda m: _masked(m.group(0)), twin) if isinstance(twin, str) else "<secret>"
            else:
                out[key] = overlay(value, twin)
        return out

    collect(intended)
    return overlay(masked, intended)


class FilterModule:
    """Registers the secret filters for the deploy tasks."""

    def filters(self) -> dict[str, Any]:
        return {
            "aiinfra_fill_secrets": aiinfra_fill_secrets,
            "aiinfra_redact": aiinfra_redact,
            "aiinfra_mask_like": aiinfra_mask_like,
        }
