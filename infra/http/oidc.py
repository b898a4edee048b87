"""The configured OpenID provider: its discovery document and keys, and the tokens it signs.

The discovery document and the JWKS are fetched once and cached per issuer. A token
naming a key id the cache lacks refetches the JWKS (the provider rotated its keys), at
most once per ``oidc_jwks_min_refresh_s``, so a stream of forged key ids cannot make us
hammer the provider. Only the configured asymmetric algorithms verify (``none`` and
HS* are never accepted: with a public key as the "secret" they would be forgeable), and
the key's own type must fit the token's algorithm. Issuer, audience, expiry and
not-before are all checked; the role, agency and vendor come from configured claims.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import jwt

from infra.settings import Settings
from kernel.context import ROLES, Actor
from kernel.errors import Unauthenticated

#: algorithms a provider's public key may verify; anything else in the config is dropped
ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
_TIMEOUT_S = 5.0
_LEEWAY_S = 30


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer:  # noqa: S310 - configured https issuer
        data = json.loads(answer.read())
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return data


@dataclass
class Provider:
    issuer: str
    min_refresh_s: float
    _discovery: dict[str, Any] | None = None
    _keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    _fetched_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def discovery(self) -> dict[str, Any]:
        if self._discovery is None:
            doc = _get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
            if doc.get("issuer") != self.issuer:
                raise ValueError("the discovery document names another issuer")
            self._discovery = doc
        return self._discovery

    def _refresh(self) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for data in _get_json(str(self.discovery()["jwks_uri"])).get("keys", []):
            if data.get("use", "sig") != "sig" or "kid" not in data:
                continue
            try:
                keys[str(data["kid"])] = jwt.PyJWK(data)
            except jwt.PyJWTError:
                continue  # a key type this library cannot use: never a verification key
        self._keys = keys
        self._fetched_at = time.monotonic()

    def key(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.min_refresh_s:
                self._refresh()
            return self._keys.get(kid)


_providers: dict[str, Provider] = {}
_providers_lock = threading.Lock()


def provider_for(settings: Settings) -> Provider:
    issuer = settings.oidc_issuer or ""
    with _providers_lock:
        found = _providers.get(issuer)
        if found is None:
            found = _providers[issuer] = Provider(issuer, settings.oidc_jwks_min_refresh_s)
        return found


def algorithms(settings: Settings) -> list[str]:
    return [a for a in settings.oidc_algorithms if a in ASYMMETRIC]


def verify(settings: Settings, token: str, *, audience: str, nonce: str | None = None) -> dict[str, Any]:
    """The claims of a token the provider signed for ``audience``; ``Unauthenticated`` otherwise."""
    allowed = algorithms(settings)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid token", code="invalid_token") from exc
    kid, alg = header.get("kid"), header.get("alg")
    if alg not in allowed or not isinstance(kid, str):
        raise Unauthenticated("invalid token", code="invalid_token")
    try:
        key = provider_for(settings).key(kid)
    except (OSError, ValueError, KeyError) as exc:
        raise Unauthenticated("the identity provider cannot be reached", code="issuer_unavailable") from exc
    if key is None or (key.algorithm_name not in (alg, None) and key.algorithm_name in ASYMMETRIC):
        raise Unauthenticated("invalid token", code="invalid_token")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=[alg], issuer=settings.oidc_issuer, audience=audience,
            leeway=_LEEWAY_S, options={"require": ["exp", "iss", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token expired", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid token", code="invalid_token") from exc
    if nonce is not None and claims.get("nonce") != nonce:
        raise Unauthenticated("the sign-in does not match this browser", code="nonce_mismatch")
    return claims


def actor_from_claims(settings: Settings, claims: dict[str, Any]) -> Actor:
    """The product's caller for the provider's claims (configured role, agency, vendor claims)."""
    raw = claims.get(settings.oidc_role_claim)
    if isinstance(raw, list):  # providers often send a list of groups: the first that maps wins
        candidates = [str(r) for r in raw]
    else:
        candidates = [str(raw)] if raw is not None else []
    role = next((r for r in (settings.oidc_role_map.get(c, c) for c in candidates) if r in ROLES), None)
    if role is None:
        raise Unauthenticated("the identity provider grants no role here", code="invalid_token_role")
    agency = claims.get(settings.oidc_agency_claim)
    vendor = claims.get(settings.oidc_vendor_claim)
    return Actor(sub=str(claims["sub"]), role=role,
                 agency=str(agency) if agency else None, vendor=str(vendor) if vendor else None,
                 claims=claims)


def is_issuer_token(settings: Settings, token: str) -> bool:
    """Whether ``token`` claims to come from the configured provider (checked by ``verify``)."""
    if not settings.oidc_enabled:
        return False
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("iss") == settings.oidc_issuer
    except jwt.PyJWTError:
        return False


def decode_access_token(settings: Settings, token: str) -> Actor:
    audience = settings.oidc_audience or settings.oidc_client_id or ""
    return actor_from_claims(settings, verify(settings, token, audience=audience))
