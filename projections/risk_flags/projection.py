"""Projects the events of a contracting process into red flags (1510_risk_flags.sql).

Each process's working state is kept as JSON; after a batch, the flags of every process
it touched are computed again from that state (``flags.py``), and so are the flags that
compare processes, for the agency-and-family and vendor-and-family groups it touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec

from events.awards import AwardCancelled, AwardFinalized, BidResponsivenessRecorded, ScoresFinalized
from events.contracts import ContractModified, ContractOpened
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from events.solicitations import (
    AddendumPublished,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUpdated,
    SplittingSuspected,
)
from events.vendors import VendorFlaggedExcluded
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.commodities import family
from projections.base import types_of
from projections.risk_flags import definitions as d
from projections.risk_flags.flags import (
    Award,
    Bid,
    Flag,
    Process,
    cross_agency_splits,
    dominant_suppliers,
    process_flags,
)

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Process).decode


class _Batch:
    """The processes a batch touched, loaded once and written back once."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.processes: dict[str, Process] = {}
        self.groups: set[tuple[str, str]] = set()  # (agency, family) of awards that changed
        self.vendor_groups: set[tuple[str, str]] = set()  # (vendor, family)

    async def process(self, solicitation_id: str) -> Process:
        if solicitation_id not in self.processes:
            raw = await self.conn.fetchval("SELECT state FROM rf_processes WHERE solicitation_id = $1",
                                           solicitation_id)
            self.processes[solicitation_id] = _decode(raw) if raw else Process(solicitation_id=solicitation_id)
        return self.processes[solicitation_id]

    async def of_contract(self, contract_id: str) -> Process | None:
        sid = await self.conn.fetchval("SELECT solicitation_id FROM rf_contracts WHERE contract_id = $1", contract_id)
        return await self.process(sid) if sid else None


def _content(p: Process, e: SolicitationCreated | SolicitationUpdated) -> None:
    p.title, p.method, p.commodity_codes = e.title, e.method, list(e.commodity_codes)
    p.estimated_amount, p.deadline = e.estimated_value.amount, e.submission_deadline


