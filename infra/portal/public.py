"""The public pages: open opportunities, the search with the API's facets, a solicitation."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import Parameter

from infra.portal.calls import Answer, Api, FormErrors
from infra.portal.i18n import gettext as _
from infra.portal.rendering import render
from kernel.errors import DomainError

Text = Annotated[str | None, Parameter(required=False, max_length=200)]
Many = Annotated[list[str] | None, Parameter(required=False, max_length=50)]
FACETS = ("status", "agency", "type", "set_aside")
PAGE = 20


def refused(answer: Answer) -> DomainError:
    """The API's refusal, to be answered with the same status and text."""
    error = answer.error
    failure = DomainError(str(error.get("message") or f"error {answer.status}"),
                          code=str(error.get("code") or "error"), details=error.get("details"))
    failure.status = answer.status
    return failure


@get("/", name="portal.home", summary="Home: the open opportunities", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    answer = await Api(request).get("/search/solicitations", status="open", sort="deadline", limit=PAGE,
                                    facets="false")
    if not answer.ok:
        raise refused(answer)
    return render(request, "home.html", results=answer.body)


@get("/opportunities", name="portal.search", include_in_schema=False)
async def search(request: Request[Any, Any, Any], q: Text = None, status: Many = None, agency: Many = None,
                 kind: Annotated[list[str] | None, Parameter(query="type", required=False, max_length=50)] = None,
                 set_aside: Many = None, sort: Text = None, cursor: Annotated[str | None, Parameter(
                     required=False, max_length=500)] = None) -> Response[Any]:
    query = {"q": q or "", "status": status or [], "agency": agency or [], "type": kind or [],
             "set_aside": set_aside or [], "sort": sort or ""}
    answer = await Api(request).get("/search/solicitations", **query, cursor=cursor, limit=PAGE)
    errors = FormErrors()
    results: Any = answer.body
    if not answer.ok:
        if answer.status != 422:
            raise refused(answer)
        errors = FormErrors.of(answer, {"q", *FACETS, "sort"})
        results = {"items": [], "next_cursor": None, "total": 0, "facets": {}}
    next_page = None
    if results.get("next_cursor"):
        next_page = "/opportunities?" + urlencode(
            [(k, v) for k, values in query.items() for v in (values if isinstance(values, list) else [values]) if v]
            + [("cursor", results["next_cursor"])])
    facet_titles = {"status": _("Status"), "type": _("Type"), "agency": _("Agency"), "set_aside": _("Set-aside")}
    sorts = {"": _("Best match"), "deadline": _("Deadline, soonest first"), "published": _("Newest first")}
    return render(request, "search.html", status=422 if errors else 200, errors=errors, results=results,
                  query=query, facet_titles=facet_titles, sorts=sorts, next_page=next_page)


async def solicitation_view(api: Api, solicitation_id: str) -> dict[str, Any]:
    answer = await api.get(f"/solicitations/{solicitation_id}")
    if not answer.ok:
        raise refused(answer)
    body: dict[str, Any] = answer.body
    return body


@get("/opportunities/{solicitation_id:str}", name="portal.solicitation", include_in_schema=False)
async def solicitation(request: Request[Any, Any, Any], solicitation_id: Annotated[
        str, Parameter(max_length=64)]) -> Response[Any]:
    shown = await solicitation_view(Api(request), solicitation_id)
    notice = _("Your bid was received and sealed.") if request.query_params.get("bid") == "received" else None
    return render(request, "solicitation.html", s=shown, notice=notice)
