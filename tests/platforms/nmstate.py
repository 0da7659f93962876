"""The NMState subset aiinfra emits, as strict models.

The NNCP CRD leaves ``desiredState`` free-form (preserve-unknown-fields), so a typo
such as ``prefix_length`` or ``next-hop-iface`` would pass the CRD check and fail on
the node. These models accept only the nmstate keys aiinfra writes, with their types.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Address(_Strict):
    ip: IPv4Address
    prefix_length: int = Field(alias="prefix-length", ge=0, le=32)


class Ipv4(_Strict):
    enabled: bool
    dhcp: bool
    address: list[Address] = Field(min_length=1)


class Ipv6(_Strict):
    enabled: Literal[False]


class Interface(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,15}$")
    type: Literal["ethernet", "dummy"]
    state: Literal["up"]
    mtu: int | None = Field(default=None, ge=1280, le=9216)
    mac_address: str | None = Field(default=None, alias="mac-address", pattern=r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
    ipv4: Ipv4
    ipv6: Ipv6

    def cidr(self) -> IPv4Interface:
        a = self.ipv4.address[0]
        return IPv4Interface(f"{a.ip}/{a.prefix_length}")


class Route(_Strict):
    destination: IPv4Network
    next_hop_address: IPv4Address = Field(alias="next-hop-address")
    next_hop_interface: str = Field(alias="next-hop-interface")
    table_id: int | None = Field(default=None, alias="table-id", ge=1, le=4294967295)
    metric: int | None = None
    weight: int | None = Field(default=None, ge=1, le=256)


class RouteRule(_Strict):
    ip_from: IPv4Network = Field(alias="ip-from")
    route_table: int = Field(alias="route-table")
    priority: int = Field(ge=0)


class Routes(_Strict):
    config: list[Route]


class RouteRules(_Strict):
    config: list[RouteRule]


class DnsConfig(_Strict):
    server: list[IPv4Address] = Field(min_length=1)


class Dns(_Strict):
    config: DnsConfig


class DesiredState(_Strict):
    interfaces: list[Interface] = Field(min_length=1)
    routes: Routes | None = None
    route_rules: RouteRules | None = Field(default=None, alias="route-rules")
    dns_resolver: Dns | None = Field(default=None, alias="dns-resolver")
