"""Push a :class:`~aiinfra.sot.plan.SotPlan` into Nautobot (2.x/3.x REST API, through pynautobot).

Idempotent upserts: every object is found by its natural key (a name, a device and interface name, an
address), created when missing, patched only in the fields aiinfra owns when they differ, and left alone
otherwise, so a second push changes nothing and a growth step creates only the new objects. Nothing is
ever deleted: an object the Design no longer has is the site's to retire. Bulk calls (one POST or PATCH
per kind and chunk) keep a 2,000-interface lab to a few dozen requests.

The object model (docs/ecosystem.md has the NetBox equivalents): a Location per cluster; Manufacturer,
DeviceType, Role (``<fabric>-<role>``, ``gpu-node``) and Platform (the switch OS); Devices with the
``aiinfra_bgp_asn`` custom field (Nautobot core has no ASN model); Interfaces; Cables between interfaces;
Prefixes and IP addresses in the Global namespace, assigned to interfaces; the management address as the
device's primary IPv4; VLANs, with OOB access ports untagged in theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiinfra.sot.facts import ROOT_DEVICE_FIELD
from aiinfra.sot.plan import SotPlan

CHUNK = 200  # objects per bulk request, and ids per filter query
ASN_FIELD = "aiinfra_bgp_asn"
INTERFACE_TYPES = {"physical": "other", "virtual": "virtual", "management": "other"}
Key = tuple[str, ...]


@dataclass
class SyncReport:
    """What one push did, per object kind: created, updated and unchanged counts."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        rows = [
            f"{kind:<16} created {c['created']:>5}  updated {c['updated']:>5}  unchanged {c['unchanged']:>5}"
            + (f"  conflicts {c['conflict']}" if c["conflict"] else "")
            for kind, c in self.counts.items()
        ]
        return rows + [f"conflict: {line}" for line in self.conflicts]


def _plain(value: Any) -> Any:
    """A field as the API returns it, reduced to what aiinfra writes: an id, a choice value, a scalar."""
    if isinstance(value, dict):
        return value.get("id", value.get("value", value))
    for attr in ("id", "value"):
        if hasattr(value, attr) and not isinstance(value, str | int | float | bool):
            return getattr(value, attr)
    return value


