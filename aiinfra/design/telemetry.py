"""The telemetry intent: streaming telemetry on every switch, who may collect it, and the
numbers the alert rules and the sustainability dashboard use.

Switch drivers read the port, ACL and TLS names from here, and the observability
artefacts (:mod:`aiinfra.observe`) read the collectors and thresholds, so a switch's
gNMI server and the collector that dials it can never disagree on the port.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from aiinfra.design.problems import DesignError, Problem

if TYPE_CHECKING:  # model.py imports this module; the spec is only read when building
    from aiinfra.catalog import Catalog
    from aiinfra.design.model import Design
    from aiinfra.spec.model import ClusterSpec

HOURS_PER_DAY = 24.0

# The on-device name of the TLS profile / certificate / ACL every driver spells the same way.
TLS_PROFILE = "aiinfra-telemetry"
ACL_NAME = "AIINFRA-TELEMETRY"


@dataclass(frozen=True, slots=True)
class CollectorHost:
    address: str
    prometheus_port: int
    gnmic_port: int


@dataclass(frozen=True, slots=True)
class TelemetryTlsRefs:
    """Ansible expressions for the gNMI server's TLS material; never a value."""

    profile: str  # on-device name of the server profile / certificate
    ca_name: str  # on-device name of the CA collector certificates must chain to
    certificate: str
    key: str
    ca: str


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    sustained_pause_per_s: float
    sustained_pause_minutes: int
    ecn_marked_per_s: float
    cnp_per_s: float
    out_of_sequence_per_s: float
    link_flaps: int
    flap_window_minutes: int
    crc_errors_per_s: float
    optic_rx_min_dbm: float
    optic_rx_max_dbm: float
    gpu_temp_max_c: int
    for_minutes: int


@dataclass(frozen=True, slots=True)
class TelemetryIntent:
    gnmi_port: int
    acl_name: str
    allowed_cidrs: tuple[str, ...]  # the management ACL: the only sources the gNMI server admits
    tls: TelemetryTlsRefs
    collectors: tuple[CollectorHost, ...]  # their ports agree (the spec refuses others)
    prometheus_port: int
    gnmic_port: int
    grid_g_co2e_per_kwh: float
    pue: float
    alerts: AlertThresholds
    # the BOM's estimate for one day (aiinfra.sizing.power, average draw), beside the measured figures
    bom_facility_avg_w: float = 0.0
    bom_energy_kwh_per_day: float = 0.0
    bom_co2e_kg_per_day: float = 0.0


def _outside_acl(address: IPv4Address, cidrs: list[IPv4Network]) -> bool:
    return not any(address in net for net in cidrs)


def telemetry_intent(spec: ClusterSpec, design: Design, catalog: Catalog) -> TelemetryIntent:
    """Decide the telemetry plane; a collector the management ACL would refuse is a spec error.

    PUE and grid intensity default to ``workloads.power``, so the measured CO2e and the BOM's
    estimate use the same factors."""
    from aiinfra.sizing.power import bom_from_design, power_from_bom
    from aiinfra.spec.observability import Collector
    from aiinfra.spec.workloads import PowerSettings

    obs = spec.observability
    power = spec.workloads.power if spec.workloads is not None else PowerSettings()
    factors = {
        "pue": power.pue if obs.pue is None else obs.pue,
        "grid_gco2_per_kwh": power.grid_gco2_per_kwh if obs.grid_g_co2e_per_kwh is None else obs.grid_g_co2e_per_kwh,
    }
    estimate = power_from_bom(bom_from_design(design), catalog, power.model_copy(update=factors), hours=HOURS_PER_DAY)
    cidrs = list(spec.site.management.allowed_cidrs)
    hosts = obs.collector_hosts()
    problems = [
        Problem(
            ("observability", "collectors", i),
            f"collector {h.address} is outside site.management.allowed_cidrs "
            f"({', '.join(map(str, cidrs))}); the switches admit telemetry from those prefixes only",
        )
        for i, h in enumerate(hosts)
        if _outside_acl(h.address, cidrs)
    ]
    if problems:
        raise DesignError(problems)
    a = obs.alerts
    return TelemetryIntent(
        gnmi_port=obs.gnmi_port,
        acl_name=ACL_NAME,
        allowed_cidrs=tuple(str(c) for c in cidrs),
        tls=TelemetryTlsRefs(
            TLS_PROFILE,
            TLS_PROFILE + "-ca",
            obs.tls.certificate.ansible_expression,
            obs.tls.key.ansible_expression,
            obs.tls.ca.ansible_expression,
        ),
        collectors=tuple(CollectorHost(str(h.address), h.prometheus_port, h.gnmic_port) for h in hosts),
        prometheus_port=hosts[0].prometheus_port if hosts else Collector.model_fields["prometheus_port"].default,
        gnmic_port=hosts[0].gnmic_port if hosts else Collector.model_fields["gnmic_port"].default,
        grid_g_co2e_per_kwh=float(factors["grid_gco2_per_kwh"]),
        pue=float(factors["pue"]),
        alerts=AlertThresholds(**a.model_dump()),
        bom_facility_avg_w=round(estimate.facility_avg_w, 1),
        bom_energy_kwh_per_day=round(estimate.energy_kwh, 1),
        bom_co2e_kg_per_day=round(estimate.co2e_t * 1000, 1),
    )
