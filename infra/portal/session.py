"""Signed-in pages: the session cookie, the form tokens that stop cross-site posts, and
the viewer's preferences (language, time zone).

The session cookie holds the same signed bearer token the API takes (``civic token``
mints it too), so a page is allowed exactly what the API allows that caller. The cookie
is ``Secure``, ``HttpOnly`` and ``SameSite=Lax``, and it is read only for the portal's
pages: the API under ``/api`` answers bearer tokens alone, so no cookie can make a
cross-site request count there. Every form carries a token that must equal the
``civic_csrf`` cookie (``HttpOnly``, ``SameSite=Strict``) before a post is acted on.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, Scope, Send

from infra.http.auth import DEFAULT_TTL_S, decode_token
from kernel.errors import DomainError, Forbidden

SESSION_COOKIE = "civic_session"
CSRF_COOKIE = "civic_csrf"
LANG_COOKIE = "civic_lang"
TZ_COOKIE = "civic_tz"
CSRF_FIELD = "csrf_token"
#: where the token of a signed-in page is kept in the request's scope
TOKEN_KEY = "civic.portal_token"
_YEAR = 365 * 24 * 3600


def _cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, content = part.strip().partition("=")
                if name and name not in found:
                    found[name] = content
    return found


def _bearer(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


class PortalSessionMiddleware(AbstractMiddleware):
    """On the portal's pages, a caller without a bearer token is the one its session
    cookie names (an expired or forged cookie: nobody). Runs after the bearer middleware."""

    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if scope.get("user") is not None:
            scope[TOKEN_KEY] = _bearer(scope)  # type: ignore[literal-required]
        elif token := _cookies(scope).get(SESSION_COOKIE):
            try:
                scope["user"] = decode_token(scope["app"].state.settings, token)
                scope[TOKEN_KEY] = token  # type: ignore[literal-required]
            except DomainError:
                scope["user"] = None
        await self.app(scope, receive, send)


def token_of(request: Request[Any, Any, Any]) -> str | None:
    """The signed-in caller's bearer token, for the portal's calls to the API."""
    token = request.scope.get(TOKEN_KEY)  # type: ignore[call-overload]
    return str(token) if token else None


def session_cookie(token: str) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value=token, max_age=DEFAULT_TTL_S, path="/", secure=True,
                  httponly=True, samesite="lax")


def cleared_session() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", secure=True, httponly=True,
                  samesite="lax")


def preference_cookie(name: str, value: str) -> Cookie:
    return Cookie(key=name, value=value, max_age=_YEAR, path="/", secure=True, httponly=False,
                  samesite="lax")


def csrf_token(request: Request[Any, Any, Any]) -> tuple[str, Cookie | None]:
    """The form token of this browser, and the cookie to set when it has none yet."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if len(current) >= 32:
        return current, None
    fresh = secrets.token_urlsafe(32)
    return fresh, Cookie(key=CSRF_COOKIE, value=fresh, path="/", secure=True, httponly=True,
                         samesite="strict")


def check_csrf(request: Request[Any, Any, Any], form: dict[str, Any]) -> None:
    """A post must carry this browser's form token (a cross-site form cannot know it)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if isinstance(sent, list):
        sent = sent[0] if sent else ""
    if len(cookie) < 32 or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise Forbidden("this form has expired or was not sent from this site; reload the page and "
                        "send it again", code="csrf_failed")


def with_cookies(response: Response[Any], *cookies: Cookie | None) -> Response[Any]:
    for cookie in cookies:
        if cookie is not None:
            response.set_cookie(cookie)
    return response
