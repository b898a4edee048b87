"""Bearer tokens (JWT, HS256) carrying a role, a subject and the agency or vendor.

Only the configured algorithm is accepted (no ``none``, no algorithm confusion);
expiry is required and enforced. A token whose issuer is the configured OpenID provider
is verified against that provider's keys instead (``infra/http/oidc.py``). Keys come from the key ring (``infra/keys.py``): the
active key signs and names itself in the header's ``kid``; any key of the ring verifies
a token that names it, so a rotation logs nobody out. A token without ``kid`` (minted
before key ids existed) is checked against every key of the ring. Keys are never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractMiddleware
from litestar.types import Receive, Scope, Send

from infra.http.oidc import decode_access_token, is_issuer_token
from infra.keys import keyring_for
from infra.observability import context as log_context
from infra.settings import Settings
from kernel.context import ROLES, Actor
from kernel.errors import Forbidden, Unauthenticated

ALGORITHM = "HS256"
DEFAULT_TTL_S = 8 * 3600


def signing_key(settings: Settings) -> str:
    """The key that signs new tokens."""
    return keyring_for(settings).active_signing().secret


def mint_token(
    settings: Settings,
    *,
    role: str,
    sub: str,
    agency: str | None = None,
    vendor: str | None = None,
    ttl_s: int = DEFAULT_TTL_S,
    now: float | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "role": role,
        "iss": settings.token_issuer,
        "iat": issued,
        "exp": issued + ttl_s,
    }
    if agency:
        claims["agency"] = agency
    if vendor:
        claims["vendor"] = vendor
    key = keyring_for(settings).active_signing()
    return jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.id})


def _verification_keys(settings: Settings, token: str) -> list[str]:
    ring = keyring_for(settings)
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid token", code="invalid_token") from exc
    if kid is None:
        return [k.secret for k in ring.signing_keys()]
    key = ring.signing(str(kid)) if isinstance(kid, str) else None
    if key is None:
        raise Unauthenticated("invalid token", code="invalid_token")
    return [key.secret]


def decode_token(settings: Settings, token: str) -> Actor:
    if is_issuer_token(settings, token):  # the configured OpenID provider's access token
        return decode_access_token(settings, token)
    claims: dict[str, Any] | None = None
    for secret in _verification_keys(settings, token):
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=[ALGORITHM],
                issuer=settings.token_issuer,
                options={"require": ["exp", "sub", "role", "iss"]},
            )
            break
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired", code="token_expired") from exc
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise Unauthenticated("invalid token", code="invalid_token") from exc
    if claims is None:
        raise Unauthenticated("invalid token", code="invalid_token")
    role = claims.get("role")
    if role not in ROLES:
        raise Unauthenticated("invalid token role", code="invalid_token")
    return Actor(
        sub=str(claims["sub"]),
        role=role,
        agency=claims.get("agency"),
        vendor=claims.get("vendor"),
        claims=claims,
    )


class BearerAuthMiddleware(AbstractMiddleware):
    """Puts the caller's ``Actor`` (or ``None``) in ``scope["user"]``; guards decide."""

    scopes = {ScopeType.HTTP, ScopeType.WEBSOCKET}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["user"] = None
        header = _header(scope, b"authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("expected 'Authorization: Bearer <token>'", code="invalid_token")
            settings: Settings = scope["app"].state.settings
            scope["user"] = decode_token(settings, token.strip())
        if scope["user"] is None:
            await self.app(scope, receive, send)
            return
        with log_context.bound(actor=scope["user"].sub):  # log lines name the caller
            await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def requires(*roles: str) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A guard: the caller must be authenticated with one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        if actor is None:
            raise Unauthenticated("authentication required")
        if actor.role not in roles:
            raise Forbidden(f"role {actor.role} may not do this", code="role_forbidden")

    guard.roles = roles  # type: ignore[attr-defined]  # read by the authorization matrix
    return guard


def authenticated(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise Unauthenticated("authentication required")


async def provide_actor(request: Any) -> Actor:
    actor = request.scope.get("user")
    if actor is None:
        raise Unauthenticated("authentication required")
    return actor


async def provide_maybe_actor(request: Any) -> Actor | None:
    return request.scope.get("user")
