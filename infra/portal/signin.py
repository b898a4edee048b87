"""Signing in and out, and the language switch.

The development sign-in page (with ``CIVIC_DEV_CLOCK=1`` or ``CIVIC_DEV_LOGIN=1`` only)
(or, with an OpenID provider configured, a link to it) lets anyone pick a role, a subject, an agency and a vendor, and mints the same token as
``civic token``: it must never be on in production. Outside development ``/sign-in`` sends the browser
to the configured OpenID provider."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect

from infra.http.auth import mint_token
from infra.portal.calls import FormErrors
from infra.portal.i18n import LOCALES
from infra.portal.i18n import gettext as _
from infra.portal.rendering import render, safe_next
from infra.portal.session import (
    LANG_COOKIE,
    check_csrf,
    cleared_session,
    preference_cookie,
    session_cookie,
    with_cookies,
)
from kernel.context import ROLES

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
_FIELDS = ("role", "sub", "agency", "vendor")


def _text(form: dict[str, Any], name: str, limit: int = 200) -> str:
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


@get("/sign-in", name="portal.sign_in", include_in_schema=False)
async def sign_in_page(request: Request[Any, Any, Any],
                       next: Annotated[str | None, Parameter(required=False, max_length=500)] = None) -> Response[Any]:
    return render(request, "signin.html", roles=ROLES, next=safe_next(next),
                  oidc=request.app.state.settings.oidc_enabled, form={name: "" for name in _FIELDS} | {"role": "vendor"})


@get("/sign-in", name="portal.sign_in_provider", include_in_schema=False)
async def sign_in_with_provider(next: Annotated[str | None, Parameter(required=False, max_length=500)] = None) -> Response[Any]:
    """Outside development, signing in is the OpenID provider's (``infra/portal/oidc.py``)."""
    return Redirect("/sign-in/oidc?" + urlencode({"next": safe_next(next)}), status_code=303)


@post("/sign-in", name="portal.sign_in_submit", include_in_schema=False, status_code=303)
async def sign_in(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    check_csrf(request, data)
    form = {name: _text(data, name) for name in _FIELDS}
    errors = FormErrors()
    if form["role"] not in ROLES:
        errors.fields["role"] = _("Choose one of the roles listed.")
    if not form["sub"]:
        errors.fields["sub"] = _("Enter a user name.")
    if errors:
        return render(request, "signin.html", status=422, errors=errors, roles=ROLES,
                      next=safe_next(_text(data, "next", 500)), form=form)
    token = mint_token(request.app.state.settings, role=form["role"], sub=form["sub"],
                       agency=form["agency"] or None, vendor=form["vendor"] or None)
    return with_cookies(Redirect(safe_next(_text(data, "next", 500)), status_code=303), session_cookie(token))


@post("/sign-out", name="portal.sign_out", include_in_schema=False, status_code=303)
async def sign_out(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    check_csrf(request, data)
    return with_cookies(Redirect("/", status_code=303), cleared_session())


@post("/language", name="portal.language", include_in_schema=False, status_code=303)
async def language(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    check_csrf(request, data)
    chosen = _text(data, "lang", 5)
    target = Redirect(safe_next(_text(data, "next", 500)), status_code=303)
    if chosen not in LOCALES:
        return target
    return with_cookies(target, preference_cookie(LANG_COOKIE, chosen))
