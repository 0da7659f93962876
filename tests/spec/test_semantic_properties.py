"""Properties: whatever the validators accept designs into a sane network."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aiinfra.design.qos import qos_intent
from aiinfra.spec.base import RatioStr, parse_ratio
from aiinfra.spec.fabrics import Roce
from aiinfra.spec.site import Management

dscp = st.integers(min_value=0, max_value=63)
priority = st.integers(min_value=0, max_value=7)


@settings(max_examples=300, deadline=None)
@given(priority, priority, dscp, st.lists(dscp, max_size=4), dscp)
def test_accepted_roce_numbers_keep_three_distinct_classes(p: int, cnp: int, d: int, extra: list[int], cd: int) -> None:
    try:
        roce = Roce(priority=p, cnp_priority=cnp, dscp=d, also_classify_dscp=extra, cnp_dscp=cd)
    except ValidationError as exc:
        # every refusal names a field of Roce, never the model as a whole
        assert all(err["loc"] and err["loc"][0] in Roce.model_fields for err in exc.errors())
        return
    qos = qos_intent(roce, 400, 64_000_000)
    tcs = [c.tc for c in qos.classes]
    assert len(set(tcs)) == len(tcs) == 3
    marked = [x for c in qos.classes for x in c.dscps]
    assert len(set(marked)) == len(marked) and 0 not in marked
    assert len(extra) + 1 == len(qos.roce_dscps)


class _Ratio(BaseModel):
    value: RatioStr


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A\s?\d{1,3}(\.\d{1,2})?\s?:\s?\d{1,3}(\.\d{1,2})?\s?\Z"))
def test_an_accepted_ratio_always_parses(text: str) -> None:
    try:
        _Ratio(value=text)
    except ValidationError:
        return
    assert parse_ratio(text) >= 1


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=8, max_value=32), st.integers(0, 300))
def test_accepted_gateway_is_a_host_address(address: int, prefix: int, offset: int) -> None:
    net = IPv4Network((address, prefix), strict=False)
    gateway = IPv4Address(address)
    try:
        Management(network=net, gateway=gateway, allowed_cidrs=[net], first_host_offset=max(1, offset))
    except ValidationError:
        return
    if prefix <= 30:
        assert gateway not in (net.network_address, net.broadcast_address)
    assert max(1, offset) < net.num_addresses - 1
