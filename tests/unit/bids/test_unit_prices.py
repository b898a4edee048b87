"""A bid on a solicitation with a price schedule: one unit price per line, its price the
sum of unit price x estimated quantity; sealed with the rest of the bid, and unsealed with
it at the opening. Bids without a schedule are unchanged."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from events.base import Money
from events.bids import LinePrice
from events.solicitations import PriceSchedule, ScheduleLine
from kernel.context import SYSTEM_ACTOR, Context
from kernel.errors import Invalid
from services.bids.commands import UnsealBid
from services.bids.decider import BID
from services.bids.sealing import BidVault
from tests.unit.bids.test_bid_decider import CONTENT, FACTS, NOW, ctx, submit

SCHEDULE = PriceSchedule(lines=[
    ScheduleLine(item_id="salt", description="Road salt", commodity_code="12352301", unit="ton",
                 estimated_quantity=1000),
    ScheduleLine(item_id="brine", description="Brine", commodity_code="12352301", unit="gallon",
                 estimated_quantity=5000)])
SCHEDULED = msgspec.structs.replace(FACTS, price_schedule=SCHEDULE)


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


def priced(salt: int = 80_00, brine: int = 1_00, price: int | None = None, prices=None):
    lines = prices if prices is not None else [LinePrice(item_id="salt", unit_price=usd(salt)),
                                               LinePrice(item_id="brine", unit_price=usd(brine))]
    total = price if price is not None else salt * 1000 + brine * 5000
    return msgspec.structs.replace(CONTENT, price=usd(total), unit_prices=lines)


def test_a_priced_schedule_whose_sum_is_the_price_is_accepted():
    _, [submitted] = BID.run([(submit(facts=SCHEDULED, content=priced()), ctx())])
    assert submitted.sealed == "v1:opaque"  # the decider records only the ciphertext


@pytest.mark.parametrize(("content", "field", "code"), [
    (priced(price=85_000_00 - 1), "price.amount", "price_mismatch"),
    (priced(prices=[LinePrice(item_id="salt", unit_price=usd(80_00))], price=80_000_00), "unit_prices", "invalid"),
    (priced(prices=[LinePrice(item_id="salt", unit_price=usd(80_00)), LinePrice(item_id="salt",
                                                                                   unit_price=usd(80_00))]),
     "unit_prices[1].item_id", "duplicate_line"),
    (priced(prices=[LinePrice(item_id="sand", unit_price=usd(1))]), "unit_prices[0].item_id", "invalid"),
    (priced(prices=[LinePrice(item_id="salt", unit_price=usd(80_00)),
                    LinePrice(item_id="brine", unit_price=Money(amount=1_00, currency="EUR"))]),
     "unit_prices[1].unit_price.currency", "invalid"),
    (priced(prices=[LinePrice(item_id="salt", unit_price=usd(-1))]), "unit_prices[0].unit_price.amount", "invalid"),
])
def test_each_line_is_priced_once_and_the_price_is_their_sum(content, field, code):
    with pytest.raises(Invalid) as exc:
        BID.run([(submit(facts=SCHEDULED, content=content), ctx())])
    assert exc.value.details[0]["field"] == field and exc.value.code == code


def test_without_a_schedule_a_bid_gives_one_price_and_no_unit_prices():
    BID.run([(submit(), ctx())])
    with pytest.raises(Invalid) as exc:
        BID.run([(submit(content=priced()), ctx())])
    assert exc.value.details[0]["field"] == "unit_prices"


def test_unit_prices_are_sealed_with_the_bid_and_unsealed_at_the_opening():
    vault = BidVault(b"k" * 32)
    content = priced()
    sealed = vault.seal(content, bid_id="b1", solicitation_id="s1", vendor_id="v1")
    assert "salt" not in sealed and "8000" not in sealed
    assert vault.unseal(sealed, bid_id="b1", solicitation_id="s1", vendor_id="v1").unit_prices == content.unit_prices
    state, _ = BID.run([(submit(facts=SCHEDULED, content=content), ctx())])
    opened = msgspec.structs.replace(SCHEDULED, opened_at=NOW + timedelta(days=11))
    _, [unsealed] = BID.run([(UnsealBid(facts=opened, content=content),
                              Context(now=NOW + timedelta(days=11), actor=SYSTEM_ACTOR))], state)
    assert unsealed.unit_prices == content.unit_prices
