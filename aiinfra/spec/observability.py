"""``observability``: where telemetry goes, how switches authenticate it, and when to alert.

Every field has a default, so a spec without the section still gets streaming telemetry
that is on, restricted to the management ACL (``site.management.allowed_cidrs``) and
authenticated with TLS material kept in Ansible Vault under the default names below.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from pydantic import Field, model_validator

from aiinfra.spec.base import SecretRef, Strict
from aiinfra.spec.errors import raise_field_problems
from aiinfra.spec.site import ServerAddress, duplicate_problems

GNMI_PORT = 9339  # the IANA-registered gNMI port


class Collector(Strict):
    """A host that runs the gNMI collector and Prometheus; it dials in to every switch."""

    address: ServerAddress = Field(description="Management address the collector dials the switches from.")
    prometheus_port: int = Field(default=9090, ge=1, le=65535)
    gnmic_port: int = Field(default=9804, ge=1, le=65535, description="gnmic's Prometheus output port.")


def _vault(name: str) -> SecretRef:
    return SecretRef(vault=name)


class TelemetryTls(Strict):
    """The gNMI server's certificate, key and the CA that signs collector certificates (references only)."""

    certificate: SecretRef = Field(default_factory=lambda: _vault("vault_telemetry_tls_certificate"))
    key: SecretRef = Field(default_factory=lambda: _vault("vault_telemetry_tls_key"))
    ca: SecretRef = Field(default_factory=lambda: _vault("vault_telemetry_tls_ca"))


class AlertThresholds(Strict):
    """The numbers alert rules compare with. Rates are per second, per port (switch) or per NIC port."""

    sustained_pause_per_s: float = Field(default=1000.0, gt=0, description="PFC pause frames received per s.")
    sustained_pause_minutes: int = Field(default=5, ge=1, le=1440)
    ecn_marked_per_s: float = Field(default=50000.0, gt=0, description="ECN-marked packets per s on a port.")
    cnp_per_s: float = Field(default=20000.0, gt=0, description="CNPs a NIC port sends per s.")
    out_of_sequence_per_s: float = Field(
        default=100.0, gt=0, description="Out-of-sequence packets per s a NIC port tolerates (per-packet spraying)."
    )
    link_flaps: int = Field(default=3, ge=1, description="Carrier changes within flap_window_minutes.")
    flap_window_minutes: int = Field(default=10, ge=1, le=1440)
    crc_errors_per_s: float = Field(default=0.0, ge=0, description="CRC (FCS) error rate above which to alert.")
    optic_rx_min_dbm: float = Field(default=-10.0, ge=-40, le=10)
    optic_rx_max_dbm: float = Field(default=4.0, ge=-40, le=10)
    gpu_temp_max_c: int = Field(default=87, ge=40, le=120, description="GPU temperature that counts as hot.")
    for_minutes: int = Field(default=2, ge=0, le=1440, description="How long a fault lasts before it alerts.")

    @model_validator(mode="after")
    def _range(self) -> AlertThresholds:
        if self.optic_rx_min_dbm >= self.optic_rx_max_dbm:
            raise_field_problems(
                AlertThresholds,
                [(("optic_rx_min_dbm",), "optic_rx_min_dbm must be below optic_rx_max_dbm", self.optic_rx_min_dbm)],
            )
        return self


class Observability(Strict):
    collectors: list[IPv4Address | Collector] = Field(
        default_factory=list,
        description="Collector hosts (an address or {address, prometheus_port, gnmic_port}); each must lie "
        "inside site.management.allowed_cidrs, since the switches admit telemetry from there only.",
    )
    gnmi_port: int = Field(default=GNMI_PORT, ge=1024, le=65535, description="The gNMI port on every switch.")
    tls: TelemetryTls = Field(default_factory=TelemetryTls)
    grid_g_co2e_per_kwh: float | None = Field(
        default=None,
        ge=0,
        le=2000,
        description="Grid carbon intensity for CO2e figures; default: workloads.power.grid_gco2_per_kwh.",
    )
    pue: float | None = Field(
        default=None, ge=1.0, le=3.0, description="PUE applied to measured IT power; default: workloads.power.pue."
    )
    alerts: AlertThresholds = Field(default_factory=AlertThresholds)

    @model_validator(mode="after")
    def _once(self) -> Observability:
        addresses = [c if isinstance(c, IPv4Address) else c.address for c in self.collectors]
        problems = duplicate_problems(addresses, "collectors", "collector")
        # one rendered prometheus.yml and gnmic.yaml serve every collector, so their ports agree
        hosts = self.collector_hosts()
        for port in ("prometheus_port", "gnmic_port"):
            first = getattr(hosts[0], port) if hosts else None
            problems += [
                (("collectors", i, port), f"every collector uses one {port}; the first uses {first}", getattr(h, port))
                for i, h in enumerate(hosts)
                if getattr(h, port) != first
            ]
        raise_field_problems(Observability, problems)
        return self

    def collector_hosts(self) -> list[Collector]:
        return [Collector(address=c) if isinstance(c, IPv4Address) else c for c in self.collectors]
