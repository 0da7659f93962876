"""``site``: where the cluster lives and how it is managed."""

from __future__ import annotations

import difflib
import zoneinfo
from functools import cache
from ipaddress import IPv4Address, IPv4Network, collapse_addresses
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from aiinfra.errors import Path
from aiinfra.spec.base import Strict
from aiinfra.spec.errors import FieldProblem, raise_field_problems
from aiinfra.spec.text import DomainName

UTC_NAMES = frozenset({"UTC", "Etc/UTC"})
# Entries of a zoneinfo directory that are not zones a switch or host can be set to.
NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
ANY_IPV4 = IPv4Network("0.0.0.0/0")


@cache
def iana_timezones() -> frozenset[str]:
    """Zone names of the IANA time zone database on this machine (the system's
    zoneinfo, or the ``tzdata`` package where Python finds it), plus UTC."""
    return frozenset(zoneinfo.available_timezones() - NOT_ZONES) | UTC_NAMES


def timezone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA zone, with the closest names; None when it is one."""
    zones = iana_timezones()
    if name in zones:
        return None
    if zones == UTC_NAMES:
        return (
            f"cannot check time zone {name!r}: this machine has no IANA time zone database "
            "(install the system tzdata package or the tzdata Python package), so only UTC is accepted"
        )
    folded = {z.lower(): z for z in zones}
    close = [folded[name.lower()]] if name.lower() in folded else []
    close += [z for z in difflib.get_close_matches(name, sorted(zones), n=3, cutoff=0.6) if z not in close]
    hint = f"did you mean {', '.join(close)}?" if close else "write an IANA name such as Europe/Amsterdam, or UTC"
    return f"{name!r} is not a time zone in the IANA database; {hint}"


def address_class_problem(address: IPv4Address) -> str | None:
    """Why ``address`` can never be a server a device sends to; None when it can be."""
    if address.is_unspecified:
        return f"{address} is the unspecified address, not a server"
    if address.is_loopback:
        return f"{address} is a loopback address: every device would talk to itself"
    if address == IPv4Address("255.255.255.255"):
        return f"{address} is the limited broadcast address, not a server"
    if address.is_multicast:
        return f"{address} is a multicast address; give the server's unicast address"
    if address.is_reserved:
        return f"{address} is in the reserved 240.0.0.0/4 block, which devices do not route"
    return None


def _unicast(address: IPv4Address) -> IPv4Address:
    problem = address_class_problem(address)
    if problem:
        raise ValueError(problem)
    return address


ServerAddress = Annotated[IPv4Address, AfterValidator(_unicast)]
"""The address of a server a device sends to (AAA, collectors): unicast and routable."""


def duplicate_problems(values: list[Any], field: str, what: str, key: str | None = None) -> list[FieldProblem]:
    """One problem per repeat of an earlier entry, at the repeat (``field[i]``, or
    ``field[i].key`` when ``values`` are taken from that key of each entry)."""
    first: dict[Any, int] = {}
    out: list[FieldProblem] = []
    for i, value in enumerate(values):
        if value in first:
            shown = repr(value) if isinstance(value, str) else str(value)
            loc: Path = (field, i) if key is None else (field, i, key)
            where = f"{field}[{first[value]}]" + (f".{key}" if key else "")
            out.append((loc, f"{what} {shown} is already {where}; list each {what} once", value))
        first.setdefault(value, i)
    return out


class Management(Strict):
    """The out-of-band management network every device's management port sits on."""

    network: IPv4Network = Field(description="OOB management subnet, e.g. 192.168.0.0/22")
    gateway: IPv4Address
    allowed_cidrs: list[IPv4Network] = Field(
        min_length=1,
        description="Only these prefixes may reach SSH/SNMP/NTP on any device (management ACL).",
    )
    allow_any: bool = Field(
        default=False,
        description="Set to true to let allowed_cidrs open management to every address (0.0.0.0/0).",
    )
    first_host_offset: int = Field(
        default=10, ge=1, description="Management IPs are allocated from network + this offset."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Management:
        problems: list[FieldProblem] = []
        net = self.network
        if self.gateway not in net:
            problems.append((("gateway",), f"gateway {self.gateway} is not inside {net}", self.gateway))
        elif net.prefixlen <= 30 and self.gateway in (net.network_address, net.broadcast_address):
            which = "network" if self.gateway == net.network_address else "broadcast"
            problems.append(
                (
                    ("gateway",),
                    f"gateway {self.gateway} is the {which} address of {net}; use a host address, "
                    f"{net.network_address + 1} to {net.broadcast_address - 1}",
                    self.gateway,
                )
            )
        if self.first_host_offset >= net.num_addresses - 1:
            problems.append(
                (
                    ("first_host_offset",),
                    f"offset {self.first_host_offset} is beyond the {net.num_addresses} addresses of {net}; "
                    f"use 1 to {max(1, net.num_addresses - 2)}",
                    self.first_host_offset,
                )
            )
        problems += self._acl_problems()
        raise_field_problems(Management, problems)
        return self

    def _acl_problems(self) -> list[FieldProblem]:
        problems = duplicate_problems(self.allowed_cidrs, "allowed_cidrs", "prefix")
        if self.allow_any:
            return problems
        covered = sum(n.num_addresses for n in collapse_addresses(self.allowed_cidrs))
        if covered == ANY_IPV4.num_addresses:
            loc: Path = ("allowed_cidrs",)
            for i, n in enumerate(self.allowed_cidrs):
                if n.prefixlen == 0:
                    loc = ("allowed_cidrs", i)
            problems.append(
                (
                    loc,
                    "allowed_cidrs admits every IPv4 address, so the management ACL protects nothing; list "
                    "the management and operator prefixes, or set allow_any: true beside it to mean it",
                    [str(n) for n in self.allowed_cidrs],
                )
            )
        return problems


class Site(Strict):
    """Site-wide services every device and node is pointed at."""

    domain: DomainName
    management: Management
    dns: list[IPv4Address] = Field(min_length=1)
    ntp: list[IPv4Address] = Field(min_length=1)
    syslog: list[IPv4Address] = Field(default_factory=list)
    timezone: str = Field(default="UTC", pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")

    @field_validator("timezone", mode="before")
    @classmethod
    def _iana(cls, value: object) -> object:
        # before the pattern, so a misspelt zone gets the close matches, not a regex
        if isinstance(value, str):
            problem = timezone_problem(value)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("dns", "ntp", "syslog")
    @classmethod
    def _servers(cls, servers: list[IPv4Address], info: ValidationInfo) -> list[IPv4Address]:
        # a field validator, so these are reported even when another part of site has problems
        field = str(info.field_name)
        problems = duplicate_problems(servers, field, "server")
        mgmt = info.data.get("management")
        net = mgmt.network if isinstance(mgmt, Management) and mgmt.network.prefixlen <= 30 else None
        for i, address in enumerate(servers):
            problem = address_class_problem(address)
            if problem is None and net is not None and address in (net.network_address, net.broadcast_address):
                which = "network" if address == net.network_address else "broadcast"
                problem = f"{address} is the {which} address of the management network {net}"
            if problem:
                problems.append(((field, i), problem, address))
        raise_field_problems(Site, [(loc[1:], message, value) for loc, message, value in problems])
        return servers
