"""Security headers on every page the app serves outside ``/api``: a strict
Content-Security-Policy (scripts, styles and images from the app itself only, no inline
script), no framing, no MIME sniffing, no referrer to other sites."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import Message, Receive, Scope, Send

#: the portal's policy: nothing inline, nothing from elsewhere
PORTAL_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
#: the OpenAPI reference: Swagger UI sets style attributes on the elements it draws, so
#: styles (never scripts) may be inline there
SCHEMA_CSP = PORTAL_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


def policy_for(path: str) -> str | None:
    if path.startswith("/api/"):
        return None
    if path == "/schema" or path.startswith("/schema/") or path.startswith("/static/swagger-ui/"):
        return SCHEMA_CSP
    return PORTAL_CSP


class SecurityHeadersMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = policy_for(scope["path"])
        if policy is None:
            await self.app(scope, receive, send)
            return
        extra = [(b"content-security-policy", policy.encode()), *_COMMON]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, sending)
