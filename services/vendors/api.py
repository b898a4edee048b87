"""HTTP for vendors and the exclusion (debarment) list: parse, build a command, hand it to the
executor, show what the role may see; admins record exclusions one by one or from a CSV file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import msgspec
from asyncpg import Pool
from litestar import Controller, Request, get, patch, post
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter

from infra.clock import Clock
from infra.eventstore import EventStore
from infra.executor import Executor, Outcome
from infra.http.auth import requires
from infra.http.common import AsOf, IdempotencyKey, as_of_instant, id_for_command, scoped_command_id
from infra.http.errors import error_responses
from infra.http.ratelimit import limited
from kernel.context import Actor
from kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, field_error
from kernel.limits import MAX_OFFSET
from services.documents.facts import attached_to
from services.vendors.commands import (
    AddCertification,
    ApproveVendor,
    InviteUser,
    RegisterVendor,
    RejectCertification,
    RejectVendor,
    RenewVendor,
    SubmitVendor,
    UpdateProfile,
    VerifyCertification,
)
from services.vendors.deciders.exclusion import EXCLUSION, RecordExclusion, exclusion_id_for
from services.vendors.deciders.vendor import VENDOR, Vendor
from services.vendors.exclusion_csv import RejectedRow, parse_exclusions
from services.vendors.facts import list_exclusions
from services.vendors.registration import localities, register_vendor
from services.vendors.schemas import (
    AcceptedRow,
    CertificationIn,
    CertificationOut,
    ExclusionIn,
    ExclusionOut,
    ExclusionPage,
    History,
    HistoryEntry,
    ImportReport,
    InviteIn,
    PublicVendorOut,
    ReasonIn,
    VendorIn,
    VendorOut,
    VendorPatch,
    certification_out,
    public_vendor_out,
    vendor_out,
    with_documents,
)
from services.vendors.settings import vendor_settings

_PUBLIC_STATUSES = ("approved", "expired")
_VENDOR_WRITE = requires("vendor", "admin")
_ADMIN = requires("admin")


def sees_everything(state: Vendor, actor: Actor | None) -> bool:
    """Admins and the vendor's own users see the whole record; everyone else the public profile."""
    if actor is None:
        return False
    return actor.role == "admin" or (actor.role == "vendor" and state.is_user(actor.sub))