async def _apply(batch: _Batch, recorded: RecordedEvent) -> None:
    e = recorded.event
    at = recorded.metadata.occurred_at
    match e:
        case SolicitationCreated():
            p = await batch.process(e.solicitation_id)
            p.agency_id = e.agency_id
            _content(p, e)
        case SolicitationUpdated():
            _content(await batch.process(e.solicitation_id), e)
        case SolicitationPublished():
            p = await batch.process(e.solicitation_id)
            p.agency_id, p.published_at, p.deadline = e.agency_id, e.published_at, e.submission_deadline
        case AddendumPublished():
            p = await batch.process(e.solicitation_id)
            p.addenda += 1
            issued = e.published_at or at
            if (p.deadline is not None and e.submission_deadline != p.deadline
                    and p.deadline - issued <= timedelta(days=d.LATE_CHANGE_DAYS)):
                p.late_change_at = p.late_change_at or issued
            p.deadline = e.submission_deadline
        case SplittingSuspected():
            p = await batch.process(e.solicitation_id)
            p.splitting_warned_at = p.splitting_warned_at or at
        case SolicitationOpened():
            p = await batch.process(e.solicitation_id)
            p.opened_at = e.opened_at
            p.bids = [Bid(bid_id=t.bid_id, vendor_id=t.vendor_id, amount=t.price.amount, counts=t.counts)
                      for t in e.tabulation]
        case BidResponsivenessRecorded():
            p = await batch.process(e.solicitation_id)
            fails = not (e.responsive and e.responsible)
            p.disqualified = sorted((set(p.disqualified) | {e.bid_id}) if fails else (set(p.disqualified) - {e.bid_id}))
        case ScoresFinalized():
            p = await batch.process(e.solicitation_id)
            p.basis, p.scored_at = e.basis, e.finalized_at
            p.disqualified = sorted(set(p.disqualified) | set(e.excluded_bids))
        case AwardFinalized():
            p = await batch.process(e.solicitation_id)
            p.winner_vendor, p.winner_bid, p.award_value, p.awarded_at = e.vendor_id, e.bid_id, e.value.amount, e.finalized_at
            p.winner_excluded = bool(await batch.conn.fetchval(
                "SELECT 1 FROM rf_excluded_vendors WHERE vendor_id = $1", e.vendor_id))
            code_family = family(p.commodity_codes[0]) if p.commodity_codes else ""
            await batch.conn.execute(
                "INSERT INTO rf_awards (award_id, solicitation_id, agency_id, vendor_id, family, value, awarded_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                e.award_id, e.solicitation_id, e.agency_id, e.vendor_id, code_family, e.value.amount, e.finalized_at)
            batch.groups.add((e.agency_id, code_family))
            batch.vendor_groups.add((e.vendor_id, code_family))
        case AwardCancelled():
            row = await batch.conn.fetchrow("DELETE FROM rf_awards WHERE award_id = $1"
                                            " RETURNING agency_id, vendor_id, family", e.award_id)
            if row is not None:
                batch.groups.add((row["agency_id"], row["family"]))
                batch.vendor_groups.add((row["vendor_id"], row["family"]))
                p = await batch.process(e.solicitation_id)
                p.winner_vendor = p.winner_bid = p.awarded_at = None
                p.award_value, p.winner_excluded = 0, False
        case VendorFlaggedExcluded():
            await batch.conn.execute("INSERT INTO rf_excluded_vendors VALUES ($1) ON CONFLICT DO NOTHING", e.vendor_id)
            for sid in await batch.conn.fetch("SELECT solicitation_id FROM rf_awards WHERE vendor_id = $1", e.vendor_id):
                (await batch.process(sid["solicitation_id"])).winner_excluded = True
        case ContractOpened():
            await batch.conn.execute("INSERT INTO rf_contracts VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                     e.contract_id, e.solicitation_id, e.value.amount)
            p = await batch.process(e.solicitation_id)
            p.contract_value += e.value.amount
            p.contract_current += e.value.amount
        case ContractModified():
            await _modified(batch, e)
        case PaymentStarted():
            await batch.conn.execute("INSERT INTO rf_payments (payment_id, contract_id) VALUES ($1, $2)"
                                     " ON CONFLICT DO NOTHING", e.payment_id, e.contract_id)
        case PaymentSucceeded():
            await _paid(batch, e.payment_id, e.amount.amount, e.paid_at)
        case PaymentRefunded():
            await _paid(batch, e.payment_id, -e.amount.amount, at)


async def _modified(batch: _Batch, e: ContractModified) -> None:
    """A modification states the contract's new value; the process sums its contracts."""
    before = await batch.conn.fetchval("SELECT value FROM rf_contracts WHERE contract_id = $1", e.contract_id)
    p = await batch.of_contract(e.contract_id)
    if p is None or before is None:
        return
    await batch.conn.execute("UPDATE rf_contracts SET value = $2 WHERE contract_id = $1", e.contract_id, e.value.amount)
    p.contract_current += e.value.amount - before
    p.amended_at = e.modified_at


async def _paid(batch: _Batch, payment_id: str, amount: int, at: datetime) -> None:
    contract_id = await batch.conn.fetchval("SELECT contract_id FROM rf_payments WHERE payment_id = $1", payment_id)
    p = await batch.of_contract(contract_id) if contract_id else None
    if p is not None:
        p.paid += amount
        p.paid_at = at


async def _write_flags(conn: Connection, solicitation_id: str, agency_id: str, scope: str,
                       flags: Sequence[Flag]) -> None:
    await conn.execute("DELETE FROM rf_flags WHERE solicitation_id = $1 AND scope = $2", solicitation_id, scope)
    if flags:
        await conn.executemany(
            "INSERT INTO rf_flags (solicitation_id, code, scope, agency_id, as_of, detail)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            [(solicitation_id, f.code, scope, agency_id, f.as_of, f.detail) for f in flags])


async def _cross_flags(conn: Connection, batch: _Batch) -> None:
    if batch.groups:
        agencies, families = zip(*sorted(batch.groups), strict=True)
        awards = await _awards(conn, "(agency_id, family) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                               list(agencies), list(families))
        await _replace(conn, "dominant", awards, dominant_suppliers(awards))
    if batch.vendor_groups:
        vendors, families = zip(*sorted(batch.vendor_groups), strict=True)
        awards = await _awards(conn, "(vendor_id, family) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                               list(vendors), list(families))
        await _replace(conn, "cross_agency", awards, cross_agency_splits(awards))


async def _awards(conn: Connection, where: str, *args: Any) -> list[Award]:
    rows = await conn.fetch(f"SELECT * FROM rf_awards WHERE {where}", *args)
    return [Award(solicitation_id=r["solicitation_id"], agency_id=r["agency_id"], vendor_id=r["vendor_id"],
                  family=r["family"], value=r["value"], awarded_at=r["awarded_at"]) for r in rows]


async def _replace(conn: Connection, scope: str, awards: list[Award], flags: dict[str, Flag]) -> None:
    for award in {a.solicitation_id: a for a in awards}.values():
        flag = flags.get(award.solicitation_id)
        await _write_flags(conn, award.solicitation_id, award.agency_id, scope, [flag] if flag else [])


class RiskFlagsProjection:
    name = "risk_flags"
    tables: Sequence[str] = ("rf_processes", "rf_contracts", "rf_payments", "rf_excluded_vendors", "rf_awards", "rf_flags")
    types: frozenset[str] | None = types_of(
        SolicitationCreated, SolicitationUpdated, SolicitationPublished, AddendumPublished, SplittingSuspected,
        SolicitationOpened, BidResponsivenessRecorded, ScoresFinalized, AwardFinalized, AwardCancelled,
        VendorFlaggedExcluded, ContractOpened, ContractModified, PaymentStarted, PaymentSucceeded, PaymentRefunded,
    )

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        batch = _Batch(conn)
        for recorded in events:
            await _apply(batch, recorded)
        for sid, p in batch.processes.items():
            await conn.execute(
                "INSERT INTO rf_processes (solicitation_id, agency_id, state) VALUES ($1, $2, $3::jsonb)"
                " ON CONFLICT (solicitation_id) DO UPDATE SET agency_id = excluded.agency_id, state = excluded.state",
                sid, p.agency_id, _encode(p).decode())
            await _write_flags(conn, sid, p.agency_id, "process", process_flags(p))
        await _cross_flags(conn, batch)
