"""Pages from Jinja templates, in the viewer's language and time zone, and errors as pages
(to a browser) or as the API's error body (to any other client)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from markupsafe import Markup, escape

from infra.http import errors as api_errors
from infra.portal import i18n
from infra.portal.calls import FormErrors
from infra.portal.session import LANG_COOKIE, TZ_COOKIE, csrf_token, with_cookies
from kernel.context import Actor
from kernel.errors import DomainError

TEMPLATES = Path(__file__).parent / "templates"

ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  extensions=["jinja2.ext.i18n"], undefined=StrictUndefined, trim_blocks=True,
                  lstrip_blocks=True)
ENV.install_gettext_callables(gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class View:
    """What every template knows of the request: who, in which language, on which clock."""

    locale: str
    time_zone: str
    actor: Actor | None
    csrf: str
    path: str
    sign_in: bool

    def when(self, value: Any) -> str:
        return i18n.when(value, self.locale, i18n.zone(self.time_zone))

    def money(self, value: Any) -> str:
        return i18n.money(value, self.locale)

    def number(self, value: int) -> str:
        return i18n.number(value, self.locale)

    @property
    def languages(self) -> dict[str, str]:
        return i18n.LANGUAGE_NAMES


def highlighted(snippet: str) -> Markup:
    """A search snippet: its text escaped, the search's own ``<mark>`` kept."""
    text = str(escape(snippet))
    return Markup(text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


ENV.filters["highlighted"] = highlighted


def view_of(request: Request[Any, Any, Any]) -> tuple[View, Any]:
    locale = i18n.negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    tz_name = unquote(request.cookies.get(TZ_COOKIE, "")) or "UTC"
    time_zone = i18n.zone(tz_name).key
    token, cookie = csrf_token(request)
    settings = request.app.state.settings
    view = View(locale=locale, time_zone=time_zone, actor=request.scope.get("user"), csrf=token,
                path=request.url.path, sign_in=bool(settings.dev_clock or settings.dev_login))
    return view, cookie


async def speak_the_viewers_language(request: Request[Any, Any, Any]) -> None:
    """Before a page's handler runs: what it says, it says in the viewer's language."""
    i18n.activate(i18n.negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))


def render(request: Request[Any, Any, Any], template: str, *, status: int = 200,
           errors: FormErrors | None = None, **context: Any) -> Response[Any]:
    view, cookie = view_of(request)
    i18n.activate(view.locale)
    html = ENV.get_template(template).render(view=view, errors=errors or FormErrors(), **context)
    return with_cookies(Response(html, media_type=MediaType.HTML, status_code=status), cookie)


def safe_next(value: str | None) -> str:
    """A path on this site to go back to (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def wants_html(request: Request[Any, Any, Any]) -> bool:
    return "text/html" in request.headers.get("accept", "")


def portal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A browser gets a page (or the sign-in page when it must sign in); other clients get
    the API's error body, with the same status."""
    if not wants_html(request):
        if isinstance(exc, DomainError):
            return api_errors.domain_error(request, exc)
        if isinstance(exc, ValidationException):
            return api_errors.validation_error(request, exc)
        if isinstance(exc, HTTPException):
            return api_errors.http_error(request, exc)
        return api_errors.unexpected(request, exc)
    if isinstance(exc, DomainError):
        status, message = exc.status, exc.message
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, str(exc.detail)
    else:
        api_errors.unexpected(request, exc)  # logged there
        status, message = 500, "internal server error"
    view, _ = view_of(request)
    if status == 401 and view.sign_in:
        return Redirect(f"/sign-in?next={quote(request.url.path)}")
    return render(request, "error.html", status=status, status_code=status, message=message)


def json_body(value: Any) -> Any:
    return msgspec.to_builtins(value)
