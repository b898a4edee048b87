"""The payments service's own read model of contracts and agencies' payment terms.

Fed by contract and agency events through the runner; read at the edge to build
invoice commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from events.agencies import AgencyRegistered
from events.base import Money
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractTerminated,
)
from infra.db import Connection
from projections.base import types_of
from services.payments.commands import AgencyTerms, ContractTerms


class PaymentTermsProjection:
    name = "payments_terms"
    tables: Sequence[str] = ("payments_contracts", "payments_agency_terms")
    types: frozenset[str] | None = types_of(ContractOpened, ContractActivated, ContractModified, ContractCompleted,
                     ContractTerminated, AgencyRegistered)

    async def apply(self, conn: Connection, events: Sequence[Any]) -> None:
        for recorded in events:
            match recorded.event:
                case ContractOpened() as e:
                    await conn.execute(
                        "INSERT INTO payments_contracts (contract_id, agency_id, vendor_id,"
                        " value_amount, currency, status, requires_receipt, start_date, end_date,"
                        " solicitation_id)"
                        " VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)"
                        " ON CONFLICT (contract_id) DO NOTHING",
                        e.contract_id, e.agency_id, e.vendor_id, e.value.amount,
                        e.value.currency, e.requires_receipt, e.start_date, e.end_date, e.solicitation_id)
                case ContractActivated() as e:
                    await _status(conn, e.contract_id, "active")
                    if e.end_date is not None:
                        await _end(conn, e.contract_id, e.end_date)
                case ContractModified() as e:
                    await conn.execute(
                        "UPDATE payments_contracts SET value_amount = $2, end_date = $3"
                        " WHERE contract_id = $1", e.contract_id, e.value.amount, e.end_date)
                case ContractCompleted() as e:
                    await _status(conn, e.contract_id, "completed")
                case ContractTerminated() as e:
                    await _status(conn, e.contract_id, "terminated")
                case AgencyRegistered() as e:
                    await conn.execute(
                        "INSERT INTO payments_agency_terms"
                        " (agency_id, prompt_payment_days, late_interest_annual_rate, time_zone,"
                        " jurisdiction, interest_rate_agreed)"
                        " VALUES ($1, $2, $3, $4, $5, $6)"
                        " ON CONFLICT (agency_id) DO UPDATE SET prompt_payment_days = $2,"
                        " late_interest_annual_rate = $3, time_zone = $4, jurisdiction = $5,"
                        " interest_rate_agreed = $6",
                        e.agency_id, e.prompt_payment_days, e.late_interest_annual_rate, e.time_zone,
                        e.jurisdiction, e.interest_rate_agreed)


async def _status(conn: Connection, contract_id: str, status: str) -> None:
    await conn.execute("UPDATE payments_contracts SET status = $2 WHERE contract_id = $1",
                       contract_id, status)


async def _end(conn: Connection, contract_id: str, end_date: date) -> None:
    await conn.execute("UPDATE payments_contracts SET end_date = $2 WHERE contract_id = $1",
                       contract_id, end_date)


async def contract_terms(conn: Connection, contract_id: str) -> ContractTerms | None:
    row = await conn.fetchrow("SELECT * FROM payments_contracts WHERE contract_id = $1", contract_id)
    if row is None:
        return None
    return ContractTerms(
        contract_id=row["contract_id"], agency_id=row["agency_id"], vendor_id=row["vendor_id"],
        value=Money(amount=row["value_amount"], currency=row["currency"]), status=row["status"],
        requires_receipt=row["requires_receipt"], start_date=row["start_date"],
        end_date=row["end_date"], solicitation_id=row["solicitation_id"])


async def agency_terms(conn: Connection, agency_id: str) -> AgencyTerms:
    """The agency's prompt-payment terms; the statutory defaults when it set none."""
    row = await conn.fetchrow("SELECT * FROM payments_agency_terms WHERE agency_id = $1", agency_id)
    if row is None:
        return AgencyTerms()
    return AgencyTerms(prompt_payment_days=row["prompt_payment_days"],
                       late_interest_annual_rate=row["late_interest_annual_rate"], time_zone=row["time_zone"],
                       jurisdiction=row["jurisdiction"], interest_rate_agreed=row["interest_rate_agreed"])
