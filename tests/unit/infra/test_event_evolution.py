"""Evolving an event: a stored old version decodes as the current one through its upcaster."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest

from events.base import Event, Money
from events.registry import decode_event, is_known
from events.upcasting import UPCASTERS, upcast

OLD_V1 = "evolutiontest.PriceQuoted.v1"
OLD_V2 = "evolutiontest.PriceQuoted.v2"


class PriceQuotedV2(Event, frozen=True, kw_only=True, tag="evolutiontest.PriceQuoted.v2"):
    """v1 carried ``price_cents`` and assumed dollars; v2 carries Money."""

    quote_id: str
    price: Money


class PriceQuotedV3(Event, frozen=True, kw_only=True, tag="evolutiontest.PriceQuoted.v3"):
    """v3 adds an optional field only: compatible, it would not need a new version, but
    shows a chain of upcasters."""

    quote_id: str
    price: Money
    note: str = ""


def _v1_to_v2(old: dict) -> dict:
    return {"type": OLD_V2, "quote_id": old["quote_id"],
            "price": {"amount": old["price_cents"], "currency": "USD"}}


def _v2_to_v3(old: dict) -> dict:
    return {**old, "type": "evolutiontest.PriceQuoted.v3"}


@pytest.fixture
def upcasters() -> Iterator[None]:
    UPCASTERS[OLD_V1] = _v1_to_v2
    UPCASTERS[OLD_V2] = _v2_to_v3
    yield
    del UPCASTERS[OLD_V1]
    del UPCASTERS[OLD_V2]


def test_a_stored_v1_payload_decodes_as_the_current_version(upcasters):
    stored = b'{"type":"evolutiontest.PriceQuoted.v1","quote_id":"q-1","price_cents":12550}'
    event = decode_event(OLD_V1, stored)
    assert event == PriceQuotedV3(quote_id="q-1", price=Money(amount=12550, currency="USD"))


def test_a_stored_v2_payload_takes_the_rest_of_the_chain(upcasters):
    stored = msgspec.json.encode(PriceQuotedV2(quote_id="q-2", price=Money(amount=5, currency="EUR")))
    event = decode_event(OLD_V2, stored)
    assert isinstance(event, PriceQuotedV3)
    assert event.price == Money(amount=5, currency="EUR") and event.note == ""


def test_the_current_version_decodes_without_upcasting(upcasters):
    stored = b'{"type":"evolutiontest.PriceQuoted.v3","quote_id":"q-3","price":{"amount":1,"currency":"USD"},"note":"n"}'
    assert decode_event("evolutiontest.PriceQuoted.v3", stored).note == "n"


def test_an_old_tag_is_known_only_while_its_upcaster_is_registered(upcasters):
    assert is_known(OLD_V1)
    del UPCASTERS[OLD_V1]
    try:
        assert not is_known(OLD_V1)
    finally:
        UPCASTERS[OLD_V1] = _v1_to_v2


def test_upcasting_stops_at_a_cycle():
    UPCASTERS["evolutiontest.Loop.v1"] = lambda p: {**p, "type": "evolutiontest.Loop.v1", "n": p["n"] + 1}
    try:
        assert upcast({"type": "evolutiontest.Loop.v1", "n": 0}) == {"type": "evolutiontest.Loop.v1", "n": 1}
    finally:
        del UPCASTERS["evolutiontest.Loop.v1"]
