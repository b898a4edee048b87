"""A vendor's pages: register the business, send it for review, bid with a document."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from asyncpg import Pool
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect

from infra.http.auth import requires
from infra.portal.calls import Api, FormErrors
from infra.portal.i18n import gettext as _
from infra.portal.public import refused, solicitation_view
from infra.portal.rendering import render
from infra.portal.session import check_csrf
from kernel.money import exponent
from services.vendors.facts import vendors_of_user

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
Id = Annotated[str, Parameter(max_length=64)]
VENDOR = [requires("vendor")]

REGISTRATION_FIELDS = ("legal_name", "dba", "tax_id", "employees", "revenue_band", "commodity_codes",
                       "address.line1", "address.city", "address.state", "address.zip",
                       "contacts.0.name", "contacts.0.email", "contacts.0.phone")


def _text(form: dict[str, Any], name: str, limit: int = 20_000) -> str:
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _integer(text: str) -> int | str:
    """A whole number typed in a form; otherwise the text itself, for the API to refuse."""
    return int(text) if text.isdigit() else text


def _minor_units(text: str, currency: str) -> int | str:
    """An amount typed in major units ("48250.00") as minor units; otherwise the text."""
    try:
        value = Decimal(text.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        return text
    scaled = value.scaleb(exponent(currency))
    return int(scaled) if scaled == scaled.to_integral_value() else text


def _revenue_bands() -> dict[str, str]:
    return {"under_1m": _("Under $1 million"), "1m_5m": _("$1 to $5 million"),
            "5m_25m": _("$5 to $25 million"), "25m_100m": _("$25 to $100 million"),
            "over_100m": _("Over $100 million")}


def registration_body(form: dict[str, str]) -> dict[str, Any]:
    codes = [c.strip() for c in form["commodity_codes"].split(",") if c.strip()]
    contact = {"name": form["contacts.0.name"], "email": form["contacts.0.email"],
               "phone": form["contacts.0.phone"]}
    return {
        "legal_name": form["legal_name"], "dba": form["dba"], "tax_id": form["tax_id"],
        "address": {"line1": form["address.line1"], "city": form["address.city"],
                    "state": form["address.state"], "zip": form["address.zip"]},
        "contacts": [contact], "employees": _integer(form["employees"]),
        "revenue_band": form["revenue_band"], "commodity_codes": codes,
    }


@get("/vendor/register", name="portal.vendor_register", guards=VENDOR, include_in_schema=False)
async def register_page(request: Request[Any, Any, Any]) -> Response[Any]:
    return render(request, "register.html", form={name: "" for name in REGISTRATION_FIELDS},
                  revenue_bands=_revenue_bands())


@post("/vendor/register", name="portal.vendor_register_submit", guards=VENDOR, include_in_schema=False,
      status_code=303)
async def register(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    check_csrf(request, data)
    form = {name: _text(data, name, 1000) for name in REGISTRATION_FIELDS}
    answer = await Api(request).post("/vendors", registration_body(form))
    if answer.ok:
        return Redirect("/vendor?registered=1", status_code=303)
    if answer.status not in (409, 422):
        raise refused(answer)
    return render(request, "register.html", status=answer.status, form=form, revenue_bands=_revenue_bands(),
                  errors=FormErrors.of(answer, set(REGISTRATION_FIELDS)))


@get("/vendor", name="portal.vendor", guards=VENDOR, include_in_schema=False)
async def my_business(request: Request[Any, Any, Any], pool: Pool) -> Response[Any]:
    actor = request.scope["user"]
    async with pool.acquire() as conn:
        vendor_ids = await vendors_of_user(conn, actor.sub)
    api = Api(request)
    vendors = []
    for vendor_id in vendor_ids:
        answer = await api.get(f"/vendors/{vendor_id}")
        if answer.ok:
            vendors.append(answer.body)
    notice = None
    if request.query_params.get("registered"):
        notice = _("Your business is registered. Send it for review when you are ready.")
    elif request.query_params.get("submitted"):
        notice = _("Your registration was sent for review.")
    return render(request, "vendor.html", vendors=vendors, notice=notice)


@post("/vendor/{vendor_id:str}/submit", name="portal.vendor_submit", guards=VENDOR, include_in_schema=False,
      status_code=303)
async def submit_for_review(request: Request[Any, Any, Any], vendor_id: Id, data: Form) -> Response[Any]:
    check_csrf(request, data)
    answer = await Api(request).post(f"/vendors/{vendor_id}/submit")
    if not answer.ok:
        raise refused(answer)
    return Redirect("/vendor?submitted=1", status_code=303)


ATTESTATIONS = ("no_conflict_of_interest", "non_collusion")


def _attestation_labels() -> dict[str, str]:
    return {"no_conflict_of_interest": _("No one at the business has a conflict of interest in this procurement."),
            "non_collusion": _("This bid was prepared without collusion with any other bidder.")}


def bid_body(form: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    responses = []
    for index, criterion in enumerate(c for c in shown["criteria"] if not c["is_price"]):
        responses.append({"criterion_id": criterion["criterion_id"],
                          "text": _text(form, f"responses.{index}.text")})
    currency = shown["estimated_value"]["currency"]
    acknowledged = _text(form, "acknowledged_addendum", 10)
    return {
        "price": {"amount": _minor_units(_text(form, "price", 50), currency), "currency": currency},
        "responses": responses,
        "attestations": {name: form.get(f"attestations.{name}") == "yes" for name in ATTESTATIONS},
        "acknowledged_addendum": int(acknowledged) if acknowledged.isdigit() else 0,
    }


def _bid_fields(shown: dict[str, Any]) -> set[str]:
    count = len([c for c in shown["criteria"] if not c["is_price"]])
    return {"price", "responses", *(f"responses.{i}.text" for i in range(count)), "attestations",
            *(f"attestations.{a}" for a in ATTESTATIONS), "acknowledged_addendum", "file"}


@get("/opportunities/{solicitation_id:str}/bid", name="portal.bid", guards=VENDOR, include_in_schema=False)
async def bid_page(request: Request[Any, Any, Any], solicitation_id: Id) -> Response[Any]:
    shown = await solicitation_view(Api(request), solicitation_id)
    return render(request, "bid.html", s=shown, form={}, attestations=_attestation_labels())


@post("/opportunities/{solicitation_id:str}/bid", name="portal.bid_submit", guards=VENDOR,
      include_in_schema=False, status_code=303)
async def submit_bid(request: Request[Any, Any, Any], solicitation_id: Id, data: Upload) -> Response[Any]:
    check_csrf(request, data)
    api = Api(request)
    shown = await solicitation_view(api, solicitation_id)
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    upload = data.get("file")
    document = None
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        document = (upload.filename, content, upload.content_type or "application/octet-stream")

    def again(status: int, errors: FormErrors) -> Response[Any]:
        return render(request, "bid.html", status=status, s=shown, form=form, errors=errors,
                      attestations=_attestation_labels())

    answer = await api.post(f"/solicitations/{solicitation_id}/bids", bid_body(data, shown))
    if not answer.ok:
        if answer.status not in (403, 409, 422):
            raise refused(answer)
        return again(answer.status, FormErrors.of(answer, _bid_fields(shown)))
    if document is not None:
        uploaded = await api.call("POST", f"/bids/{answer.body['id']}/documents",
                                  data={"title": document[0], "kind": "technical_proposal"},
                                  files={"file": document})
        if not uploaded.ok:
            errors = FormErrors.of(uploaded, {"file"})
            if "file" not in errors.fields:
                errors.fields["file"] = "; ".join(errors.general)
                errors.general = []
            errors.general.append(_("Your bid was received, but not its document: send the document again."))
            return again(uploaded.status, errors)
    return Redirect(f"/opportunities/{solicitation_id}?bid=received", status_code=303)
