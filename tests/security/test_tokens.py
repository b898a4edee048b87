"""Bearer tokens: only the configured algorithm and key, expiry enforced, no secret logged."""

from __future__ import annotations

import base64
import json
import logging
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from litestar.testing import AsyncTestClient

from infra.http.app import create_app
from infra.http.auth import mint_token, signing_key
from tests.e2e.payments.conftest import sign
from tests.security.logscan import capture_logs
from tests.support import unique

ROUTE = "/api/v1/agencies/{}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(settings, **overrides):
    claims = {"sub": "mallory", "role": "admin", "iss": settings.token_issuer,
              "iat": int(time.time()), "exp": int(time.time()) + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _unsigned(claims: dict, alg: str) -> str:
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def _forged_tokens(settings) -> dict[str, str]:
    key = signing_key(settings)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    valid_vendor = mint_token(settings, role="vendor", sub="v1", vendor="vd1")
    header, payload, signature = valid_vendor.split(".")
    escalated = json.loads(base64.urlsafe_b64decode(payload + "=="))
    escalated["role"] = "admin"
    return {
        "expired": mint_token(settings, role="admin", sub="a", ttl_s=-1),
        "no expiry": jwt.encode(_claims(settings, exp=None), key, algorithm="HS256"),
        "alg none": _unsigned(_claims(settings), "none"),
        "alg None": _unsigned(_claims(settings), "None"),
        "alg NONE": _unsigned(_claims(settings), "NONE"),
        "other HMAC algorithm, right key": jwt.encode(_claims(settings), key, algorithm="HS512"),
        "RS256 with an attacker's key": jwt.encode(_claims(settings), rsa_key, algorithm="RS256"),
        "ES256 with an attacker's key": jwt.encode(_claims(settings), ec_key, algorithm="ES256"),
        "RS256 header, HMAC signature with the right key": _resigned_as(settings, "RS256"),
        "wrong key": jwt.encode(_claims(settings), "not-the-key" * 4, algorithm="HS256"),
        "wrong issuer": jwt.encode(_claims(settings, iss="evil"), key, algorithm="HS256"),
        "unknown role": jwt.encode(_claims(settings, role="root"), key, algorithm="HS256"),
        "no role": jwt.encode(_claims(settings, role=None), key, algorithm="HS256"),
        "escalated payload, original signature": f"{header}.{_b64(json.dumps(escalated).encode())}.{signature}",
        "signature stripped": f"{header}.{payload}.",
        "garbage": "not.a.token",
    }


def _resigned_as(settings, alg: str) -> str:
    import hashlib
    import hmac

    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64(json.dumps(_claims(settings)).encode())
    mac = hmac.new(signing_key(settings).encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


async def test_every_forged_or_expired_token_is_refused_with_401(client, settings):
    for name, value in _forged_tokens(settings).items():
        response = await client.get(ROUTE.format("any"), headers={"Authorization": f"Bearer {value}"})
        assert response.status_code == 401, name
        error = response.json()["error"]
        assert error["code"] in {"token_expired", "invalid_token"}, name
        assert response.headers["www-authenticate"] == "Bearer"
    expired = mint_token(settings, role="admin", sub="a", ttl_s=-1)
    response = await client.get(ROUTE.format("any"), headers={"Authorization": f"Bearer {expired}"})
    assert response.json()["error"]["code"] == "token_expired"


@pytest.mark.parametrize("header", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer    ", "Token abc"])
async def test_other_authorization_schemes_are_refused(client, header):
    response = await client.get(ROUTE.format("any"), headers={"Authorization": header})
    assert response.status_code == 401


async def test_a_valid_token_passes_and_expiry_is_checked_at_each_request(client, settings):
    fresh = mint_token(settings, role="admin", sub="a", ttl_s=2)
    ok = await client.get(ROUTE.format(unique("ag")), headers={"Authorization": f"Bearer {fresh}"})
    assert ok.status_code == 404, "authenticated, the agency simply does not exist"
    issued_long_ago = mint_token(settings, role="admin", sub="a", ttl_s=60, now=time.time() - 120)
    late = await client.get(ROUTE.format("x"), headers={"Authorization": f"Bearer {issued_long_ago}"})
    assert late.status_code == 401 and late.json()["error"]["code"] == "token_expired"


def test_secrets_are_not_in_the_settings_repr(settings):
    secret_settings = settings.with_(stripe_api_key="sk_test_reprcheck", bid_key="bid-key-reprcheck",
                                     stripe_webhook_secret="whsec_reprcheck")
    shown = repr(secret_settings) + str(secret_settings)
    for secret in (secret_settings.signing_key, "sk_test_reprcheck", "bid-key-reprcheck", "whsec_reprcheck"):
        assert secret not in shown


async def test_signing_key_and_stripe_secrets_never_reach_the_logs(settings):
    secrets = {"stripe_api_key": "sk_test_" + unique("k"), "stripe_webhook_secret": "whsec_" + unique("w")}
    secret_settings = settings.with_(**secrets)
    with capture_logs() as logs:
        app = create_app(secret_settings)
        async with AsyncTestClient(app=app, timeout=30) as client:
            # What an operator would plausibly log, and every failure path of authentication.
            logging.getLogger("civic").info("starting with %s", secret_settings)
            for value in _forged_tokens(secret_settings).values():
                await client.get(ROUTE.format("x"), headers={"Authorization": f"Bearer {value}"})
            admin = mint_token(secret_settings, role="admin", sub="ops")
            await client.post("/api/v1/agencies", headers={"Authorization": f"Bearer {admin}"},
                              json={"name": "Logs", "jurisdiction": "US"})
            await client.post("/api/v1/agencies", headers={"Authorization": f"Bearer {admin}"},
                              content=b"{not json", )
            # Stripe's webhook, signed with the secret and with a wrong one.
            event = json.dumps({"id": unique("evt_"), "type": "payment_intent.succeeded", "data": {
                "object": {"id": unique("pi_"), "object": "payment_intent", "metadata": {}}}}).encode()
            for secret in (secrets["stripe_webhook_secret"], "whsec_wrong"):
                response = await client.post("/api/v1/webhooks/stripe", content=event, headers={
                    "Stripe-Signature": sign(event, secret), "Content-Type": "application/json"})
                assert response.status_code < 500, response.text
    assert len(logs) > 0, "the block logged nothing: the scan would prove nothing"
    logs.assert_never_contains(signing_key(secret_settings), *secrets.values())


def test_the_log_scan_finds_a_leak():
    with capture_logs() as logs:
        logging.getLogger("civic.bids").debug("price was %s", "1234567.89")
    with pytest.raises(AssertionError):
        logs.assert_never_contains("1234567.89")
