"""design.json: a complete, loadable Design; rendering from it gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.design.model import Design, InterfaceRole, PortMode
from aiinfra.design.serialize import design_data, design_json, parse_design
from aiinfra.errors import SpecError
from aiinfra.pipeline import DesignFile, render_files
from tests.conftest import EXAMPLES, ROOT, SMALL_EXAMPLES, example

SMALL = SMALL_EXAMPLES


def _doc(name: str = "lab") -> dict[str, object]:
    return json.loads(design_json(example(name).design))  # type: ignore[no-any-return]


def _problem(doc: object) -> str:
    with pytest.raises(SpecError) as info:
        parse_design(json.dumps(doc), "x/design.json")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.file == "x/design.json"
    return f"{diagnostic.path}: {diagnostic.message}"


@pytest.mark.parametrize("name", SMALL)
def test_round_trip_is_exact(name: str) -> None:
    """Loading design.json gives a Design equal to the built one, field for field and type for type."""
    design = example(name).design
    text = design_json(design)
    loaded = parse_design(text)
    assert loaded == design
    assert design_json(loaded) == text
    iface = next(i for d in loaded.devices.values() for i in d.interfaces)
    assert type(iface.role) is InterfaceRole and type(iface.mode) is PortMode
    some_device = next(iter(loaded.devices.values()))
    assert type(some_device.physical_ports) is list
    assert type(loaded.management.dns) is tuple


def test_typed_interface_flags() -> None:
    """Ports carry their forwarding mode, PFC and BFD as typed flags the renderers can rely on."""
    design = example("lab").design
    ifaces = [(d, i) for d in design.devices.values() for i in d.interfaces]
    assert {i.mode for _, i in ifaces if i.role == "unused"} == {PortMode.DISABLED}
    assert {i.mode for _, i in ifaces if i.role in ("oob-access", "oob-uplink")} == {PortMode.ACCESS}
    assert {i.mode for _, i in ifaces if i.role in ("host", "uplink", "downlink")} == {PortMode.ROUTED}
    backend = [i for d, i in ifaces if d.fabric == "backend" and i.role != "unused"]
    assert backend and all(i.lossless for i in backend)
    assert not any(i.lossless for d, i in ifaces if d.fabric != "backend")
    bgp_ports = {(d.name, n.interface) for d in design.devices.values() if d.bgp for n in d.bgp.neighbors}
    assert bgp_ports and all(i.bfd == ((d.name, i.name) in bgp_ports) for d, i in ifaces)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["design"]["devices"]["lab-oob-01"]["interfaces"][2].update(role="trunk"),
            "design.devices.lab-oob-01.interfaces[2].role: expected one of 'host', 'uplink', 'downlink', 'mgmt', "
            "'oob-access', 'oob-uplink', 'unused', got 'trunk'",
        ),
        (
            lambda d: d["design"]["devices"]["lab-oob-01"].update(power_w="100"),
            "design.devices.lab-oob-01.power_w: expected an integer, got '100'",
        ),
        (
            lambda d: d["design"]["devices"]["lab-oob-01"].update(power_w=True),
            "design.devices.lab-oob-01.power_w: expected an integer, got True",
        ),
        (
            lambda d: d["design"]["nodes"][1]["backend"][0].pop("address"),
            "design.nodes[1].backend[0]: expected an object with the field 'address' (NodeNic), got an object",
        ),
        (
            lambda d: d["design"]["links"][3].update(colour="blue"),
            "design.links[3].colour: unknown field in Link; expected one of a_device,",
        ),
        (
            lambda d: d["design"]["qos"]["backend"]["classes"][1].update(dscps="24"),
            "design.qos.backend.classes[1].dscps: expected an array, got '24'",
        ),
        (
            lambda d: d["design"]["devices"]["lab-be-spine-01"]["interfaces"][0].update(headroom={"bytes": 1}),
            "design.devices.lab-be-spine-01.interfaces[0].headroom: expected a key of headroom_profiles "
            "('pg_lossless_400g_30m/9216/Silicon One G200', ",
        ),
        (
            lambda d: d["design"]["devices"]["lab-be-spine-01"]["interfaces"][0].update(headroom="pg_nope"),
            "design.devices.lab-be-spine-01.interfaces[0].headroom: expected a key of headroom_profiles",
        ),
        (
            lambda d: d["headroom_profiles"]["pg_lossless_400g_30m/9216/Silicon One G200"].pop("bytes"),
            "headroom_profiles.pg_lossless_400g_30m/9216/Silicon One G200: expected an object with the field "
            "'bytes' (Headroom)",
        ),
        (lambda d: d.pop("headroom_profiles"), ": expected the key 'headroom_profiles'"),
        (lambda d: d.update(format="something-else"), "format: expected 'aiinfra-design', got 'something-else'"),
        (lambda d: d.update(version=2), "version: expected 3, got 2"),
        (lambda d: d.update(extra=1), "extra: unknown key; expected only format, version, headroom_profiles, design"),
    ],
)
def test_a_bad_file_names_the_json_path(edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    edit(doc)
    assert _problem(doc).startswith(expected)


def test_not_json_is_positioned() -> None:
    with pytest.raises(SpecError) as info:
        parse_design('{"format": ', "d.json")
    assert str(info.value).startswith("d.json:1:")


def test_cli_refuses_a_broken_design_json_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc()
    doc["design"]["rails"] = "eight"  # type: ignore[index]
    path = tmp_path / "design.json"
    path.write_text(json.dumps(doc))
    assert main(["render", "--from-design", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{path}: design.rails: expected an integer, got 'eight'" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_cli_needs_one_input_and_an_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = EXAMPLES / "lab" / "cluster.yaml"
    assert main(["render", str(spec), "--from-design", str(tmp_path / "d.json")]) == 2
    assert main(["render"]) == 2
    assert main(["render", "--from-design", str(tmp_path / "d.json")]) == 2
    assert "needs -o DIR" in capsys.readouterr().err


def _render_twice(name: str, tmp_path: Path) -> None:
    """``render SPEC`` then ``render --from-design`` of the design.json it wrote: the same tree, byte for byte."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["render", str(EXAMPLES / name / "cluster.yaml"), "-o", str(first)]) == 0
    assert main(["render", "--from-design", str(first / "design.json"), "-o", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert "design.json" in {str(f) for f in files}
    for f in files:
        assert (first / f).read_bytes() == (second / f).read_bytes(), f"{f} differs when rendered from design.json"


@pytest.mark.parametrize("name", SMALL)
def test_render_from_design_is_byte_identical(name: str, tmp_path: Path) -> None:
    _render_twice(name, tmp_path)


@pytest.mark.slow
def test_render_from_design_is_byte_identical_at_32k(tmp_path: Path) -> None:
    _render_twice("ai-factory-32k", tmp_path)


def test_in_memory_render_from_a_loaded_design() -> None:
    """The in-memory path (``render --check``) reads nothing but the loaded Design."""
    design = example("vsphere-inference").design
    loaded = parse_design(design_json(design))
    again = render_files(DesignFile(Path("design.json"), loaded)).files
    assert again == render_files(example("vsphere-inference")).files


def test_design_data_keeps_the_designs_order() -> None:
    design: Design = example("lab").design
    data = design_data(design)
    assert list(data) == [f for f in Design.__dataclass_fields__]
    assert list(data["devices"]) == list(design.devices)  # type: ignore[call-overload]


def test_from_design_never_renders_into_the_folder_it_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """design.json sits in a render folder; rendering from it into that folder is refused, by name."""
    from aiinfra.cli import main

    out = tmp_path / "build"
    assert main(["render", str(ROOT / "inventories" / "lab" / "cluster.yaml"), "-o", str(out)]) == 0
    before = sorted(p.name for p in out.iterdir())
    capsys.readouterr()
    assert main(["render", "--from-design", str(out / "design.json"), "-o", str(out)]) == 2
    assert "it is the folder of design.json" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before
