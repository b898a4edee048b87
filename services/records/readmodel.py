"""The records context's read model: the streams of each contracting process.

Built from the events' own links (a bid names its solicitation, an invoice or a purchase
order its contract, a contract its solicitation), so a bundle never folds another
context's stream. A cooperative contract's process holds every agency's participation
and orders: the lead agency answers for the contract they buy from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from events.awards import EvaluationStarted, EvaluatorAppointed, ProtestFiled
from events.bids import BidSubmitted
from events.contracts import ContractOpened
from events.documents import DocumentAttached
from events.invoices import ContractAmountInvoiced, InvoiceSubmitted
from events.marketplace import ParticipationRequested, PurchaseOrderPlaced
from events.payments import PaymentStarted
from events.solicitations import SolicitationCreated, SolicitationOpened
from infra.db import Connection
from infra.eventstore import RecordedEvent
from projections.base import types_of

_ADD_STREAM = ("INSERT INTO records_process_streams (solicitation_id, stream_id, kind) VALUES ($1, $2, $3)"
               " ON CONFLICT DO NOTHING")
_ADD_BY_CONTRACT = (
    "INSERT INTO records_process_streams (solicitation_id, stream_id, kind)"
    " SELECT solicitation_id, $2, $3 FROM records_contract_processes WHERE contract_id = $1"
    " ON CONFLICT DO NOTHING")


class ProcessStreamsProjection:
    name = "records.processes"
    tables: Sequence[str] = ("records_processes", "records_process_streams", "records_contract_processes")
    types: frozenset[str] | None = types_of(
        SolicitationCreated, SolicitationOpened, BidSubmitted, EvaluationStarted, EvaluatorAppointed,
        ProtestFiled, ContractOpened, InvoiceSubmitted, ContractAmountInvoiced, PaymentStarted, DocumentAttached,
        ParticipationRequested, PurchaseOrderPlaced)

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            stream = recorded.stream_id
            match recorded.event:
                case SolicitationCreated() as e:
                    await conn.execute(
                        "INSERT INTO records_processes (solicitation_id, agency_id) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING", e.solicitation_id, e.agency_id)
                    await conn.execute(_ADD_STREAM, e.solicitation_id, stream, "solicitation")
                case SolicitationOpened() as e:
                    await conn.execute("UPDATE records_processes SET opened = true WHERE solicitation_id = $1",
                                       e.solicitation_id)
                case BidSubmitted() as e:
                    await conn.execute(_ADD_STREAM, e.solicitation_id, stream, "bid")
                case EvaluationStarted() | EvaluatorAppointed() | ProtestFiled() as e:
                    await conn.execute(_ADD_STREAM, e.solicitation_id, stream, "evaluation")
                case ContractOpened() as e:
                    await conn.execute(
                        "INSERT INTO records_contract_processes (contract_id, solicitation_id) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING", e.contract_id, e.solicitation_id)
                    await conn.execute(_ADD_STREAM, e.solicitation_id, stream, "contract")
                case InvoiceSubmitted() as e:
                    await conn.execute(_ADD_BY_CONTRACT, e.contract_id, stream, "invoice")
                case ContractAmountInvoiced() as e:
                    await conn.execute(_ADD_BY_CONTRACT, e.contract_id, stream, "billing")
                case PaymentStarted() as e:
                    await conn.execute(_ADD_BY_CONTRACT, e.contract_id, stream, "payment")
                case ParticipationRequested() as e:
                    await conn.execute(_ADD_BY_CONTRACT, e.contract_id, stream, "participation")
                case PurchaseOrderPlaced() as e:  # its acceptance and receipts follow on its stream
                    await conn.execute(_ADD_BY_CONTRACT, e.contract_id, stream, "order")
                case DocumentAttached() as e:
                    await _add_document(conn, e, stream)


_ADD_BY_STREAM = (
    "INSERT INTO records_process_streams (solicitation_id, stream_id, kind)"
    " SELECT solicitation_id, $2, $3 FROM records_process_streams WHERE stream_id = $1"
    " ON CONFLICT DO NOTHING")


async def _add_document(conn: Any, e: DocumentAttached, stream: str) -> None:
    """A document belongs to the process of what it is attached to (a vendor's own
    documents belong to none); a bid's is kept apart, as the bid is, until the opening."""
    kind = "bid_document" if e.parent_type == "bid" else "document"
    if e.solicitation_id is not None:
        await conn.execute(_ADD_STREAM, e.solicitation_id, stream, kind)
    elif e.parent_type == "invoice":
        await conn.execute(_ADD_BY_STREAM, f"invoice-{e.parent_id}", stream, kind)


class Process(msgspec.Struct, frozen=True, kw_only=True):
    solicitation_id: str
    agency_id: str
    opened: bool
    #: (stream id, kind), in a stable order
    streams: list[tuple[str, str]]


async def process_of(conn: Any, solicitation_id: str) -> Process | None:
    row = await conn.fetchrow("SELECT agency_id, opened FROM records_processes WHERE solicitation_id = $1",
                              solicitation_id)
    if row is None:
        return None
    streams = await conn.fetch(
        "SELECT stream_id, kind FROM records_process_streams WHERE solicitation_id = $1"
        " ORDER BY kind, stream_id", solicitation_id)
    return Process(solicitation_id=solicitation_id, agency_id=row["agency_id"], opened=row["opened"],
                   streams=[(r["stream_id"], r["kind"]) for r in streams])
