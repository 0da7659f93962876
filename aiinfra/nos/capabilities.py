"""The capability table of one network OS driver (``aiinfra/nos/<name>/capabilities.yaml``).

One capability row per network OS (netlab-style): what the OS release aiinfra targets can do
*as aiinfra renders it*. Device quirks live here as data, not as branches in code; design
checks every spec against these rows, so a renderer never meets a request it cannot express.
  snmp_auth / snmp_priv   SNMPv3 algorithms the rendered config can state (no silent downgrade)
  snmp_user_name_length   [shortest, longest] SNMPv3 user name; absent when the spec's own limit holds
  ssh_key_types           public-key types the OS accepts for local users (ecdsa = any NIST curve)
  max_ssh_keys_per_user   null when unbounded
  named_timezones         false: the OS needs a UTC offset, so only UTC is accepted
  timezones               the zone names the OS accepts (absent: any IANA name)
  timezone_aliases        spec zone name -> the name the OS accepts for the same zone
  max_aaa_servers         TACACS+/RADIUS servers the OS takes (absent: unbounded)
  unnumbered              BGP over IPv6 link-local; no renderer emits it yet
  text_limits            longest snmp location/contact and banner the OS accepts, in characters; null when
                         no source gives one (the spec's own bound then applies). sysLocation and sysContact
                         are DisplayString (SIZE (0..255)) in SNMPv2-MIB (RFC 3418), so no agent holds more.
  pfc_watchdog            limits of the OS's watchdog statements (poll in ms, detection and restore in
                          polls; no restoration_polls: the OS has no restore timer); absent: the OS takes any
                          millisecond value the spec allows
  ecn_fill_pct            the OS states WRED as queue fill levels: the vendor profile aiinfra renders
                          (byte thresholds from the spec cannot be expressed, so explicit ECN is refused)
  shared_buffer           the vendor-published shared-buffer partition aiinfra renders, in percent
  pfc_watchdog_step_ms    the OS states detection/restore with this granularity (EOS: seconds, 2 decimals)
  breakout_speeds         "<cage G>/<ways>" -> member speed keyword, where the OS names breakouts itself
  raw_config_comment      how the main config file states a one-line comment, "{text}" standing for it
                          ("! {text}"); null for a structured file (JSON, YAML) that cannot hold raw text
  raw_config_braces       the config is a brace hierarchy (Junos): raw text must keep its braces balanced
  clab                    how containerlab runs the OS (aiinfra.nos.clab): its kinds, default image and the
                          container-side name of each interface the driver names
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from aiinfra.nos.clab import ClabProfile
from aiinfra.spec.base import Strict
from aiinfra.spec.text import MAX_FREE_TEXT, FreeText, OsRelease, Token, format_fields


def _comment_pattern(pattern: str) -> str:
    if pattern.count("{text}") != 1 or "\n" in pattern:
        raise ValueError(f"{pattern!r} must be one line holding {{text}} once, e.g. '! {{text}}'")
    return pattern


def _hostname_pattern(pattern: str) -> str:
    if "hostname" not in format_fields(pattern, ("hostname",)):
        raise ValueError(f"{pattern!r} must contain {{hostname}}: every device needs its own file")
    return pattern


FilePattern = Annotated[str, AfterValidator(_hostname_pattern)]


class TextLimits(Strict):
    """The longest value an OS accepts for each free-text field aiinfra renders; null when no source gives one."""

    snmp_location: int | None = Field(ge=1, le=MAX_FREE_TEXT)
    snmp_contact: int | None = Field(ge=1, le=MAX_FREE_TEXT)
    banner: int | None = Field(ge=1, le=MAX_FREE_TEXT * 2)
    source: FreeText


ZoneName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", max_length=64)]
"""An IANA time zone name as an OS spells it (``Etc/UTC``, ``America/Godthab``)."""


class Span(Strict):
    """An inclusive range of whole numbers an OS statement accepts."""

    min: int
    max: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.min <= value <= self.max


class WatchdogTimers(Strict):
    """How an OS states the PFC watchdog: a poll interval and detection/restore in polls."""

    poll_ms: Span
    detection_polls: Span
    restoration_polls: Span | None = Field(
        default=None, description="None: the OS has no restoration timer (NVUE resumes after one quiet poll)."
    )
    default_poll_ms: int | None = Field(
        default=None, description="The poll interval the OS runs when none is configured (left unrendered)."
    )


class SharedBuffer(Strict):
    """A vendor-published shared-buffer partition, in percent (Junos ``shared-buffer``)."""

    ingress_lossless: int = Field(ge=0, le=100)
    ingress_lossless_dynamic_threshold: int = Field(ge=0, le=10)
    ingress_lossless_headroom: int = Field(ge=0, le=100)
    ingress_lossy: int = Field(ge=0, le=100)
    egress_lossless: int = Field(ge=0, le=100)
    egress_lossy: int = Field(ge=0, le=100)
    dedicated_ingress: int = Field(ge=0, le=100)
    dedicated_egress: int = Field(ge=0, le=100)


class OsProfile(Strict):
    """What one network OS release can do, and how Ansible talks to it."""

    name: FreeText
    release: OsRelease
    switch_mtu: int
    load_balancing: list[Literal["ecmp", "flowlet", "per-packet"]]
    unnumbered: bool
    snmp_auth: list[Literal["sha", "sha-256", "sha-512"]]
    snmp_priv: list[Literal["aes128", "aes256"]]
    snmp_user_name_length: tuple[int, int] | None = Field(
        default=None, description="[shortest, longest] SNMPv3 user name the OS accepts; null: any the spec allows."
    )
    ssh_key_types: list[Literal["ssh-ed25519", "ssh-rsa", "ecdsa", "sk-ssh-ed25519@openssh.com"]]
    max_ssh_keys_per_user: int | None = Field(default=None, ge=1, le=1024)
    named_timezones: bool = True
    text_limits: TextLimits
    pfc_watchdog: WatchdogTimers | None = Field(
        default=None, description="Watchdog timer limits; None: the OS takes any millisecond value the spec allows."
    )
    ecn_fill_pct: tuple[int, int] | None = Field(
        default=None, description="WRED as queue fill levels (vendor profile); None: the OS takes byte thresholds."
    )
    shared_buffer: SharedBuffer | None = None
    pfc_watchdog_step_ms: int | None = Field(
        default=None, description="Granularity of the watchdog detection/restore times the OS takes (EOS: 10 ms)."
    )
    breakout_speeds: dict[str, Token] | None = Field(
        default=None, description="'<cage G>/<ways>' -> the OS's member speed keyword; None: any breakout."
    )
    timezones: list[ZoneName] | None = Field(
        default=None, max_length=4096, description="The zone names the OS accepts; None: any IANA name."
    )
    timezone_aliases: dict[ZoneName, ZoneName] = Field(
        default_factory=dict, max_length=4096, description="Spec zone name -> the OS's name for the same zone."
    )
    max_aaa_servers: int | None = Field(default=None, ge=1, le=64)
    config_file: FilePattern
    raw_config_comment: Annotated[str, AfterValidator(_comment_pattern)] | None = Field(
        default=None, description="A comment line of config_file, {text} its text; None: raw_config is refused."
    )
    raw_config_braces: bool = Field(
        default=False, description="The config is a brace hierarchy: raw text must keep its braces balanced."
    )
    extra_files: list[FilePattern] = Field(default_factory=list, max_length=8)
    ansible_network_os: Token
    ansible_connection: Token
    clab: ClabProfile
    source: FreeText
