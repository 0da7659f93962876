"""Building blocks shared by every part of the spec model."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue

from aiinfra.nos import names as _driver_oses
from aiinfra.spec.text import CatalogName, check_free_text

SWITCH_OSES: tuple[str, ...] = _driver_oses()
"""The switch OSes a spec may name: one per driver folder under ``aiinfra/nos/``."""
if TYPE_CHECKING:
    SwitchOs = str
else:
    SwitchOs = Literal[SWITCH_OSES]  # built from the registry, so the spec cannot offer an OS without a driver

Speed = Literal["10G", "25G", "50G", "100G", "200G", "400G", "800G"]


def speed_gbps(speed: str) -> int:
    """``"400G"`` -> 400."""
    return int(speed.rstrip("G"))


class Strict(BaseModel):
    """Base for every spec object: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SecretRef(Strict):
    """A reference to a secret kept outside the spec.

    ``{vault: NAME}`` names an Ansible Vault variable; ``{env: NAME}`` an
    environment variable read by the playbooks at run time. The value itself
    never enters the spec, the design or any rendered file.
    """

    vault: Annotated[str | None, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = None
    env: Annotated[str | None, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = None

    @model_validator(mode="before")
    @classmethod
    def _reject_plaintext(cls, data: object) -> object:
        if isinstance(data, str | int | float):
            raise ValueError(
                "plaintext secrets are not allowed; write {vault: NAME} or {env: NAME} "
                "and keep the value in Ansible Vault or the environment"
            )
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.vault is None) == (self.env is None):
            raise ValueError("give exactly one of 'vault' or 'env'")
        return self

    @property
    def ansible_expression(self) -> str:
        """How a rendered file refers to the secret: an Ansible variable or lookup."""
        if self.vault:
            return "{{ " + self.vault + " }}"
        return "{{ lookup('ansible.builtin.env', '" + str(self.env) + "') }}"


def parse_ratio(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*", text)
    if not m or float(m.group(2)) == 0:
        raise ValueError(f"{text!r} is not a ratio; write it like '1:1' or '3:1'")
    value = float(m.group(1)) / float(m.group(2))
    if value < 1:
        raise ValueError(f"{text!r}: oversubscription below 1:1 wastes uplinks; use '1:1' or more")
    return value


def _check_ratio(text: str) -> str:
    """Refuse at validation what :func:`parse_ratio` would refuse while designing."""
    parse_ratio(text)
    return text


RatioStr = Annotated[str, Field(pattern=r"^\s*\d+(\.\d+)?\s*:\s*\d+(\.\d+)?\s*$"), AfterValidator(_check_ratio)]


class SwitchChoice(Strict):
    """A switch model from the catalog and the network OS it runs."""

    model: CatalogName
    os: SwitchOs


class TieredSwitches(Strict):
    """Switches per tier. Write ``{model, os}`` to use one choice for every tier."""

    leaf: SwitchChoice
    spine: SwitchChoice | None = None
    super_spine: SwitchChoice | None = None

    @model_validator(mode="before")
    @classmethod
    def _shared(cls, data: object) -> object:
        if isinstance(data, dict) and ("model" in data or "os" in data):
            return {"leaf": data}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Editors should accept the ``{model, os}`` shorthand that ``_shared`` accepts."""
        tiered = handler(core_schema)
        return {"anyOf": [tiered, handler(SwitchChoice.__pydantic_core_schema__)]}

    def for_tier(self, tier: str) -> SwitchChoice:
        if tier == "leaf":
            return self.leaf
        if tier == "spine":
            return self.spine or self.leaf
        return self.super_spine or self.spine or self.leaf


_SSH_KEY = re.compile(
    r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$"
)


MAX_SSH_KEY = 16_384
"""Longer than any OpenSSH public key (an ssh-rsa 16384-bit key is about 2,800 characters)."""


def check_ssh_key(value: str) -> str:
    """An OpenSSH public key line; its free-form comment is free text like any other."""
    if len(value) > MAX_SSH_KEY:
        raise ValueError(f"an SSH public key is at most {MAX_SSH_KEY:,} characters; this one has {len(value):,}")
    check_free_text(value.strip())
    if not _SSH_KEY.fullmatch(value.strip()):
        raise ValueError("not an OpenSSH public key (expected 'ssh-ed25519 AAAA... comment')")
    return value.strip()


__all__ = [
    "SWITCH_OSES",
    "RatioStr",
    "SecretRef",
    "Speed",
    "Strict",
    "SwitchChoice",
    "SwitchOs",
    "TieredSwitches",
    "check_ssh_key",
    "parse_ratio",
    "speed_gbps",
]
