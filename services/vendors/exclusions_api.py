"""HTTP for the exclusion (debarment) list: admins record entries one by one or from a CSV file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter

from infra.container import Civic
from infra.http.auth import requires
from infra.http.common import IdempotencyKey, scoped_command_id
from infra.http.errors import error_responses
from kernel.context import Actor
from kernel.errors import Conflict, DomainError, Invalid, field_error
from projections.vendor_standing.queries import ExclusionRow, list_exclusions
from services.vendors.exclusion_csv import RejectedRow, parse_exclusions
from services.vendors.exclusions import EXCLUSION, RecordExclusion, exclusion_id_for


class ExclusionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    tax_id: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    from_date: date
    to_date: date | None = None


class ExclusionOut(msgspec.Struct, frozen=True, kw_only=True):
    exclusion_id: str
    name: str
    tax_id: str | None
    reason: str
    from_date: date
    to_date: date | None


class AcceptedRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    exclusion_id: str


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    accepted: list[AcceptedRow]
    rejected: list[RejectedRow]


class ExclusionPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ExclusionRow]
    total: int
    limit: int
    offset: int


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
    async def record(self, civic: Civic, actor: Actor, data: ExclusionIn,
                     idempotency_key: IdempotencyKey = None) -> ExclusionOut:
        command = RecordExclusion(
            exclusion_id=exclusion_id_for(data.name, data.tax_id, data.from_date), name=data.name,
            tax_id=data.tax_id, reason=data.reason, from_date=data.from_date, to_date=data.to_date)
        outcome = await civic.executor.execute(
            EXCLUSION, command.exclusion_id, command, actor,
            command_id=scoped_command_id(idempotency_key, actor.sub, "exclusions.record"))
        entry = outcome.state.entry
        assert entry is not None
        return ExclusionOut(**{f: getattr(entry, f) for f in ExclusionOut.__struct_fields__})

    @post("/import", status_code=200, summary="Import exclusions from CSV: a report of accepted and "
          "rejected rows (line number and reason); a rejected row stores nothing",
          responses=error_responses(401, 403, 413, 415, 422), operation_class=_CsvUpload)
    async def import_csv(self, civic: Civic, actor: Actor, request: Request) -> ImportReport:
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
                await civic.executor.execute(EXCLUSION, row.command.exclusion_id, row.command, actor)
            except (Conflict, Invalid) as exc:
                field = exc.details[0]["field"] if isinstance(exc.details, list) and exc.details else None
                reason = "already on the exclusion list" if isinstance(exc, Conflict) else exc.message
                rejected.append(RejectedRow(line=row.line, field=field, reason=reason))
                continue
            accepted.append(AcceptedRow(line=row.line, exclusion_id=row.command.exclusion_id))
        return ImportReport(accepted=accepted, rejected=sorted(rejected, key=lambda r: r.line))

    @get(summary="The exclusion list, newest first", responses=error_responses(401, 403, 422))
    async def list_entries(
        self, civic: Civic,
        name: Annotated[str | None, Parameter(max_length=300, description="part of the name")] = None,
        tax_id: Annotated[str | None, Parameter(max_length=20)] = None,
        active_on: Annotated[date | None, Parameter(description="only entries in force on this day")] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> ExclusionPage:
        items, total = await list_exclusions(civic.pool, name=name, tax_id=tax_id, active_on=active_on,
                                             limit=limit, offset=offset)
        return ExclusionPage(items=items, total=total, limit=limit, offset=offset)


class _UnsupportedMediaType(DomainError):
    status = 415
    default_code = "unsupported_media_type"
