"""``site``: where the cluster lives and how it is managed."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from pydantic import Field, model_validator

from aiinfra.spec.base import Strict
from aiinfra.spec.text import DomainName


class Management(Strict):
    """The out-of-band management network every device's management port sits on."""

    network: IPv4Network = Field(description="OOB management subnet, e.g. 192.168.0.0/22")
    gateway: IPv4Address
    allowed_cidrs: list[IPv4Network] = Field(
        min_length=1,
        description="Only these prefixes may reach SSH/SNMP/NTP on any device (management ACL).",
    )
    first_host_offset: int = Field(
        default=10, ge=1, description="Management IPs are allocated from network + this offset."
    )

    @model_validator(mode="after")
    def _gateway_inside(self) -> Management:
        if self.gateway not in self.network:
            raise ValueError(f"gateway {self.gateway} is not inside {self.network}")
        return self


class Site(Strict):
    """Site-wide services every device and node is pointed at."""

    domain: DomainName
    management: Management
    dns: list[IPv4Address] = Field(min_length=1)
    ntp: list[IPv4Address] = Field(min_length=1)
    syslog: list[IPv4Address] = Field(default_factory=list)
    timezone: str = Field(default="UTC", pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$")
