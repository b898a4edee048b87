"""Reading the audit trail: filtered pages, the chain of one agency, compliance figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.db import Connection
from projections.payment_audit.chain import BrokenLink, first_broken


class Filters:
    """The audit filters as SQL (every value a bound parameter)."""

    def __init__(self, *, agency: str | None = None, contract: str | None = None,
                 vendor: str | None = None, invoice: str | None = None,
                 payment: str | None = None, since: datetime | None = None,
                 until: datetime | None = None) -> None:
        self.where: list[str] = []
        self.args: list[Any] = []
        for column, value in (("agency_id", agency), ("contract_id", contract),
                              ("vendor_id", vendor), ("invoice_id", invoice),
                              ("payment_id", payment)):
            if value is not None:
                self.where.append(f"{column} = {self.arg(value)}")
        if since is not None:
            self.where.append(f"occurred_at >= {self.arg(since)}")
        if until is not None:
            self.where.append(f"occurred_at < {self.arg(until)}")

    def arg(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    @property
    def clause(self) -> str:
        return f"WHERE {' AND '.join(self.where)}" if self.where else ""


async def audit_page(conn: Connection, filters: Filters, *, limit: int, offset: int) -> tuple[list[Any], int]:
    total = await conn.fetchval(f"SELECT count(*) FROM payment_audit_entries {filters.clause}",
                                *filters.args)
    rows = await conn.fetch(
        f"SELECT * FROM payment_audit_entries {filters.clause}"
        f" ORDER BY occurred_at, agency_id, seq LIMIT {filters.arg(limit)} OFFSET {filters.arg(offset)}",
        *filters.args)
    return rows, total


async def audit_rows(conn: Connection, filters: Filters) -> Any:
    """Every matching entry in order, streamed (for the CSV export)."""
    async for row in conn.cursor(
            f"SELECT * FROM payment_audit_entries {filters.clause} ORDER BY occurred_at, agency_id, seq",
            *filters.args):
        yield row


async def verify_chain(conn: Connection, agency_id: str | None) -> tuple[int, BrokenLink | None, str | None]:
    """(entries checked, the first broken link or None, the head hash) of one agency's
    chain; with no agency, of every agency's chain (no single head hash then)."""
    if agency_id is None:
        agencies = await conn.fetch("SELECT DISTINCT agency_id FROM payment_audit_entries ORDER BY 1")
        checked = 0
        broken: BrokenLink | None = None
        for row in agencies:
            count, first, _ = await verify_chain(conn, row["agency_id"])
            checked, broken = checked + count, broken or first
        return checked, broken, None
    rows = await conn.fetch(
        "SELECT * FROM payment_audit_entries WHERE agency_id = $1 ORDER BY seq", agency_id)
    entries = [dict(r) for r in rows]
    return len(entries), first_broken(entries), entries[-1]["hash"] if entries else None


async def prompt_payment_summary(conn: Connection, agency_id: str | None, since: datetime | None,
                                 until: datetime | None) -> Any:
    return await conn.fetch(
        "SELECT currency, count(*) AS paid,"
        " count(*) FILTER (WHERE (paid_at AT TIME ZONE 'UTC')::date <= due_date) AS on_time,"
        " avg(extract(epoch FROM paid_at - received_at) / 86400.0) AS average_days,"
        " coalesce(sum(interest), 0) AS interest"
        " FROM payment_audit_timeliness WHERE ($1::text IS NULL OR agency_id = $1) AND paid_at IS NOT NULL"
        " AND ($2::timestamptz IS NULL OR paid_at >= $2) AND ($3::timestamptz IS NULL OR paid_at < $3)"
        " GROUP BY currency ORDER BY currency", agency_id, since, until)
