"""SR Linux 25.3 native telemetry paths (aiinfra/nos/srlinux/telemetry.yaml) are leaves of
Nokia's 25.3.1 models: each subscribed path and the leaf gnmic renames under it resolve to a
schema node (libyang), so a misspelt path fails here rather than streaming nothing."""

from __future__ import annotations

import libyang
import pytest

from aiinfra.observe import gnmic
from tests.validators import srl_yang

ORIGIN = "srl_nokia"
TOP_MODULE = {"qos": "srl_nokia-qos", "interface": "srl_nokia-interfaces"}  # the module of each native top


def _schema_path(path: str, leaf: str) -> str:
    """``/qos/a/b`` + ``b/c`` -> ``/srl_nokia-qos:qos/a/b/c`` (the leaf repeats the path's last element)."""
    assert path.startswith("/"), path
    steps = path[1:].split("/")
    head, *tail = leaf.split("/")
    assert head == steps[-1], (path, leaf)
    return "/" + f"{TOP_MODULE[steps[0]]}:{steps[0]}/" + "/".join([*steps[1:], *tail])


def test_every_native_entry_names_the_origin_and_a_known_metric() -> None:
    native = gnmic.os_telemetry("srlinux")["native"]
    assert {"pfc_rx_pause", "pfc_tx_pause", "pfc_watchdog_storms", "if_fec_uncorrectable"} <= set(native)
    assert all(e["origin"] == ORIGIN for e in native.values())
    assert {"pfc_rx_pause", "if_fec_uncorrectable"} <= gnmic.covered("srlinux")


def test_native_paths_have_their_own_subscription() -> None:
    """One request never mixes origins: yang-models openconfig applies only without an origin."""
    subs = gnmic.subscriptions("srlinux", 3)
    assert set(subs) == {"srlinux", "srlinux-srl-nokia"}
    assert all(not p.startswith(f"{ORIGIN}:") for p in subs["srlinux"]["paths"])
    assert subs["srlinux-srl-nokia"]["paths"] and all(
        p.startswith(f"{ORIGIN}:/") for p in subs["srlinux-srl-nokia"]["paths"]
    )


@pytest.mark.slow  # loading the 303 SR Linux modules takes 15-70 s
def test_every_native_path_is_a_leaf_of_the_25_3_1_models() -> None:
    ctx = srl_yang.context()
    for metric, entry in gnmic.os_telemetry("srlinux")["native"].items():
        nodes = list(ctx.find_path(_schema_path(entry["path"], entry["leaf"])))
        assert len(nodes) == 1 and nodes[0].keyword() == "leaf", metric
        assert nodes[0].config_false(), metric  # state, what a subscription samples
    with pytest.raises(libyang.LibyangError):  # a misspelt leaf resolves to nothing
        list(ctx.find_path("/srl_nokia-qos:qos/interfaces/interface/pfc/statistics/pfc-priority/pause-frames"))
