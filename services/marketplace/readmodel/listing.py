"""The public listing of cooperative contracts (``marketplace_contracts``): one row per
contract solicited as cooperative, from its opening; searched while it is active.

Asynchronous: a read model for users, never an input of a decision (ceilings are decided
on the contract's own marketplace stream)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractTerminated,
)
from events.marketplace import OrderCommitted, OrderReleased
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.errors import field_error
from projections import cursor
from projections.base import types_of

_encode = msgspec.json.Encoder()

_INSERT = """
INSERT INTO marketplace_contracts (contract_id, title, agency_id, lead_agency_id, vendor_id, status, currency,
    value_amount, ceiling_amount, start_date, end_date, commodity_codes, items_text, catalog, cooperative)
VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb)
ON CONFLICT (contract_id) DO NOTHING
"""


def _opened(event: ContractOpened) -> tuple[Any, ...]:
    statement = event.cooperative
    assert statement is not None
    codes = sorted({item.commodity_code for item in event.catalog})
    items = " ".join(f"{item.description} {item.item_id}" for item in event.catalog)
    ceiling = statement.total_ceiling.amount if statement.total_ceiling else None
    return (event.contract_id, event.title, event.agency_id, statement.lead_agency_id or event.agency_id,
            event.vendor_id, event.value.currency, event.value.amount, ceiling, event.start_date, event.end_date,
            codes, items, _encode.encode(event.catalog).decode(), _encode.encode(statement).decode())


class MarketplaceListing:
    name = "marketplace.listing"
    tables: Sequence[str] = ("marketplace_contracts",)
    types: frozenset[str] | None = types_of(ContractOpened, ContractActivated, ContractModified, ContractCompleted,
                                            ContractTerminated, OrderCommitted, OrderReleased)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            event = recorded.event
            match event:
                case ContractOpened(cooperative=statement) if statement is not None:
                    await conn.execute(_INSERT, *_opened(event))
                case ContractActivated():
                    await conn.execute("UPDATE marketplace_contracts SET status = 'active', listed_at = $2"
                                       " WHERE contract_id = $1", event.contract_id, event.activated_at)
                case ContractModified():
                    await conn.execute("UPDATE marketplace_contracts SET value_amount = $2, end_date = $3"
                                       " WHERE contract_id = $1", event.contract_id, event.value.amount,
                                       event.end_date)
                case ContractCompleted() | ContractTerminated():
                    status = "completed" if isinstance(event, ContractCompleted) else "terminated"
                    await conn.execute("UPDATE marketplace_contracts SET status = $2 WHERE contract_id = $1",
                                       event.contract_id, status)
                case OrderCommitted() | OrderReleased():
                    sign = 1 if isinstance(event, OrderCommitted) else -1
                    await conn.execute("UPDATE marketplace_contracts SET committed_amount = committed_amount + $2"
                                       " WHERE contract_id = $1", event.contract_id, sign * event.amount.amount)


class SearchFilters(msgspec.Struct, frozen=True, kw_only=True):
    q: str | None = None
    commodity_code: str | None = None
    lead_agency: str | None = None
    vendor: str | None = None
    #: contracts ending within this many days of ``today``
    expires_within_days: int | None = None


EXPIRY_WINDOWS = (90, 180, 365)


class Facet(msgspec.Struct, frozen=True, kw_only=True):
    value: str
    count: int


class Facets(msgspec.Struct, frozen=True, kw_only=True):
    commodity_code: list[Facet]
    lead_agency: list[Facet]
    #: "90d", "180d", "365d" (ending within so many days) and "later"
    expiry: list[Facet]


def _where(filters: SearchFilters, today: date, arg: Any) -> list[str]:
    where = ["status = 'active'"]
    if filters.q:
        where.append(f"document @@ websearch_to_tsquery('english', {arg(filters.q)})")
    if filters.commodity_code:
        where.append(f"commodity_codes @> ARRAY[{arg(filters.commodity_code)}]::text[]")
    if filters.lead_agency:
        where.append(f"lead_agency_id = {arg(filters.lead_agency)}")
    if filters.vendor:
        where.append(f"vendor_id = {arg(filters.vendor)}")
    if filters.expires_within_days is not None:
        where.append(f"end_date <= {arg(today + timedelta(days=filters.expires_within_days))}::date")
    return where


async def search_contracts(conn: Any, filters: SearchFilters, today: date, *, limit: int,
                           after: str | None) -> tuple[list[Any], str | None, Facets]:
    """A page of active cooperative contracts (newest listing first), the next page's
    cursor, and the facets of every match (not only of the page)."""
    query = cursor.fingerprint("marketplace.contracts", msgspec.to_builtins(filters), today.isoformat())
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = _where(filters, today, arg)
    base_args = list(args)
    facet_sql = " AND ".join(where)
    if after is not None:
        try:
            listed, last_id = cursor.decode(after, query)
            listed = datetime.fromisoformat(listed)
        except (TypeError, ValueError) as exc:
            raise field_error("cursor", "not a cursor returned by this search") from exc
        where.append(f"(listed_at, contract_id) < ({arg(listed)}::timestamptz, {arg(last_id)})")
    rows = await conn.fetch(
        f"SELECT * FROM marketplace_contracts WHERE {' AND '.join(where)}"
        f" ORDER BY listed_at DESC, contract_id DESC LIMIT {arg(limit + 1)}", *args)
    codes = await conn.fetch(
        f"SELECT code AS value, count(*) AS count FROM marketplace_contracts, unnest(commodity_codes) AS code"
        f" WHERE {facet_sql} GROUP BY code ORDER BY count(*) DESC, code LIMIT 50", *base_args)
    leads = await conn.fetch(
        f"SELECT lead_agency_id AS value, count(*) AS count FROM marketplace_contracts WHERE {facet_sql}"
        f" GROUP BY lead_agency_id ORDER BY count(*) DESC, lead_agency_id LIMIT 50", *base_args)
    windows = ", ".join(f"count(*) FILTER (WHERE end_date <= ${len(base_args) + 1}::date + {days}) AS d{days}"
                        for days in EXPIRY_WINDOWS)
    expiry = await conn.fetchrow(
        f"SELECT {windows}, count(*) FILTER (WHERE end_date > ${len(base_args) + 1}::date + {EXPIRY_WINDOWS[-1]})"
        f" AS later FROM marketplace_contracts WHERE {facet_sql}", *base_args, today)
    facets = Facets(
        commodity_code=[Facet(value=r["value"], count=r["count"]) for r in codes],
        lead_agency=[Facet(value=r["value"], count=r["count"]) for r in leads],
        expiry=[*(Facet(value=f"{d}d", count=expiry[f"d{d}"]) for d in EXPIRY_WINDOWS),
                Facet(value="later", count=expiry["later"])])
    if len(rows) <= limit:
        return list(rows), None, facets
    last = rows[limit - 1]
    return list(rows[:limit]), cursor.encode(query, [last["listed_at"].isoformat(), last["contract_id"]]), facets