def _differs(record: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    """The wanted fields the record does not already hold."""
    changed: dict[str, Any] = {}
    missing: Any = object()
    for name, value in wanted.items():
        current: Any = getattr(record, name, missing)
        if current is missing:
            continue  # a write-only field (an IP address's namespace): the API never returns it
        if name == "custom_fields":
            current = dict(current or {})
            if any(current.get(k) != v for k, v in value.items()):
                changed[name] = value
        elif name == "content_types":
            if sorted(current or []) != sorted(value):
                changed[name] = value
        elif _plain(current) != value:
            changed[name] = value
    return changed


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class NautobotSync:
    """One push of a plan into one Nautobot (``api`` is a ``pynautobot.api``)."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.report = SyncReport()
        self.active = api.extras.statuses.get(name="Active").id
        self.namespace = api.ipam.namespaces.get(name="Global").id
        # A designed cable is Planned until the site patches it (Nautobot's Active is not a cable status).
        self.planned = api.extras.statuses.get(name="Planned").id

    def upsert(
        self, kind: str, endpoint: Any, existing: dict[Key, Any], wanted: dict[Key, dict[str, Any]]
    ) -> dict[Key, str]:
        """Create what ``existing`` lacks, patch what differs, in bulk; the id of every wanted key."""
        ids = {key: existing[key].id for key in wanted if key in existing}
        patches = []
        for key, fields in wanted.items():
            if key in existing:
                diff = _differs(existing[key], fields)
                if diff:
                    patches.append({"id": existing[key].id, **diff})
                else:
                    self.report.add(kind, "unchanged")
        for chunk in _chunks(patches):
            endpoint.update(chunk)
        self.report.add(kind, "updated", len(patches))
        missing = [key for key in wanted if key not in existing]
        for chunk in _chunks(missing):
            created = endpoint.create([wanted[key] for key in chunk])
            ids.update({key: record.id for key, record in zip(chunk, created, strict=True)})
        self.report.add(kind, "created", len(missing))
        return ids

    def one(self, kind: str, endpoint: Any, lookup: dict[str, Any], fields: dict[str, Any]) -> str:
        """Upsert one object found by ``lookup``."""
        found = endpoint.get(**lookup)
        key: Key = ("one",)
        return self.upsert(kind, endpoint, {key: found} if found else {}, {key: {**lookup, **fields}})[key]

    def by(self, endpoint: Any, key: Callable[[Any], Key], **filters: Any) -> dict[Key, Any]:
        return {key(r): r for r in endpoint.filter(**filters)}

    def by_ids(self, endpoint: Any, key: Callable[[Any], Key], name: str, ids: list[str]) -> dict[Key, Any]:
        """Records filtered by a list of ids, a chunk per query (a URL holds only so many)."""
        out: dict[Key, Any] = {}
        for chunk in _chunks(ids):
            out.update({key(r): r for r in endpoint.filter(**{name: chunk})})
        return out


def push(plan: SotPlan, api: Any) -> SyncReport:
    """Upsert every object of ``plan`` in dependency order; returns what changed."""
    s = NautobotSync(api)
    dcim, ipam, extras = api.dcim, api.ipam, api.extras
    site_type = s.one(
        "location type",
        dcim.location_types,
        {"name": "aiinfra cluster"},
        {"content_types": ["dcim.device", "ipam.prefix", "ipam.vlan"]},
    )
    location = s.one(
        "location", dcim.locations, {"name": plan.location}, {"location_type": site_type, "status": s.active}
    )
    s.upsert(  # the API cannot filter custom fields by key: read them all (a handful)
        "custom field",
        extras.custom_fields,
        s.by(extras.custom_fields, lambda r: (r.key,)),
        {
            (key,): {"key": key, "label": label, "type": kind, "content_types": ["dcim.device"]}
            for key, label, kind in (
                (ASN_FIELD, "BGP ASN (aiinfra)", "integer"),
                (ROOT_DEVICE_FIELD, "Install disk hints (aiinfra node facts)", "json"),  # site-owned: never written
            )
        },
    )
    makers = s.upsert(
        "manufacturer",
        dcim.manufacturers,
        s.by(dcim.manufacturers, lambda r: (r.name,)),
        {(m,): {"name": m} for m in sorted({d.manufacturer for d in plan.devices})},
    )
    types = s.upsert(
        "device type",
        dcim.device_types,
        s.by(dcim.device_types, lambda r: (r.manufacturer.name, r.model), depth=1),
        {
            (d.manufacturer, d.model): {"manufacturer": makers[(d.manufacturer,)], "model": d.model}
            for d in plan.devices
        },
    )
    roles = s.upsert(
        "role",
        extras.roles,
        s.by(extras.roles, lambda r: (r.name,)),
        {(d.role,): {"name": d.role, "content_types": ["dcim.device"]} for d in plan.devices},
    )
    platforms = s.upsert(
        "platform",
        dcim.platforms,
        s.by(dcim.platforms, lambda r: (r.name,)),
        {(d.platform,): {"name": d.platform} for d in plan.devices if d.platform},
    )
    devices = s.upsert(
        "device",
        dcim.devices,
        s.by(dcim.devices, lambda r: (r.name,), location=location),
        {
            (d.name,): {
                "name": d.name,
                "device_type": types[(d.manufacturer, d.model)],
                "role": roles[(d.role,)],
                "location": location,
                "status": s.active,
                "platform": platforms[(d.platform,)] if d.platform else None,
                "custom_fields": {ASN_FIELD: d.asn},
            }
            for d in plan.devices
        },
    )
    vlans = s.upsert(
        "vlan",
        ipam.vlans,
        s.by(ipam.vlans, lambda r: (str(r.vid), r.name)),
        {(str(vid), name): {"vid": vid, "name": name, "status": s.active} for vid, name in plan.vlans.items()},
    )
    vlan_of = {int(key[0]): vid for key, vid in vlans.items()}
    device_ids = list(devices.values())
    name_of = {v: k[0] for k, v in devices.items()}
    existing_ifs = s.by_ids(dcim.interfaces, lambda r: (name_of[r.device.id], r.name), "device", device_ids)
    interfaces = s.upsert(
        "interface",
        dcim.interfaces,
        existing_ifs,
        {(i.device, i.name): _interface(i, devices[(i.device,)], s.active, vlan_of) for i in plan.interfaces},
    )
    _cables(s, plan, interfaces, devices)
    _addresses(s, plan, interfaces, devices)
    return s.report


def _interface(i: Any, device: str, active: str, vlan_of: dict[int, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "device": device,
        "name": i.name,
        "type": INTERFACE_TYPES[i.kind],
        "status": active,
        "enabled": i.enabled,
        "mtu": i.mtu,
        "description": i.description[:200],
        "mgmt_only": i.kind == "management",
    }
    if i.access_vlan is not None:
        fields.update(mode="access", untagged_vlan=vlan_of[i.access_vlan])
    return fields


def _cables(s: NautobotSync, plan: SotPlan, interfaces: dict[Key, str], devices: dict[Key, str]) -> None:
    """A cable per Design link. A link already cabled is unchanged; a link one of whose ports is cabled to
    something else is a conflict: reported (``SyncReport.conflicts``), never re-patched, since removing a
    cable is the site's call."""
    key_of = {v: k for k, v in interfaces.items()}
    taken: dict[Key, frozenset[Key]] = {}
    for cable in _device_cables(s, sorted(devices.values())):
        ends = frozenset(key_of.get(str(i), ("?", str(i))) for i in (cable.termination_a_id, cable.termination_b_id))
        for end in ends:
            taken[end] = ends
    wanted: dict[Key, dict[str, Any]] = {}
    for a_dev, a_if, b_dev, b_if in plan.cables:
        a, b = (a_dev, a_if), (b_dev, b_if)
        if taken.get(a) == frozenset({a, b}):
            s.report.add("cable", "unchanged")
        elif a in taken or b in taken:
            s.report.add("cable", "conflict")
            s.report.conflicts.append(f"{a_dev} {a_if} - {b_dev} {b_if}: a port is cabled elsewhere in Nautobot")
        else:
            wanted[(*a, *b)] = {
                "termination_a_type": "dcim.interface",
                "termination_a_id": interfaces[a],
                "termination_b_type": "dcim.interface",
                "termination_b_id": interfaces[b],
                "status": s.planned,
            }
    s.upsert("cable", s.api.dcim.cables, {}, wanted)


def _device_cables(s: NautobotSync, device_ids: list[str]) -> list[Any]:
    """Every cable with an end on one of the devices, once."""
    found: dict[str, Any] = {}
    for chunk in _chunks(device_ids, 50):
        found.update({c.id: c for c in s.api.dcim.cables.filter(device_id=chunk)})
    return list(found.values())


def _addresses(s: NautobotSync, plan: SotPlan, interfaces: dict[Key, str], devices: dict[Key, str]) -> None:
    ipam = s.api.ipam
    prefixes = s.upsert(
        "prefix",
        ipam.prefixes,
        s.by(ipam.prefixes, lambda r: (r.prefix,), namespace=s.namespace),
        {
            (p,): {"prefix": p, "namespace": s.namespace, "status": s.active, "description": d}
            for p, d in plan.prefixes.items()
        },
    )
    existing: dict[Key, Any] = {}
    for prefix_id in prefixes.values():
        existing.update(s.by(ipam.ip_addresses, lambda r: (r.address,), parent=prefix_id))
    addresses = s.upsert(
        "ip address",
        ipam.ip_addresses,
        existing,
        {
            (a.address,): {
                "address": a.address,
                "namespace": s.namespace,
                "status": s.active,
                "description": f"{a.device} {a.interface}"[:200],
            }
            for a in plan.addresses
        },
    )
    links = s.by_ids(
        ipam.ip_address_to_interface,
        lambda r: (r.ip_address.id, r.interface.id),
        "interface",
        sorted(set(interfaces.values())),
    )
    s.upsert(
        "ip assignment",
        ipam.ip_address_to_interface,
        links,
        {
            (addresses[(a.address,)], interfaces[(a.device, a.interface)]): {
                "ip_address": addresses[(a.address,)],
                "interface": interfaces[(a.device, a.interface)],
            }
            for a in plan.addresses
        },
    )
    dcim = s.api.dcim
    current = s.by_ids(dcim.devices, lambda r: (r.name,), "id", sorted(devices.values()))
    s.upsert(
        "primary ip",
        dcim.devices,
        current,
        {(a.device,): {"primary_ip4": addresses[(a.address,)]} for a in plan.addresses if a.primary},
    )
