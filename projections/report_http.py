"""What the report controllers share: the currency and format parameters, answering in
JSON or as a CSV attachment, and saying so in the schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import Parameter

from kernel.errors import field_error

CurrencyParam = Annotated[str, Parameter(pattern=r"^[A-Z]{3}$", description="figures in this currency")]
FormatParam = Annotated[str | None, Parameter(query="format", required=False, description="json or csv",
                                              schema_extra={"enum": ["json", "csv"]})]


#: the agency a report covers (``report_access.covered_agency`` decides what a caller may name)
AgencyParam = Annotated[str | None, Parameter(required=False, max_length=64, pattern=r"^[^\x00]*$",
                                              description="an agency id; omitted: your agency (admins, auditors: all)")]


def wants_csv(request: Request[Any, Any, Any], fmt: str | None) -> bool:
    """CSV when ``format=csv``, or without ``format`` when the request accepts ``text/csv``."""
    if fmt is not None:
        if fmt not in ("json", "csv"):
            raise field_error("format", "json or csv")
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def csv_cell(value: object) -> object:
    """A CSV cell: empty for nothing, and never a formula a spreadsheet would run from an id."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_attachment(body: str, filename: str) -> Response[Any]:
    """``body`` as a CSV file download named ``filename``."""
    # litestar adds "; charset=utf-8" to a text/* media type itself
    return Response(body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@dataclass
class JsonOrCsv(Operation):
    """The operation of a route that answers JSON, or the same rows as CSV when asked
    (``format=csv`` or ``Accept: text/csv``): both media types in its 200 answer."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse) and ok.content is not None:
            ok.content["text/csv"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