class VendorController(Controller):
    path = "/vendors"
    tags = ["vendors"]

    async def _run(self, executor: Executor, actor: Actor, vendor_id: str, command: Any,
                   key: str | None, route: str) -> Outcome[Vendor]:
        return await executor.execute(VENDOR, vendor_id, command, actor,
                                            command_id=scoped_command_id(key, actor.sub, route))

    async def _full(self, executor: Executor, actor: Actor, vendor_id: str, command: Any,
                    key: str | None, route: str) -> VendorOut:
        outcome = await self._run(executor, actor, vendor_id, command, key, route)
        return vendor_out(outcome.state, outcome.version)

    @post(guards=[requires("vendor")], summary="Register a business (the caller becomes its owner)",
          responses=error_responses(401, 403, 409, 422))
    async def register(self, executor: Executor, pool: Pool, clock: Clock,
                       actor: Actor, data: VendorIn,
                       idempotency_key: IdempotencyKey = None) -> VendorOut:
        command_id = scoped_command_id(idempotency_key, actor.sub, "vendors.register")
        vendor_id = data.vendor_id or id_for_command("v", command_id)
        if command_id is not None and (
                repeat := await executor.repeated(VENDOR, vendor_id, command_id)):
            return vendor_out(repeat.state, repeat.version)
        command = RegisterVendor(
            vendor_id=vendor_id, legal_name=data.legal_name, dba=data.dba, tax_id=data.tax_id,
            address=data.address.to_event(), contacts=[c.to_event() for c in data.contacts],
            employees=data.employees, revenue_band=data.revenue_band, commodity_codes=data.commodity_codes,
            local_agencies=data.local_agencies, capability_statement=data.capability_statement,
        )
        outcome = await register_vendor(executor, pool, clock, actor, command, command_id)
        return vendor_out(outcome.state, outcome.version)

    @get("/{vendor_id:str}", summary="Read a vendor: the whole record for its users and admins, "
         "the public profile for everyone else", security=[{}, {"BearerToken": []}],
         responses=error_responses(401, 404, 422))
    async def read(self, executor: Executor, pool: Pool, maybe_actor: Actor | None,
                   vendor_id: str, as_of: AsOf = None) -> VendorOut | PublicVendorOut:
        when = as_of_instant(as_of)
        state, version = await executor.load_existing(VENDOR, vendor_id, "vendor", as_of=when)
        if sees_everything(state, maybe_actor):
            documents = await attached_to(pool, "vendor", vendor_id)
            return with_documents(vendor_out(state, version),
                                  [d for d in documents if when is None or d.attached_at <= when])
        if state.status not in _PUBLIC_STATUSES:
            raise NotFound(f"vendor {vendor_id} not found")
        return public_vendor_out(state)

    @patch("/{vendor_id:str}", guards=[_VENDOR_WRITE], summary="Change the profile (each change is an event)",
           responses=error_responses(401, 403, 404, 409, 422))
    async def update(self, executor: Executor, pool: Pool, actor: Actor, vendor_id: str, data: VendorPatch,
                     idempotency_key: IdempotencyKey = None) -> VendorOut:
        state, _ = await executor.load_existing(VENDOR, vendor_id, "vendor")
        agencies = data.local_agencies if data.local_agencies is not None else list(state.local_agencies)
        command = UpdateProfile(
            legal_name=data.legal_name, dba=data.dba,
            address=data.address.to_event() if data.address else None,
            contacts=[c.to_event() for c in data.contacts] if data.contacts is not None else None,
            employees=data.employees, revenue_band=data.revenue_band, commodity_codes=data.commodity_codes,
            local_agencies=data.local_agencies, capability_statement=data.capability_statement,
            localities=await localities(pool, agencies),
        )
        return await self._full(executor, actor, vendor_id, command, idempotency_key, "vendors.update")

    @post("/{vendor_id:str}/submit", guards=[_VENDOR_WRITE], status_code=200,
          summary="Submit the registration for review", responses=error_responses(401, 403, 404, 409, 422))
    async def submit(self, executor: Executor, actor: Actor, vendor_id: str,
                     idempotency_key: IdempotencyKey = None) -> VendorOut:
        return await self._full(executor, actor, vendor_id, SubmitVendor(), idempotency_key, "vendors.submit")

    @post("/{vendor_id:str}/approve", guards=[_ADMIN], status_code=200,
          summary="Approve a submitted registration", responses=error_responses(401, 403, 404, 409))
    async def approve(self, executor: Executor, actor: Actor, vendor_id: str,
                      idempotency_key: IdempotencyKey = None) -> VendorOut:
        command = ApproveVendor(registration_days=vendor_settings().registration_days)
        return await self._full(executor, actor, vendor_id, command, idempotency_key, "vendors.approve")

    @post("/{vendor_id:str}/reject", guards=[_ADMIN], status_code=200,
          summary="Reject a submitted registration, with a reason",
          responses=error_responses(401, 403, 404, 409, 422))
    async def reject(self, executor: Executor, actor: Actor, vendor_id: str, data: ReasonIn,
                     idempotency_key: IdempotencyKey = None) -> VendorOut:
        return await self._full(executor, actor, vendor_id, RejectVendor(reason=data.reason), idempotency_key,
                                "vendors.reject")

    @post("/{vendor_id:str}/renew", guards=[_VENDOR_WRITE], status_code=200,
          summary="Renew the registration (from 90 days before it expires, or after)",
          responses=error_responses(401, 403, 404, 409))
    async def renew(self, executor: Executor, actor: Actor, vendor_id: str,
                    idempotency_key: IdempotencyKey = None) -> VendorOut:
        command = RenewVendor(registration_days=vendor_settings().registration_days)
        return await self._full(executor, actor, vendor_id, command, idempotency_key, "vendors.renew")

    @post("/{vendor_id:str}/users", guards=[_VENDOR_WRITE], summary="Invite a colleague to act for the vendor",
          responses=error_responses(401, 403, 404, 409, 422))
    async def invite(self, executor: Executor, actor: Actor, vendor_id: str, data: InviteIn,
                     idempotency_key: IdempotencyKey = None) -> VendorOut:
        return await self._full(executor, actor, vendor_id, InviteUser(user=data.user), idempotency_key,
                                "vendors.invite")

    @post("/{vendor_id:str}/certifications", guards=[_VENDOR_WRITE],
          summary="Add a diversity certification (pending until an admin verifies it)",
          responses=error_responses(401, 403, 404, 409, 422))
    async def add_certification(self, executor: Executor, actor: Actor, vendor_id: str,
                                data: CertificationIn,
                                idempotency_key: IdempotencyKey = None) -> CertificationOut:
        command_id = scoped_command_id(idempotency_key, actor.sub, f"vendors.certify:{vendor_id}")
        cert_id = data.cert_id or id_for_command("c", command_id)
        command = AddCertification(
            cert_id=cert_id, program=data.program, issuing_body=data.issuing_body, number=data.number,
            effective_date=data.effective_date, expiry_date=data.expiry_date,
            documents=[d.to_event() for d in data.documents],
        )
        outcome = await self._run(executor, actor, vendor_id, command, idempotency_key, f"vendors.certify:{vendor_id}")
        return certification_out(vendor_id, outcome.state.certification(cert_id))

    @post("/{vendor_id:str}/certifications/{cert_id:str}/verify", guards=[_ADMIN], status_code=200,
          summary="Verify a pending certification", responses=error_responses(401, 403, 404, 409))
    async def verify_certification(self, executor: Executor, actor: Actor, vendor_id: str,
                                   cert_id: str,
                                   idempotency_key: IdempotencyKey = None) -> CertificationOut:
        outcome = await self._run(executor, actor, vendor_id, VerifyCertification(cert_id=cert_id),
                                  idempotency_key, f"vendors.verify:{vendor_id}:{cert_id}")
        return certification_out(vendor_id, outcome.state.certification(cert_id))

    @post("/{vendor_id:str}/certifications/{cert_id:str}/reject", guards=[_ADMIN], status_code=200,
          summary="Reject a pending certification, with a reason",
          responses=error_responses(401, 403, 404, 409, 422))
    async def reject_certification(self, executor: Executor, actor: Actor, vendor_id: str,
                                   cert_id: str,
                                   data: ReasonIn, idempotency_key: IdempotencyKey = None) -> CertificationOut:
        command = RejectCertification(cert_id=cert_id, reason=data.reason)
        outcome = await self._run(executor, actor, vendor_id, command, idempotency_key,
                                  f"vendors.reject_certification:{vendor_id}:{cert_id}")
        return certification_out(vendor_id, outcome.state.certification(cert_id))

    @get("/{vendor_id:str}/history", guards=[_VENDOR_WRITE],
         summary="Every event of the vendor, for its users and admins",
         responses=error_responses(401, 403, 404))
    async def history(self, store: EventStore, actor: Actor, vendor_id: str) -> History:
        recorded = await store.read_stream(VENDOR.stream_id(vendor_id))
        if not recorded:
            raise NotFound(f"vendor {vendor_id} not found")
        if not sees_everything(VENDOR.fold(r.event for r in recorded), actor):
            raise Forbidden("only the vendor's own users and admins read its history")
        return History(vendor_id=vendor_id, events=[
            HistoryEntry(version=r.version, type=r.type, data=msgspec.to_builtins(r.event),
                         actor=r.metadata.actor, actor_role=r.metadata.actor_role,
                         occurred_at=r.metadata.occurred_at)
            for r in recorded
        ])


