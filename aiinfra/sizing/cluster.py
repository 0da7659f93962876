"""Size every workload a cluster spec declares, on the spec's node model."""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.catalog import Catalog
from aiinfra.sizing.calibration import Calibration
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware, calibrated, hardware_for_server
from aiinfra.sizing.inference import InferenceSizing, size_inference
from aiinfra.sizing.power import Bom, PowerReport, estimate_bom, power_from_bom
from aiinfra.sizing.rag import RagSizing, size_rag_for, with_retrieved_context
from aiinfra.sizing.training import TrainingSizing, size_training
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.workloads import Workloads


@dataclass(frozen=True)
class Outcome:
    """One workload's sizing, or the reason it could not be sized."""

    index: int
    name: str
    result: InferenceSizing | TrainingSizing | None
    error: str | None


@dataclass(frozen=True)
class ClusterSizing:
    name: str
    hw: Hardware
    nodes: int
    workloads: Workloads
    inference: tuple[Outcome, ...]
    training: tuple[Outcome, ...]
    power: PowerReport
    rag: RagSizing | None = None  # workloads.rag, sized against the workload it serves

    @property
    def gpus(self) -> int:
        return self.nodes * self.hw.gpus_per_node

    @property
    def inference_gpus(self) -> int:
        return sum(o.result.gpus for o in self.inference if isinstance(o.result, InferenceSizing))

    @property
    def training_gpus(self) -> int:
        return max((o.result.gpus for o in self.training if isinstance(o.result, TrainingSizing)), default=0)


def declared_nodes(spec: ClusterSpec) -> int:
    """GPU nodes the spec declares: ``nodes``, or scalable units x nodes per SU."""
    if spec.compute.nodes is not None:
        return spec.compute.nodes
    assert spec.compute.scalable_units is not None
    return spec.compute.scalable_units * spec.fabrics.backend.nodes_per_su


def size_workloads(workloads: Workloads, hw: Hardware) -> tuple[tuple[Outcome, ...], tuple[Outcome, ...]]:
    """Size each workload on its own; one that cannot be sized does not hide the others."""
    rack_kw = workloads.power.rack_power_kw
    inference = []
    for i, w in enumerate(workloads.inference):
        try:
            sized = size_inference(with_retrieved_context(w, workloads.rag), hw, rack_kw)  # RAG: longer prompts
            inference.append(Outcome(i, w.name, sized, None))
        except SizingError as exc:
            inference.append(Outcome(i, w.name, None, str(exc)))
    training = []
    for i, t in enumerate(workloads.training):
        try:
            training.append(Outcome(i, t.name, size_training(t, hw), None))
        except SizingError as exc:
            training.append(Outcome(i, t.name, None, str(exc)))
    return tuple(inference), tuple(training)


def size_cluster(
    spec: ClusterSpec, catalog: Catalog, bom: Bom | None = None, *, calibration: Calibration | None = None
) -> ClusterSizing:
    """Size the spec's workloads; power comes from ``bom`` (the design's) when given, and the
    fitted factors of a probe ``calibration`` replace the derated peaks of the node's GPU."""
    hw = calibrated(hardware_for_server(catalog, spec.compute.node_model), calibration)
    workloads = spec.workloads or Workloads()
    inference, training = size_workloads(workloads, hw)
    nodes = declared_nodes(spec)
    if bom is None:
        bom = estimate_bom(hw, nodes, catalog, spec.fabrics.backend.switches.leaf.model)
    power = power_from_bom(bom, catalog, workloads.power, workloads.cost)
    rag = size_rag_for(workloads.rag, inference)
    return ClusterSizing(spec.name, hw, nodes, workloads, inference, training, power, rag)
