"""The evaluation's own read model of solicitations and opened bids.

Fed by the runner from the solicitations' and bids' events. A bid's price and responses
exist here only from ``BidUnsealed`` (after the opening): an evaluation can never read
sealed content. The reads at the edge (the facts a command is decided on, and where an
award lives) are here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from events.awards import AwardRecommended, ProtestFiled
from events.base import Money, tag_of
from events.bids import BidUnsealed
from events.solicitations import (
    SolicitationCancelled,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationUpdated,
)
from infra.db import Connection
from infra.eventstore import RecordedEvent
from infra.postgres_store import caught_up_now
from kernel.errors import NotFound, NotYetVisible
from projections.base import types_of
from services.awards.inputs import BidFacts, Criterion, Response, SolicitationFacts, VendorFacts
from services.vendors.facts import vendor_standing

T = TypeVar("T")

_criteria = msgspec.json.Decoder(list[Criterion])
_responses = msgspec.json.Decoder(list[Response])


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _criteria_json(criteria: Sequence[Any]) -> str:
    return _json([Criterion(criterion_id=c.criterion_id, name=c.name, weight=c.weight,
                            scale_max=c.scale_max, is_price=c.is_price, description=c.description)
                  for c in criteria])


def _statement(event: Any) -> tuple[str, tuple[Any, ...]] | None:
    match event:
        case SolicitationCreated():
            return (
                "INSERT INTO award_solicitations (solicitation_id, agency_id, solicitation_type,"
                " title, criteria, allows_multiple_awards) VALUES ($1, $2, $3, $4, $5::jsonb, $6)"
                " ON CONFLICT (solicitation_id) DO NOTHING",
                (event.solicitation_id, event.agency_id, event.solicitation_type, event.title,
                 _criteria_json(event.criteria), event.allows_multiple_awards))
        case SolicitationUpdated():
            return (
                "UPDATE award_solicitations SET solicitation_type = $2, title = $3,"
                " criteria = $4::jsonb, allows_multiple_awards = $5 WHERE solicitation_id = $1",
                (event.solicitation_id, event.solicitation_type, event.title,
                 _criteria_json(event.criteria), event.allows_multiple_awards))
        case SolicitationOpened():
            bidders = sorted({entry.vendor_id for entry in event.tabulation})
            return ("UPDATE award_solicitations SET opened = true, bidders = $2"
                    " WHERE solicitation_id = $1", (event.solicitation_id, bidders))
        case SolicitationCancelled():
            return ("UPDATE award_solicitations SET cancelled = true WHERE solicitation_id = $1",
                    (event.solicitation_id,))
        case BidUnsealed():
            responses = [Response(criterion_id=r.criterion_id, text=r.text) for r in event.responses]
            return (
                "INSERT INTO award_bids (bid_id, solicitation_id, vendor_id, price_amount,"
                " price_currency, responses, counts) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)"
                " ON CONFLICT (bid_id) DO UPDATE SET price_amount = EXCLUDED.price_amount,"
                " price_currency = EXCLUDED.price_currency, responses = EXCLUDED.responses,"
                " counts = EXCLUDED.counts",
                (event.bid_id, event.solicitation_id, event.vendor_id, event.price.amount,
                 event.price.currency, _json(responses), event.counts))
    return None


class EvaluationInputsProjection:
    name = "awards.evaluation_inputs"
    tables: Sequence[str] = ("award_solicitations", "award_bids")
    types: frozenset[str] | None = types_of(SolicitationCreated, SolicitationUpdated, SolicitationOpened,
                     SolicitationCancelled, BidUnsealed)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:  # in order: an update must follow its creation
            statement = _statement(recorded.event)
            if statement is not None:
                await conn.execute(statement[0], *statement[1])


async def solicitation_facts(conn: Any, solicitation_id: str) -> SolicitationFacts | None:
    """The solicitation and its opened bids, or ``None`` when it is unknown here."""
    row = await conn.fetchrow("SELECT * FROM award_solicitations WHERE solicitation_id = $1",
                              solicitation_id)
    if row is None:
        return None
    bids = await conn.fetch("SELECT * FROM award_bids WHERE solicitation_id = $1 ORDER BY bid_id",
                            solicitation_id)
    return SolicitationFacts(
        solicitation_id=row["solicitation_id"], agency_id=row["agency_id"],
        solicitation_type=row["solicitation_type"], title=row["title"],
        criteria=tuple(_criteria.decode(row["criteria"])),
        allows_multiple_awards=row["allows_multiple_awards"], opened=row["opened"],
        cancelled=row["cancelled"], bidders=tuple(row["bidders"]),
        bids=tuple(BidFacts(bid_id=b["bid_id"], vendor_id=b["vendor_id"],
                            price=Money(amount=b["price_amount"], currency=b["price_currency"]),
                            responses=tuple(_responses.decode(b["responses"])), counts=b["counts"])
                   for b in bids),
    )


async def solicitation_of_bid(conn: Any, bid_id: str) -> str | None:
    return await conn.fetchval("SELECT solicitation_id FROM award_bids WHERE bid_id = $1", bid_id)


async def _consistently(conn: Any, read: Callable[[], Awaitable[T | None]], what: str) -> T:
    """What ``read`` finds in the evaluation inputs; when it finds nothing, read again once
    the read model has applied everything stored before this request. Still nothing: 404;
    the read model too far behind to tell: 409 ``not_yet_visible`` with Retry-After."""
    found = await read()
    if found is not None:
        return found
    settled = await caught_up_now(conn, EvaluationInputsProjection.name)
    found = await read()
    if found is None:
        raise NotFound(f"{what} not found") if settled else NotYetVisible(
            f"{what} is not visible yet; retry shortly")
    return found


async def require_solicitation(conn: Any, solicitation_id: str) -> SolicitationFacts:
    return await _consistently(conn, lambda: solicitation_facts(conn, solicitation_id),
                               f"solicitation {solicitation_id}")


async def require_bid_solicitation(conn: Any, bid_id: str) -> SolicitationFacts:
    """The solicitation of an opened bid (bids are unknown here until opened)."""
    solicitation_id = await _consistently(conn, lambda: solicitation_of_bid(conn, bid_id),
                                          f"bid {bid_id} among opened bids")
    return await require_solicitation(conn, solicitation_id)


async def vendor_facts(conn: Any, vendor_id: str, agency_id: str, at: datetime) -> VendorFacts:
    """Exclusion, local preference and diversity certification of a vendor at ``at``."""
    standing = await vendor_standing(conn, vendor_id, at)
    if standing is None:
        return VendorFacts(vendor_id=vendor_id)
    day = at.date()
    return VendorFacts(
        vendor_id=vendor_id,
        excluded=standing.excluded,
        local=agency_id in standing.local_agencies,
        certified=any(standing.certified(c.program, day) for c in standing.certifications),
    )


async def vendors_facts(
    conn: Any, vendor_ids: Iterable[str], agency_id: str, at: datetime
) -> dict[str, VendorFacts]:
    return {v: await vendor_facts(conn, v, agency_id, at) for v in sorted(set(vendor_ids))}


async def solicitation_of_award(conn: Any, award_id: str) -> str:
    """Awards are found in the store itself (indexed in 0300_awards_evaluation_inputs.sql)."""
    found = await conn.fetchval(
        "SELECT data->>'solicitation_id' FROM events"
        f" WHERE type = '{tag_of(AwardRecommended)}' AND data->>'award_id' = $1 LIMIT 1", award_id)
    if found is None:
        raise NotFound(f"award {award_id} not found")
    return found


async def solicitation_of_protest(conn: Any, protest_id: str) -> str:
    found = await conn.fetchval(
        "SELECT data->>'solicitation_id' FROM events"
        f" WHERE type = '{tag_of(ProtestFiled)}' AND data->>'protest_id' = $1 LIMIT 1", protest_id)
    if found is None:
        raise NotFound(f"protest {protest_id} not found")
    return found
