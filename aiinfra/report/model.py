"""The report model: every number and name the report shows, decided in Python.

The template only lays these out (HTML) and the page's script only lays out the device
data blob; neither computes. Plain dataclasses, like the Design.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Figure:
    """One label and its value, as shown (``"GPUs"``, ``"32,768"``)."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a caption; cells are already formatted text."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # per column: right-align


@dataclass(frozen=True, slots=True)
class Picture:
    """One SVG and what it shows, for the page and for screen readers."""

    id: str
    heading: str
    summary: str
    svg: str


@dataclass(frozen=True, slots=True)
class SuChoice:
    """One scalable unit the back-end detail view can show."""

    su: int
    label: str
    picture: Picture


@dataclass(frozen=True, slots=True)
class TopologyView:
    """One fabric's pictures: the whole fabric (aggregated where large), and per-SU details."""

    id: str  # backend | frontend | storage | oob
    heading: str
    note: str
    overview: Picture | None
    details: tuple[SuChoice, ...] = ()


@dataclass(frozen=True, slots=True)
class Plot:
    """One chart: its SVG and the same numbers as a table (the accessible alternative)."""

    picture: Picture
    table: Table


@dataclass(frozen=True, slots=True)
class SizingSection:
    available: bool
    note: str
    tables: tuple[Table, ...] = ()
    plots: tuple[Plot, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanSection:
    source: str
    summary: tuple[Figure, ...]
    table: Table | None
    note: str


@dataclass(frozen=True, slots=True)
class ReportModel:
    title: str
    generator: str
    overview: tuple[Figure, ...]
    tiers: Table
    warnings: tuple[str, ...]
    topology: tuple[TopologyView, ...]
    rail_legend: tuple[tuple[str, str], ...]  # (label, colour)
    bom: Table
    power: Table
    qos: tuple[Table, ...]
    sizing: SizingSection
    plan: PlanSection | None
    data_json: str  # the device and cabling blob the page's script lays out (aiinfra.report.data)
    palette: dict[str, str] = field(default_factory=dict)
