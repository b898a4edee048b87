"""The contract register read model: what lists of contracts show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractModified,
    ContractOpened,
    ContractTerminated,
)
from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of


def _statement(event: Any) -> tuple[str, tuple[Any, ...]] | None:
    match event:
        case ContractOpened():
            return (
                "INSERT INTO contract_register (contract_id, award_id, solicitation_id, agency_id,"
                " vendor_id, value_amount, currency, start_date, end_date, status, opened_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10)"
                " ON CONFLICT (contract_id) DO NOTHING",
                (event.contract_id, event.award_id, event.solicitation_id, event.agency_id,
                 event.vendor_id, event.value.amount, event.value.currency, event.start_date,
                 event.end_date, event.opened_at))
        case ContractActivated():
            return ("UPDATE contract_register SET status = 'active' WHERE contract_id = $1",
                    (event.contract_id,))
        case ContractModified():
            return ("UPDATE contract_register SET value_amount = $2, end_date = $3"
                    " WHERE contract_id = $1", (event.contract_id, event.value.amount, event.end_date))
        case ContractCompleted():
            return ("UPDATE contract_register SET status = 'completed' WHERE contract_id = $1",
                    (event.contract_id,))
        case ContractTerminated():
            return ("UPDATE contract_register SET status = 'terminated' WHERE contract_id = $1",
                    (event.contract_id,))
    return None


class ContractRegisterProjection:
    name = "contracts.register"
    tables: Sequence[str] = ("contract_register",)
    types: frozenset[str] | None = types_of(ContractOpened, ContractActivated, ContractModified, ContractCompleted,
                     ContractTerminated)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            statement = _statement(recorded.event)
            if statement is not None:
                await conn.execute(statement[0], *statement[1])


async def list_contracts(
    conn: Connection, *, agency_id: str | None = None, vendor_ids: list[str] | None = None,
    award_id: str | None = None, status: str | None = None, limit: int = 100, offset: int = 0,
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM contract_register WHERE ($1::text IS NULL OR agency_id = $1)"
        " AND ($2::text[] IS NULL OR vendor_id = ANY($2)) AND ($3::text IS NULL OR award_id = $3)"
        " AND ($4::text IS NULL OR status = $4)"
        " ORDER BY start_date DESC, contract_id LIMIT $5 OFFSET $6",
        agency_id, vendor_ids, award_id, status, limit, offset)
