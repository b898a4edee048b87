"""Request and response bodies of the bids API (lengths, bounds and shapes checked on parse)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from events.base import Money
from events.bids import Attestations, CriterionResponse, LinePrice
from events.solicitations import DocumentRef
from infra.http.bodies import DocumentRefIn, MoneyIn
from kernel.limits import MAX_ADDENDA, NONNEGATIVE_GT
from services.documents.facts import AttachedDocument

_Text = Annotated[str, msgspec.Meta(max_length=20000)]

class ResponseIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    criterion_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    text: _Text

class LinePriceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    item_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    unit_price: MoneyIn

    def line(self) -> LinePrice:
        return LinePrice(item_id=self.item_id, unit_price=self.unit_price.money())


_UnitPrices = Annotated[list[LinePriceIn], msgspec.Meta(max_length=500,
                        description="a unit price per line of the price schedule (sealed with the bid)")]

class BidIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    price: MoneyIn
    attestations: Attestations
    responses: Annotated[list[ResponseIn], msgspec.Meta(max_length=100)] = []
    documents: Annotated[list[DocumentRefIn], msgspec.Meta(max_length=100)] = []
    acknowledged_addendum: Annotated[int, msgspec.Meta(ge=0, le=MAX_ADDENDA)] = 0
    unit_prices: _UnitPrices = []
    vendor_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None

class BidReplaceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    price: MoneyIn
    attestations: Attestations
    responses: Annotated[list[ResponseIn], msgspec.Meta(max_length=100)] = []
    documents: Annotated[list[DocumentRefIn], msgspec.Meta(max_length=100)] = []
    acknowledged_addendum: Annotated[int, msgspec.Meta(gt=NONNEGATIVE_GT, le=MAX_ADDENDA)] | None = None
    unit_prices: _UnitPrices = []

class AcknowledgeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    number: Annotated[int, msgspec.Meta(ge=1, le=MAX_ADDENDA)]

class BidOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    solicitation_id: str
    vendor_id: str
    status: str
    received_at: datetime | None
    acknowledged_addendum: int
    latest_addendum: int
    #: False while the latest addendum is not acknowledged: the bid would not count
    counts: bool
    sealed: bool
    price: Money | None = None
    responses: list[CriterionResponse] = []
    documents: list[DocumentRef] = []
    attestations: Attestations | None = None
    unit_prices: list[LinePrice] = []
    #: files uploaded to the bid (``POST /bids/{id}/documents``), sealed like its content
    attachments: list[AttachedDocument] = []
    version: int = 0
