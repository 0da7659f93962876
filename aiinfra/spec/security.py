"""``security``: who may log in, how, and with which keys (by reference only)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from aiinfra.spec.base import SecretRef, Strict, check_ssh_key
from aiinfra.spec.errors import raise_field_problems
from aiinfra.spec.site import ServerAddress, duplicate_problems
from aiinfra.spec.text import BannerText, FreeText


class AaaServer(Strict):
    address: ServerAddress
    key: SecretRef


class Aaa(Strict):
    """Remote authentication; local users remain as the fallback."""

    protocol: Literal["tacacs", "radius"]
    servers: list[AaaServer] = Field(min_length=1)

    @model_validator(mode="after")
    def _once(self) -> Aaa:
        addresses = [s.address for s in self.servers]
        raise_field_problems(Aaa, duplicate_problems(addresses, "servers", "server", "address"))
        return self


class LocalUser(Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_-]{0,31}$")
    role: Literal["admin", "operator"] = "admin"
    ssh_keys: list[str] = Field(min_length=1, description="OpenSSH public keys; SSH keys only, no passwords.")
    password_hash: SecretRef | None = Field(
        default=None, description="Optional console fallback: a reference to a crypt(3) hash."
    )

    @field_validator("ssh_keys")
    @classmethod
    def _keys(cls, keys: list[str]) -> list[str]:
        return [check_ssh_key(k) for k in keys]


class SnmpUser(Strict):
    """SNMPv3 user. authPriv is the only mode aiinfra renders."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
    auth: Literal["sha", "sha-256", "sha-512"] = "sha-256"
    auth_key: SecretRef
    priv: Literal["aes128", "aes256"] = "aes128"
    priv_key: SecretRef


class Snmp(Strict):
    users: list[SnmpUser] = Field(min_length=1)
    contact: FreeText = ""
    location: FreeText = ""

    @model_validator(mode="after")
    def _once(self) -> Snmp:
        names = [u.name for u in self.users]
        raise_field_problems(Snmp, duplicate_problems(names, "users", "SNMP user", "name"))
        return self


class Security(Strict):
    aaa: Aaa | None = None
    users: list[LocalUser] = Field(min_length=1)
    snmp: Snmp | None = None
    banner: BannerText = Field(
        default="Authorized access only. Activity is logged.",
        max_length=2000,
    )

    @field_validator("users")
    @classmethod
    def _once(cls, users: list[LocalUser]) -> list[LocalUser]:
        # a field validator, so repeats are reported even when aaa or snmp has problems too
        problems = duplicate_problems([u.name for u in users], "users", "user", "name")
        raise_field_problems(Security, [(loc[1:], message, value) for loc, message, value in problems])
        return users
