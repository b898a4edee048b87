"""Signing in with an OpenID provider and the API taking its access tokens, against a
real provider (Authlib's authorization server, tests/oidc/provider.py) on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from litestar.testing import AsyncTestClient

from infra.http.app import create_app
from infra.http.auth import decode_token
from infra.portal.oidc import CALLBACK_PATH
from infra.settings import Settings
from kernel.errors import Unauthenticated
from tests.oidc.provider import Provider
from tests.support import unique

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider speaks plain HTTP on loopback

CLIENT_ID, CLIENT_SECRET = "civic-portal", secrets.token_urlsafe(24)
HTML = {"Accept": "text/html"}
API = "/api/v1/solicitations"


@pytest.fixture(scope="module")
def provider(settings: Settings) -> Iterator[Provider]:
    started = Provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       redirect_uri=settings.base_url + CALLBACK_PATH).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def oidc_settings(settings: Settings, provider: Provider) -> Settings:
    return settings.with_(
        dev_clock=False, dev_login=False, oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET, oidc_role_claim="groups", oidc_agency_claim="org",
        oidc_vendor_claim="vendor_id", oidc_role_map={"procurement-officers": "buyer"},
        oidc_jwks_min_refresh_s=0.0)


@pytest.fixture(scope="module")
async def app_client(oidc_settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(oidc_settings), timeout=30) as client:
        yield client


def _cookie(answer: Any, name: str) -> Any:
    for header in answer.headers.get_list("set-cookie"):
        parsed = SimpleCookie(header)
        if name in parsed:
            return parsed[name]
    raise AssertionError(f"no {name} cookie set")


async def _authorize(provider: Provider, url: str) -> str:
    """The provider's redirect back (the user is signed in there and consents)."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def _sign_in(client: AsyncTestClient, provider: Provider, *, next: str = "/") -> tuple[Any, Any]:
    start = await client.get(f"/sign-in?next={next}", headers=HTML, follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"].startswith("/sign-in/oidc")
    go = await client.get(start.headers["location"], headers=HTML, follow_redirects=False)
    assert go.status_code == 303 and go.headers["location"].startswith(provider.issuer + "/authorize?")
    query = parse_qs(urlsplit(go.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    state = _cookie(go, "civic_oidc")
    assert state["httponly"] and state["secure"] and state["samesite"].lower() == "lax"
    back = urlsplit(await _authorize(provider, go.headers["location"]))
    done = await client.get(f"{back.path}?{back.query}", headers={**HTML, "Cookie": f"civic_oidc={state.value}"},
                            follow_redirects=False)
    return go, done


async def test_code_flow_with_pkce_signs_in_with_mapped_claims(app_client, provider, oidc_settings):
    sub = unique("ana")
    provider.user = {"sub": sub, "groups": ["staff", "procurement-officers"], "org": "ag-north"}
    _, done = await _sign_in(app_client, provider, next="/opportunities")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/opportunities"
    session = _cookie(done, "civic_session")
    assert session["httponly"] and session["secure"] and session["samesite"].lower() == "lax"
    actor = decode_token(oidc_settings, session.value)
    assert (actor.sub, actor.role, actor.agency, actor.vendor) == (sub, "buyer", "ag-north", None)
    page = await app_client.get("/", headers={**HTML, "Cookie": f"civic_session={session.value}"})
    assert f"Signed in as {sub}" in page.text
    # sign-out (a form with this browser's token) clears the session
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    out = await app_client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False,
                                headers={"Cookie": f"civic_csrf={token}; civic_session={session.value}"})
    assert out.status_code == 303
    cleared = _cookie(out, "civic_session")
    assert cleared.value == "" and cleared["max-age"] == "0"


async def test_vendor_claim_maps_onto_the_vendor_role(app_client, provider, oidc_settings):
    provider.user = {"sub": unique("vic"), "groups": "vendor", "vendor_id": "v-77"}
    _, done = await _sign_in(app_client, provider)
    actor = decode_token(oidc_settings, _cookie(done, "civic_session").value)
    assert (actor.role, actor.vendor, actor.agency) == ("vendor", "v-77", None)


async def test_a_user_with_no_product_role_is_refused(app_client, provider):
    provider.user = {"sub": unique("eve"), "groups": ["staff"]}
    _, done = await _sign_in(app_client, provider)
    assert done.status_code == 401 and "civic_session" not in done.headers.get("set-cookie", "")


async def test_state_mismatch_is_refused(app_client, provider):
    provider.user = {"sub": unique("ana"), "groups": "buyer"}
    go = await app_client.get("/sign-in/oidc", headers=HTML, follow_redirects=False)
    back = urlsplit(await _authorize(provider, go.headers["location"]))
    other = await app_client.get("/sign-in/oidc", headers=HTML, follow_redirects=False)  # another attempt's cookie
    answer = await app_client.get(f"{back.path}?{back.query}", follow_redirects=False,
                                  headers={"Cookie": f"civic_oidc={_cookie(other, 'civic_oidc').value}"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "state_mismatch"
    forged = await app_client.get(f"{back.path}?{back.query}", follow_redirects=False,
                                  headers={"Cookie": "civic_oidc=e30.AAAA"})
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "state_mismatch"


async def test_nonce_mismatch_is_refused(app_client, provider, oidc_settings):
    """An ID token issued for another sign-in (another nonce) does not sign this one in."""
    provider.user = {"sub": unique("ana"), "groups": "buyer"}
    go = await app_client.get("/sign-in/oidc", headers=HTML, follow_redirects=False)
    url = go.headers["location"].replace("nonce=", "nonce=other", 1)  # the provider is asked for another nonce
    back = urlsplit(await _authorize(provider, url))
    answer = await app_client.get(f"{back.path}?{back.query}", follow_redirects=False,
                                  headers={"Cookie": f"civic_oidc={_cookie(go, 'civic_oidc').value}"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "nonce_mismatch"


async def _access_token(provider: Provider) -> str:
    """The provider's access token for the client, by code with PKCE (as any client gets one)."""
    verifier = secrets.token_urlsafe(40)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = provider.client.redirect_uris[0]
    back = await _authorize(provider, str(httpx.URL(provider.issuer + "/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect, "scope": "openid",
        "state": "s", "nonce": secrets.token_hex(8), "code_challenge": challenge, "code_challenge_method": "S256"})))
    code = parse_qs(urlsplit(back).query)["code"][0]
    async with httpx.AsyncClient() as http:
        wrong = await http.post(provider.issuer + "/token", auth=(CLIENT_ID, CLIENT_SECRET), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": "x" * 43})
        assert wrong.status_code == 400  # the provider checks PKCE
        back = await _authorize(provider, str(httpx.URL(provider.issuer + "/authorize", params={
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect, "scope": "openid",
            "state": "s", "nonce": secrets.token_hex(8), "code_challenge": challenge,
            "code_challenge_method": "S256"})))
        code = parse_qs(urlsplit(back).query)["code"][0]
        answer = await http.post(provider.issuer + "/token", auth=(CLIENT_ID, CLIENT_SECRET), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def test_the_api_accepts_the_providers_access_token(app_client, provider):
    provider.user = {"sub": unique("ana"), "groups": "buyer", "org": "ag-api"}
    token = await _access_token(provider)
    answer = await app_client.get(API, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


def _signed(provider: Provider, key: dict[str, Any] | None = None, alg: str = "RS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": unique("u"), "groups": "buyer",
              "iat": now, "exp": now + 600} | changes
    jwk = key or provider.signer
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, jwt.PyJWK(jwk).key, algorithm=alg,
                      headers={"kid": jwk["kid"]})


async def _refused(client: AsyncTestClient, token: str, code: str = "invalid_token") -> None:
    answer = await client.get(API, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == code


async def test_tokens_the_api_refuses(app_client, provider):
    now = int(time.time())
    assert (await app_client.get(API, headers={"Authorization": f"Bearer {_signed(provider)}"})).status_code == 200
    await _refused(app_client, _signed(provider, aud="someone-else"))
    await _refused(app_client, _signed(provider, exp=now - 3600), code="token_expired")
    await _refused(app_client, _signed(provider, nbf=now + 3600))
    await _refused(app_client, _signed(provider, exp=None))
    # another issuer's token is the product's own kind, and no product key signed it
    await _refused(app_client, _signed(provider, iss="https://elsewhere.example"))
    # a key the provider never published
    stranger = Provider(client_id=CLIENT_ID, client_secret="x", redirect_uri="http://127.0.0.1/cb")
    await _refused(app_client, _signed(provider, key=stranger.signer))
    # the right key id, another key's signature
    forged = dict(stranger.signer, kid=provider.signer["kid"])
    stranger.stop()  # never started: only its keys are used
    await _refused(app_client, _signed(provider, key=forged))
    head, body, sig = _signed(provider).split(".")
    await _refused(app_client, f"{head}.{body}.{sig[:-4]}AAAA")
    # algorithm confusion: HS256 keyed with the provider's public key, and no signature at all
    claims = jwt.decode(_signed(provider), options={"verify_signature": False})
    pem = jwt.PyJWK(provider.public_jwks()["keys"][-1]).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": provider.signer["kid"]}).encode())
    body = _b64(json.dumps(claims).encode())
    mac = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    await _refused(app_client, f"{head}.{body}.{_b64(mac)}")
    await _refused(app_client, jwt.encode(claims, None, algorithm="none", headers={"kid": provider.signer["kid"]}))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_a_rotated_key_is_picked_up(app_client, provider):
    before = provider.jwks_fetches
    provider.rotate()
    answer = await app_client.get(API, headers={"Authorization": f"Bearer {_signed(provider)}"})
    assert answer.status_code == 200, answer.text
    assert provider.jwks_fetches == before + 1
    # a known key does not refetch
    await app_client.get(API, headers={"Authorization": f"Bearer {_signed(provider)}"})
    assert provider.jwks_fetches == before + 1


def _settings_for(settings: Settings, provider: Provider, **more: Any) -> Settings:
    return settings.with_(oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
                          oidc_role_claim="groups", **more)


def test_an_es256_provider_and_the_pinned_algorithm(settings):
    provider = Provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri="http://127.0.0.1/cb",
                        alg="ES256").start()
    try:
        token = _signed(provider, alg="ES256", org="ag-es")
        actor = decode_token(_settings_for(settings, provider, oidc_algorithms=("ES256",),
                                           oidc_agency_claim="org"), token)
        assert (actor.role, actor.agency) == ("buyer", "ag-es")
        with pytest.raises(Unauthenticated):  # the same token where only RS256 is allowed
            decode_token(_settings_for(settings, provider, oidc_algorithms=("RS256",)), token)
        with pytest.raises(Unauthenticated):  # HS* in the configuration is dropped, never used
            decode_token(_settings_for(settings, provider, oidc_algorithms=("HS256",)), token)
    finally:
        provider.stop()


def test_unknown_key_ids_refetch_the_keys_at_most_once_a_period(settings):
    provider = Provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri="http://127.0.0.1/cb").start()
    try:
        configured = _settings_for(settings, provider, oidc_jwks_min_refresh_s=3600.0)
        assert decode_token(configured, _signed(provider)).role == "buyer"
        assert provider.jwks_fetches == 1
        stranger = Provider(client_id=CLIENT_ID, client_secret="x", redirect_uri="http://127.0.0.1/cb")
        stranger.stop()  # never started: only its keys are used
        for _ in range(5):
            with pytest.raises(Unauthenticated):
                decode_token(configured, _signed(provider, key=dict(stranger.signer, kid=secrets.token_hex(8))))
        assert provider.jwks_fetches == 1
    finally:
        provider.stop()


def test_the_schema_documents_issuer_tokens(settings):
    schema = create_app(settings).openapi_schema.to_schema()
    bearer = schema["components"]["securitySchemes"]["BearerToken"]
    assert bearer["scheme"] == "bearer" and "CIVIC_OIDC_ISSUER" in bearer["description"]
