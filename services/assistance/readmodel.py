"""The assistance layer's own read model (tables of 1500_assistance_matching.sql).

Built by the runner from the events of agencies, vendors, solicitations, bids, contracts
and of assistance itself. Texts are embedded here, in the projection, so that a rebuild
recomputes every vector from the events and a query never waits on the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import numpy as np

from events.agencies import AgencyRegistered
from events.assistance import (
    OpportunityDismissed,
    SimilarPurchasesReviewed,
    SuggestedItem,
    SuggestionsShown,
    VendorsInvited,
)
from events.bids import BidSubmitted
from events.contracts import (
    ContractActivated,
    ContractCompleted,
    ContractOpened,
    ContractTerminated,
    PerformanceRated,
)
from events.solicitations import (
    AddendumPublished,
    SolicitationAwarded,
    SolicitationCancelled,
    SolicitationClosed,
    SolicitationCreated,
    SolicitationOpened,
    SolicitationPublished,
    SolicitationUnderEvaluation,
    SolicitationUnsuccessful,
    SolicitationUpdated,
)
from events.vendors import (
    CertificationAdded,
    CertificationExpired,
    CertificationRejected,
    CertificationVerified,
    UserInvited,
    VendorApproved,
    VendorFlaggedExcluded,
    VendorProfileUpdated,
    VendorRegistered,
    VendorRegistrationExpired,
    VendorRejected,
    VendorRenewed,
    VendorSubmitted,
)
from infra.db import Connection
from infra.eventstore import RecordedEvent
from kernel.commodities import commodity_text
from projections.base import types_of
from projections.statements import Statement, execute_in_order
from services.assistance.embedding import encoder
from services.assistance.schemas import AssistanceRecord, Decision, ShownList, Suggestion
from services.assistance.text import solicitation_text, vendor_embedding_text

_NEXT = "seq = nextval('assist_seq')"


def _vendor_status(vendor_id: str, status: str) -> Statement:
    return f"UPDATE assist_vendors SET status = $2, {_NEXT} WHERE vendor_id = $1", (vendor_id, status)


def _solicitation_status(solicitation_id: str, status: str) -> Statement:
    return (f"UPDATE assist_solicitations SET status = $2, {_NEXT} WHERE solicitation_id = $1",
            (solicitation_id, status))


def _cert_status(vendor_id: str, cert_id: str, status: str) -> list[Statement]:
    return [
        ("UPDATE assist_vendor_certs SET status = $3 WHERE vendor_id = $1 AND cert_id = $2",
         (vendor_id, cert_id, status)),
        (f"UPDATE assist_vendors SET {_NEXT} WHERE vendor_id = $1", (vendor_id,)),
    ]


def _contract_status(contract_id: str, status: str) -> Statement:
    return (f"UPDATE assist_contracts SET status = $2, {_NEXT} WHERE contract_id = $1",
            (contract_id, status))


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _vendor_statements(event: Any) -> list[Statement]:
    match event:
        case VendorRegistered():
            return [(
                "INSERT INTO assist_vendors (vendor_id, legal_name, state, commodity_codes, local_agencies,"
                " capability, users) VALUES ($1, $2, $3, $4, $5, $6, ARRAY[$7]) ON CONFLICT (vendor_id) DO NOTHING",
                (event.vendor_id, event.legal_name, event.address.state.upper(), event.commodity_codes,
                 event.local_agencies, event.capability_statement, event.owner))]
        case VendorProfileUpdated():
            return [(
                "UPDATE assist_vendors SET legal_name = coalesce($2, legal_name),"
                " state = coalesce($3, state), commodity_codes = coalesce($4, commodity_codes),"
                f" local_agencies = coalesce($5, local_agencies), capability = coalesce($6, capability), {_NEXT}"
                " WHERE vendor_id = $1",
                (event.vendor_id, event.legal_name, event.address.state.upper() if event.address else None,
                 event.commodity_codes, event.local_agencies, event.capability_statement))]
        case VendorFlaggedExcluded():
            return [(f"UPDATE assist_vendors SET excluded = true, {_NEXT} WHERE vendor_id = $1",
                     (event.vendor_id,))]
        case VendorSubmitted():
            return [_vendor_status(event.vendor_id, "submitted")]
        case VendorApproved() | VendorRenewed():
            return [_vendor_status(event.vendor_id, "approved")]
        case VendorRejected():
            return [_vendor_status(event.vendor_id, "rejected")]
        case VendorRegistrationExpired():
            return [_vendor_status(event.vendor_id, "expired")]
        case UserInvited():
            return [(
                f"UPDATE assist_vendors SET users = array_append(users, $2), {_NEXT}"
                " WHERE vendor_id = $1 AND NOT $2 = ANY(users)", (event.vendor_id, event.user))]
        case CertificationAdded():
            return [
                ("INSERT INTO assist_vendor_certs (vendor_id, cert_id, program, effective_date, expiry_date)"
                 " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                 (event.vendor_id, event.cert_id, event.program, event.effective_date, event.expiry_date)),
                (f"UPDATE assist_vendors SET {_NEXT} WHERE vendor_id = $1", (event.vendor_id,)),
            ]
        case CertificationVerified():
            return _cert_status(event.vendor_id, event.cert_id, "verified")
        case CertificationRejected():
            return _cert_status(event.vendor_id, event.cert_id, "rejected")
        case CertificationExpired():
            return _cert_status(event.vendor_id, event.cert_id, "expired")
    return []


def _solicitation_statements(event: Any) -> list[Statement]:
    match event:
        case SolicitationCreated():
            return [(
                "INSERT INTO assist_solicitations (solicitation_id, agency_id, solicitation_type, title,"
                " description, commodity_codes, set_aside, estimated_amount, currency, submission_deadline)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (solicitation_id) DO NOTHING",
                (event.solicitation_id, event.agency_id, event.solicitation_type, event.title,
                 event.description, event.commodity_codes, event.set_aside, event.estimated_value.amount,
                 event.estimated_value.currency, event.submission_deadline))]
        case SolicitationUpdated():
            return [(
                "UPDATE assist_solicitations SET solicitation_type = $2, title = $3, description = $4,"
                " commodity_codes = $5, set_aside = $6, estimated_amount = $7, currency = $8,"
                f" submission_deadline = $9, {_NEXT} WHERE solicitation_id = $1",
                (event.solicitation_id, event.solicitation_type, event.title, event.description,
                 event.commodity_codes, event.set_aside, event.estimated_value.amount,
                 event.estimated_value.currency, event.submission_deadline))]
        case SolicitationPublished():
            return [(
                f"UPDATE assist_solicitations SET status = 'published', published_at = $2, {_NEXT}"
                " WHERE solicitation_id = $1", (event.solicitation_id, event.published_at))]
        case AddendumPublished():
            return [(
                f"UPDATE assist_solicitations SET submission_deadline = $2, {_NEXT} WHERE solicitation_id = $1",
                (event.solicitation_id, event.submission_deadline))]
        case SolicitationClosed():
            return [_solicitation_status(event.solicitation_id, "closed")]
        case SolicitationOpened():
            return [_solicitation_status(event.solicitation_id, "opened")]
        case SolicitationUnderEvaluation():
            return [_solicitation_status(event.solicitation_id, "under_evaluation")]
        case SolicitationAwarded():
            return [_solicitation_status(event.solicitation_id, "awarded")]
        case SolicitationUnsuccessful():
            return [_solicitation_status(event.solicitation_id, "unsuccessful")]
        case SolicitationCancelled():
            return [_solicitation_status(event.solicitation_id, "cancelled")]
    return []


def _record_statements(recorded: RecordedEvent) -> list[Statement]:
    event = recorded.event
    match event:
        case AgencyRegistered():
            return [("INSERT INTO assist_agencies (agency_id, name, jurisdiction) VALUES ($1, $2, $3)"
                     " ON CONFLICT (agency_id) DO NOTHING", (event.agency_id, event.name, event.jurisdiction))]
        case BidSubmitted():
            return [("INSERT INTO assist_bidders (vendor_id, solicitation_id) VALUES ($1, $2)"
                     " ON CONFLICT DO NOTHING", (event.vendor_id, event.solicitation_id))]
        case ContractOpened():
            return [(
                "INSERT INTO assist_contracts (contract_id, solicitation_id, agency_id, vendor_id,"
                " value_amount, currency, end_date) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (contract_id) DO NOTHING",
                (event.contract_id, event.solicitation_id, event.agency_id, event.vendor_id,
                 event.value.amount, event.value.currency, event.end_date))]
        case ContractActivated():
            return [_contract_status(event.contract_id, "active")]
        case ContractCompleted():
            return [_contract_status(event.contract_id, "completed")]
        case ContractTerminated():
            return [_contract_status(event.contract_id, "terminated")]
        case PerformanceRated():
            score = (event.quality + event.timeliness + event.cost_control + event.communication) / 4
            return [(
                "UPDATE assist_contracts SET rating_total = rating_total + $2, rating_count = rating_count + 1"
                " WHERE contract_id = $1", (event.contract_id, round(score * 100)))]
        case OpportunityDismissed():
            return [(
                "INSERT INTO assist_dismissals (vendor_id, solicitation_id, suggestion_id, reason, dismissed_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                (event.vendor_id, event.solicitation_id, event.suggestion_id, event.reason, event.dismissed_at))]
        case SuggestionsShown():
            return [(
                "INSERT INTO assist_suggestions (suggestion_id, list_kind, subject_id, asked_by, asked_role,"
                " agency_id, model, model_version, inputs_hash, items, shown_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) ON CONFLICT DO NOTHING",
                (event.suggestion_id, event.list_kind, event.subject_id, event.asked_by, event.asked_role,
                 event.agency_id, event.model, event.model_version, event.inputs_hash, _json(event.items),
                 event.shown_at))]
        case VendorsInvited():
            return [_decision(recorded, event.solicitation_id, "invited", event.suggestion_id,
                              event.vendor_ids, event.message, event.invited_by, event.invited_at)]
        case SimilarPurchasesReviewed():
            return [_decision(recorded, event.solicitation_id, event.decision, event.suggestion_id, [],
                              event.justification, event.decided_by, event.decided_at)]
    return _vendor_statements(event) or _solicitation_statements(event)


def _decision(recorded: RecordedEvent, solicitation_id: str, decision: str, suggestion_id: str | None,
              vendor_ids: list[str], detail: str, by: str, at: Any) -> Statement:
    return (
        "INSERT INTO assist_decisions (event_id, solicitation_id, decision, suggestion_id, vendor_ids,"
        " detail, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        (recorded.event_id, solicitation_id, decision, suggestion_id, vendor_ids, detail, by, at))


#: the events whose text a vector is made of
_VENDOR_TEXT = (VendorRegistered, VendorProfileUpdated)
_SOLICITATION_TEXT = (SolicitationCreated, SolicitationUpdated)


class AssistanceProjection:
    name = "assistance.matching"
    tables: Sequence[str] = ("assist_agencies", "assist_vendors", "assist_vendor_certs", "assist_solicitations",
              "assist_bidders", "assist_contracts", "assist_dismissals", "assist_suggestions",
              "assist_decisions")
    types: frozenset[str] | None = types_of(
        AgencyRegistered, VendorRegistered, VendorProfileUpdated, VendorFlaggedExcluded, VendorSubmitted,
        VendorApproved, VendorRenewed, VendorRejected, VendorRegistrationExpired, UserInvited,
        CertificationAdded, CertificationVerified, CertificationRejected, CertificationExpired,
        SolicitationCreated, SolicitationUpdated, SolicitationPublished, AddendumPublished,
        SolicitationClosed, SolicitationOpened, SolicitationUnderEvaluation, SolicitationAwarded,
        SolicitationUnsuccessful, SolicitationCancelled, BidSubmitted, ContractOpened, ContractActivated,
        ContractCompleted, ContractTerminated, PerformanceRated, OpportunityDismissed, SuggestionsShown,
        VendorsInvited, SimilarPurchasesReviewed,
    )

    async def apply(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        vendors: set[str] = set()
        solicitations: set[str] = set()
        await execute_in_order(conn, (s for recorded in events for s in _record_statements(recorded)))
        for recorded in events:
            event = recorded.event
            if isinstance(event, _VENDOR_TEXT):
                vendors.add(event.vendor_id)
            elif isinstance(event, _SOLICITATION_TEXT):
                solicitations.add(event.solicitation_id)
        if vendors:
            await _embed_vendors(conn, sorted(vendors))
        if solicitations:
            await _embed_solicitations(conn, sorted(solicitations))


async def _embed_vendors(conn: Connection, vendor_ids: list[str]) -> None:
    rows = await conn.fetch(
        "SELECT vendor_id, legal_name, capability, commodity_codes FROM assist_vendors"
        " WHERE vendor_id = ANY($1) ORDER BY vendor_id", vendor_ids)
    texts = [vendor_embedding_text(r["legal_name"], r["capability"], [commodity_text(r["commodity_codes"])])
             for r in rows]
    await _store(conn, "assist_vendors", "vendor_id", [r["vendor_id"] for r in rows], texts)


async def _embed_solicitations(conn: Connection, solicitation_ids: list[str]) -> None:
    rows = await conn.fetch(
        "SELECT solicitation_id, title, description, commodity_codes FROM assist_solicitations"
        " WHERE solicitation_id = ANY($1) ORDER BY solicitation_id", solicitation_ids)
    texts = [solicitation_text(r["title"], r["description"], [commodity_text(r["commodity_codes"])])
             for r in rows]
    await _store(conn, "assist_solicitations", "solicitation_id", [r["solicitation_id"] for r in rows], texts)


async def _store(conn: Connection, table: str, key: str, ids: list[str], texts: list[str]) -> None:
    if not ids:
        return
    # One text at a time: a vector must not depend on which texts shared its batch (padding
    # changes the order of floating-point sums), or a rebuild would differ from the live model.
    vectors = [encoder().embed_one(text) for text in texts]
    await conn.executemany(
        f"UPDATE {table} SET embedding = $2, {_NEXT} WHERE {key} = $1",
        [(i, np.asarray(v, dtype="<f4").tobytes()) for i, v in zip(ids, vectors, strict=True)])


_items = msgspec.json.Decoder(list[SuggestedItem])


async def assistance_record(conn: Connection, solicitation_id: str) -> AssistanceRecord:
    """The lists shown for a solicitation and the decisions taken on it, oldest first."""
    shown = await conn.fetch(
        "SELECT * FROM assist_suggestions WHERE subject_id = $1 AND list_kind IN ('vendors', 'similar')"
        " ORDER BY shown_at, suggestion_id", solicitation_id)
    decided = await conn.fetch(
        "SELECT * FROM assist_decisions WHERE solicitation_id = $1 ORDER BY decided_at, event_id",
        solicitation_id)
    return AssistanceRecord(
        solicitation_id=solicitation_id,
        suggestions=[ShownList(
            suggestion_id=r["suggestion_id"], list_kind=r["list_kind"], asked_by=r["asked_by"],
            asked_role=r["asked_role"], model=r["model"], model_version=r["model_version"],
            inputs_hash=r["inputs_hash"], shown_at=r["shown_at"],
            items=[Suggestion(id=i.item_id, rank=i.rank, score=i.score, parts=list(i.parts), kind=i.kind)
                   for i in _items.decode(r["items"])]) for r in shown],
        decisions=[Decision(decision=r["decision"], suggestion_id=r["suggestion_id"],
                            vendor_ids=list(r["vendor_ids"]), detail=r["detail"], decided_by=r["decided_by"],
                            decided_at=r["decided_at"]) for r in decided])
