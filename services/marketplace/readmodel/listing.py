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
    value_amount, ceiling_amount, start_date, end_date, commodity_codes, items_text, item_count, catalog, cooperative)
VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb)
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
            codes, items, len(event.catalog), _encode.encode(event.catalog).decode(), _encode.encode(statement).decode())


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


class Listed(msgspec.Struct, frozen=True, kw_only=True):
    """A contract of a search page."""

    contract_id: str
    title: str
    lead_agency_id: str
    vendor_id: str
    end_date: date
    currency: str
    commodity_codes: list[str]
    item_count: int
    value_amount: int
    ceiling_amount: int | None
    committed_amount: int
    listed_at: datetime


class _Found(msgspec.Struct, frozen=True):
    page: list[Listed] | None
    codes: list[Facet] | None
    leads: list[Facet] | None
    expiry: dict[str, int]


_found = msgspec.json.Decoder(_Found)
_SHOWN = ("contract_id", "title", "lead_agency_id", "vendor_id", "end_date", "currency", "commodity_codes",
          "item_count", "value_amount", "ceiling_amount", "committed_amount", "listed_at")


async def search_contracts(conn: Any, filters: SearchFilters, today: date, *, limit: int,
                           after: str | None) -> tuple[list[Listed], str | None, Facets]:
    """A page of active cooperative contracts (newest listing first), the next page's
    cursor, and the facets of every match (not only of the page): one statement, one pass
    over the matches."""
    query = cursor.fingerprint("marketplace.contracts", msgspec.to_builtins(filters), today.isoformat())
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    where = _where(filters, today, arg)
    keyset = "true"
    if after is not None:
        try:
            listed, last_id = cursor.decode(after, query)
            listed = datetime.fromisoformat(listed)
        except (TypeError, ValueError) as exc:
            raise field_error("cursor", "not a cursor returned by this search") from exc
        keyset = f"(listed_at, contract_id) < ({arg(listed)}::timestamptz, {arg(last_id)})"
    day = arg(today)
    windows = ", ".join(f"'{d}d', count(*) FILTER (WHERE end_date <= {day}::date + {d})" for d in EXPIRY_WINDOWS)
    shown = ", ".join(f"m.{c}" for c in _SHOWN)
    row = await conn.fetchval(f"""
        WITH hits AS MATERIALIZED (
            SELECT contract_id, listed_at, lead_agency_id, commodity_codes, end_date
            FROM marketplace_contracts WHERE {' AND '.join(where)}),
        page AS (
            SELECT contract_id FROM hits WHERE {keyset}
            ORDER BY listed_at DESC, contract_id DESC LIMIT {arg(limit + 1)})
        SELECT json_build_object(
            'page', (SELECT json_agg(p ORDER BY p.listed_at DESC, p.contract_id DESC) FROM (
                SELECT {shown} FROM page JOIN marketplace_contracts m USING (contract_id)) p),
            'codes', (SELECT json_agg(c) FROM (
                SELECT code AS value, count(*) AS count FROM hits, unnest(commodity_codes) AS code
                GROUP BY code ORDER BY count(*) DESC, code LIMIT 50) c),
            'leads', (SELECT json_agg(l) FROM (
                SELECT lead_agency_id AS value, count(*) AS count FROM hits
                GROUP BY lead_agency_id ORDER BY count(*) DESC, lead_agency_id LIMIT 50) l),
            'expiry', (SELECT json_build_object({windows},
                'later', count(*) FILTER (WHERE end_date > {day}::date + {EXPIRY_WINDOWS[-1]})) FROM hits))::text
        """, *args)
    found = _found.decode(row)
    rows = found.page or []
    facets = Facets(commodity_code=found.codes or [], lead_agency=found.leads or [],
                    expiry=[Facet(value=name, count=found.expiry[name])
                            for name in (*(f"{d}d" for d in EXPIRY_WINDOWS), "later")])
    if len(rows) <= limit:
        return rows, None, facets
    last = rows[limit - 1]
    return rows[:limit], cursor.encode(query, [last.listed_at.isoformat(), last.contract_id]), facets
