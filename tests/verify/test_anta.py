"""The EOS catalog loads with ANTA's own catalog parser, and carries the Design's ports and peers."""

from __future__ import annotations

from pathlib import Path

import yaml
from anta.catalog import AntaCatalog

from aiinfra.verify.catalog import artefact
from tests.conftest import example


def test_every_eos_switch_gets_a_catalog_anta_parses(tmp_path: Path) -> None:
    design = example("lab").design
    files = {p: t for p, t in artefact(design).items() if p.startswith("verify/anta/")}
    eos = sorted(n for n, d in design.devices.items() if d.os == "eos")
    assert sorted(Path(p).stem for p in files) == eos
    for path, text in files.items():
        target = tmp_path / Path(path).name
        target.write_text(text, encoding="utf-8")
        catalog = AntaCatalog.parse(target)
        names = sorted({t.test.__name__ for t in catalog.tests})
        assert names == sorted(
            [
                "VerifyBGPPeerSession",
                "VerifyInterfaceErrors",
                "VerifyInterfacesBER",
                "VerifyInterfacesOpticsReceivePower",
                "VerifyInterfacesOpticsTemperature",
                "VerifyInterfacesSpeed",
                "VerifyInterfacesStatus",
                "VerifyL3MTU",
                "VerifyLLDPNeighbors",
            ]
        )
        device = design.devices[Path(path).stem]
        assert device.bgp is not None
        lldp = next(t for t in catalog.tests if t.test.__name__ == "VerifyLLDPNeighbors")
        cabled = [i for i in device.interfaces if i.enabled and i.peer_device]
        assert [(str(n.port), n.neighbor_device, n.neighbor_port) for n in lldp.inputs.neighbors] == [
            (i.name, i.peer_device, i.peer_interface) for i in cabled
        ]
        bgp = next(t for t in catalog.tests if t.test.__name__ == "VerifyBGPPeerSession")
        assert [str(p.peer_address) for p in bgp.inputs.bgp_peers] == [n.address for n in device.bgp.neighbors]
        assert AntaCatalog.from_dict(yaml.safe_load(text)).tests  # the dict form parses too
