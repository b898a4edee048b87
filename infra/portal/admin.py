"""An administrator's page: the vendor review queue (approve, or reject with a reason)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect

from infra.http.auth import requires
from infra.portal.calls import Api, FormErrors
from infra.portal.i18n import gettext as _
from infra.portal.public import refused
from infra.portal.rendering import render
from infra.portal.session import check_csrf

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Id = Annotated[str, Parameter(max_length=64)]
ADMIN = [requires("admin")]


async def _queue(request: Request[Any, Any, Any], *, status: int = 200, errors: FormErrors | None = None,
                 notice: str | None = None, failed: str | None = None) -> Response[Any]:
    answer = await Api(request).get("/search/vendors", status="submitted", limit=100)
    if not answer.ok:
        raise refused(answer)
    return render(request, "admin_vendors.html", status=status, errors=errors, vendors=answer.body["items"],
                  notice=notice, failed=failed)


@get("/admin/vendors", name="portal.admin_vendors", guards=ADMIN, include_in_schema=False)
async def review_queue(request: Request[Any, Any, Any]) -> Response[Any]:
    done = request.query_params.get("done")
    notice = {"approved": _("The vendor was approved."), "rejected": _("The vendor was rejected.")}.get(done or "")
    return await _queue(request, notice=notice)


@post("/admin/vendors/{vendor_id:str}/approve", name="portal.admin_vendor_approve", guards=ADMIN,
      include_in_schema=False, status_code=303)
async def approve(request: Request[Any, Any, Any], vendor_id: Id, data: Form) -> Response[Any]:
    check_csrf(request, data)
    answer = await Api(request).post(f"/vendors/{vendor_id}/approve")
    if answer.ok:
        return Redirect("/admin/vendors?done=approved", status_code=303)
    if answer.status not in (409, 422):
        raise refused(answer)
    return await _queue(request, status=answer.status, errors=FormErrors.of(answer, set()), failed=vendor_id)


@post("/admin/vendors/{vendor_id:str}/reject", name="portal.admin_vendor_reject", guards=ADMIN,
      include_in_schema=False, status_code=303)
async def reject(request: Request[Any, Any, Any], vendor_id: Id, data: Form) -> Response[Any]:
    check_csrf(request, data)
    reason = data.get("reason", "")
    answer = await Api(request).post(f"/vendors/{vendor_id}/reject",
                                     {"reason": reason.strip() if isinstance(reason, str) else ""})
    if answer.ok:
        return Redirect("/admin/vendors?done=rejected", status_code=303)
    if answer.status not in (409, 422):
        raise refused(answer)
    return await _queue(request, status=answer.status, errors=FormErrors.of(answer, {"reason"}), failed=vendor_id)
