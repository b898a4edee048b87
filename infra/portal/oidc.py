"""Signing in with the configured OpenID provider: authorization code with PKCE.

``GET /sign-in/oidc`` sends the browser to the provider with a fresh ``state``, ``nonce``
and PKCE verifier (S256), kept in a short-lived ``civic_oidc`` cookie signed with the
active key (``Secure``, ``HttpOnly``, ``SameSite=Lax`` so it survives the provider's
redirect back). ``GET /sign-in/oidc/callback`` checks the ``state``, trades the code (and
verifier) for tokens with the client secret, verifies the ID token against the
provider's keys and the ``nonce``, maps its claims onto a role, agency and vendor, and
starts the portal session with the product's own signed token for that caller.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.params import Parameter
from litestar.response import Redirect

from infra.http.auth import DEFAULT_TTL_S, mint_token
from infra.http.oidc import actor_from_claims, provider_for, verify
from infra.keys import keyring_for
from infra.portal.rendering import safe_next
from infra.portal.session import session_cookie, with_cookies
from infra.settings import Settings
from kernel.errors import Unauthenticated

STATE_COOKIE = "civic_oidc"
CALLBACK_PATH = "/sign-in/oidc/callback"
_STATE_TTL_S = 600
_Text = Annotated[str | None, Parameter(required=False, max_length=2000)]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _mac(settings: Settings, body: str) -> str:
    key = keyring_for(settings).active_signing().secret.encode()
    return _b64(hmac.new(key, b"civic-oidc-state:" + body.encode(), hashlib.sha256).digest())


def _seal(settings: Settings, data: dict[str, Any]) -> str:
    body = _b64(json.dumps(data, separators=(",", ":")).encode())
    return f"{body}.{_mac(settings, body)}"


def _unseal(settings: Settings, value: str) -> dict[str, Any] | None:
    body, _, mac = value.partition(".")
    if not body or not hmac.compare_digest(mac, _mac(settings, body)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or float(data.get("at", 0)) + _STATE_TTL_S < time.time():
        return None
    return data


def _state_cookie(value: str, max_age: int = _STATE_TTL_S) -> Cookie:
    return Cookie(key=STATE_COOKIE, value=value, max_age=max_age, path="/sign-in/oidc", secure=True,
                  httponly=True, samesite="lax")


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


@get("/sign-in/oidc", name="portal.sign_in_oidc", include_in_schema=False)
async def sign_in_oidc(request: Request[Any, Any, Any], next: _Text = None) -> Response[Any]:
    settings: Settings = request.app.state.settings
    try:
        discovery = await asyncio.to_thread(provider_for(settings).discovery)
    except (OSError, ValueError) as exc:
        raise Unauthenticated("the identity provider cannot be reached", code="issuer_unavailable") from exc
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    query = urlencode({
        "response_type": "code", "client_id": settings.oidc_client_id, "redirect_uri": redirect_uri(settings),
        "scope": "openid profile", "state": state, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    })
    sealed = _seal(settings, {"state": state, "nonce": nonce, "verifier": verifier,
                              "next": safe_next(next), "at": time.time()})
    target = f"{discovery['authorization_endpoint']}?{query}"
    return with_cookies(Redirect(target, status_code=303), _state_cookie(sealed))


@get(CALLBACK_PATH, name="portal.sign_in_oidc_callback", include_in_schema=False)
async def sign_in_oidc_callback(request: Request[Any, Any, Any], code: _Text = None,
                                error: _Text = None) -> Response[Any]:
    settings: Settings = request.app.state.settings
    state = request.query_params.get("state")  # ``state`` is a reserved parameter name in litestar
    kept = _unseal(settings, request.cookies.get(STATE_COOKIE, ""))
    if kept is None or not state or not hmac.compare_digest(str(kept["state"]), state):
        raise Unauthenticated("this sign-in was not started in this browser; sign in again", code="state_mismatch")
    if error or not code:
        raise Unauthenticated("the identity provider refused the sign-in", code="sign_in_refused")
    discovery = await asyncio.to_thread(provider_for(settings).discovery)
    async with httpx.AsyncClient(timeout=10.0) as client:
        answer = await client.post(
            str(discovery["token_endpoint"]),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(settings),
                  "code_verifier": kept["verifier"]},
            auth=(settings.oidc_client_id or "", settings.oidc_client_secret or ""),
        )
    id_token = answer.json().get("id_token") if answer.status_code == 200 else None
    if not isinstance(id_token, str):
        raise Unauthenticated("the identity provider refused the sign-in", code="sign_in_refused")
    claims = await asyncio.to_thread(verify, settings, id_token, audience=settings.oidc_client_id or "",
                                     nonce=str(kept["nonce"]))
    actor = actor_from_claims(settings, claims)
    ttl = max(60, min(DEFAULT_TTL_S, int(claims["exp"]) - int(time.time())))
    token = mint_token(settings, role=actor.role, sub=actor.sub, agency=actor.agency, vendor=actor.vendor, ttl_s=ttl)
    return with_cookies(Redirect(str(kept["next"]), status_code=303), session_cookie(token),
                        _state_cookie("", max_age=0))
