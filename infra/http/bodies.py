"""Request bodies several contexts accept: bounded versions of event value objects.

Events keep their value objects unconstrained (a stored event must always decode); what a
client may send is bounded here, so an amount beyond ``MAX_AMOUNT`` or a size beyond
int64 is a 422 and never reaches a projection that would park it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from events.base import Money
from events.solicitations import DocumentRef
from kernel.limits import JSON_INT_MAX, MAX_AMOUNT, NONNEGATIVE_GT

Amount = Annotated[int, msgspec.Meta(ge=0, le=MAX_AMOUNT, description="minor units (cents)")]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code")]
Count = Annotated[int, msgspec.Meta(gt=NONNEGATIVE_GT, le=JSON_INT_MAX)]


class MoneyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount: Amount
    currency: Currency

    def money(self) -> Money:
        return Money(amount=self.amount, currency=self.currency)


class DocumentRefIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A document kept elsewhere, named by its link (solicitations, addenda and bids)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    media_type: Annotated[str, msgspec.Meta(max_length=100)] = "application/pdf"
    url: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    sha256: Annotated[str, msgspec.Meta(pattern="^[0-9a-fA-F]{64}$")] | None = None
    size_bytes: Count | None = None

    def ref(self) -> DocumentRef:
        return DocumentRef(name=self.name, media_type=self.media_type, url=self.url,
                           sha256=self.sha256, size_bytes=self.size_bytes)


def money_or_none(value: MoneyIn | None) -> Money | None:
    return value.money() if value is not None else None