_CSV_TYPES = ("text/csv", "application/csv")


@dataclass
class _CsvUpload(Operation):
    """Documents the raw CSV body, which Litestar cannot infer from a ``Request`` parameter."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="UTF-8 CSV with header name,tax_id,reason,from_date,to_date (dates YYYY-MM-DD)",
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
        )


class ExclusionController(Controller):
    path = "/exclusions"
    tags = ["exclusions"]
    guards = [requires("admin")]

    @post(summary="Record an exclusion (debarment)", responses=error_responses(401, 403, 409, 422))
    async def record(self, executor: Executor, actor: Actor, data: ExclusionIn,
                     idempotency_key: IdempotencyKey = None) -> ExclusionOut:
        command = RecordExclusion(
            exclusion_id=exclusion_id_for(data.name, data.tax_id, data.from_date), name=data.name,
            tax_id=data.tax_id, reason=data.reason, from_date=data.from_date, to_date=data.to_date)
        outcome = await executor.execute(
            EXCLUSION, command.exclusion_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "exclusions.record"))
        entry = outcome.state.entry
        if entry is None:  # a repeat whose first attempt stored nothing
            raise Conflict("this exclusion was not recorded", code="not_recorded")
        return ExclusionOut(**{f: getattr(entry, f) for f in ExclusionOut.__struct_fields__})

    @post("/import", status_code=200, summary="Import exclusions from CSV: a report of accepted and "
          "rejected rows (line number and reason); a rejected row stores nothing",
          guards=[limited("uploads")],  # an upload: CIVIC_RATE_LIMIT_UPLOADS per caller and address
          responses=error_responses(401, 403, 413, 415, 422, 429), operation_class=_CsvUpload)
    async def import_csv(self, executor: Executor, actor: Actor, request: Request) -> ImportReport:
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type not in _CSV_TYPES:
            raise _UnsupportedMediaType("send the file as text/csv")
        try:
            text = (await request.body()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise field_error("body", "must be UTF-8 text") from exc
        parsed, rejected = parse_exclusions(text)
        accepted: list[AcceptedRow] = []
        for row in parsed:
            try:
                await executor.execute(EXCLUSION, row.command.exclusion_id, row.command, actor)
            except (Conflict, Invalid) as exc:
                field = exc.details[0]["field"] if isinstance(exc.details, list) and exc.details else None
                reason = "already on the exclusion list" if isinstance(exc, Conflict) else exc.message
                rejected.append(RejectedRow(line=row.line, field=field, reason=reason))
                continue
            accepted.append(AcceptedRow(line=row.line, exclusion_id=row.command.exclusion_id))
        return ImportReport(accepted=accepted, rejected=sorted(rejected, key=lambda r: r.line))

    @get(summary="The exclusion list, newest first", responses=error_responses(401, 403, 422))
    async def list_entries(
        self, pool: Pool,
        name: Annotated[str | None, Parameter(max_length=300, description="part of the name")] = None,
        tax_id: Annotated[str | None, Parameter(max_length=20)] = None,
        active_on: Annotated[date | None, Parameter(description="only entries in force on this day")] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> ExclusionPage:
        items, total = await list_exclusions(pool, name=name, tax_id=tax_id, active_on=active_on,
                                             limit=limit, offset=offset)
        return ExclusionPage(items=items, total=total, limit=limit, offset=offset)


class _UnsupportedMediaType(DomainError):
    status = 415
    default_code = "unsupported_media_type"
