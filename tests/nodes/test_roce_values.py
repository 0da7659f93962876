"""roce.env refuses any value outside its character set, wherever the value sits in the file.

The shared QoS scripts read the file as data (``KEY="value"`` lines); a quote, ``=``, line
break, ``$`` or any character outside ``CHARSET`` in a value could change what they read, so
the renderer must refuse it. Checked for the node name, the GPU pool and each per-NIC field
type (names, a GID), with arbitrary text.
"""

from __future__ import annotations

import string
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiinfra.design.platform import HostIntent
from aiinfra.platforms.baremetal.values import NIC_FIELDS, PUNCTUATION, roce_env
from tests.conftest import example

ALLOWED = set(string.ascii_letters + string.digits + PUNCTUATION)


def _intent() -> HostIntent:
    design = example("lab").design
    assert design.platform is not None
    return design.platform.hosts[design.nodes[0].name]


def _with(intent: HostIntent, where: str, text: str) -> HostIntent:
    if where in ("node", "gpu_pool"):
        return replace(intent, **{where: text})
    nics = list(intent.nics)
    nics[-1] = replace(nics[-1], **{where: text})
    return replace(intent, nics=tuple(nics))


def test_the_lab_file_has_one_line_per_value() -> None:
    intent = _intent()
    lines = [line for line in roce_env(intent).splitlines() if line and not line.startswith("#")]
    assert len(lines) == 3 + len(NIC_FIELDS) * len(intent.nics)
    assert lines[:3] == [
        f'ROCE_NODE="{intent.node}"',
        f'ROCE_GPU_POOL="{intent.gpu_pool}"',
        f'ROCE_NICS="{len(intent.nics)}"',
    ]
    last = len(intent.nics)
    assert f'ROCE_NIC{last}_NETDEV="{intent.nics[-1].netdev}"' in lines
    assert f'ROCE_NIC{last}_GID="{intent.nics[-1].gid}"' in lines


@pytest.mark.parametrize("where", ["node", "gpu_pool", "netdev", "rdma_device", "gid", "ip", "gateway"])
@given(text=st.text(max_size=8) | st.sampled_from(['a"b', "a=b", "a\nb", "$(id)", "`id`", "a\\b", "*", "ü", "x\n"]))
def test_a_value_outside_the_charset_is_refused(where: str, text: str) -> None:
    intent = _with(_intent(), where, text)
    if set(text) <= ALLOWED:
        assert f'="{text}"\n' in roce_env(intent)
    else:
        with pytest.raises(ValueError, match="not plain text"):
            roce_env(intent)
