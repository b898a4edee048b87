"""Every route x every caller, against the checked-in table in access_spec.py.

The routes come from the app's own route table, so a route added without an entry in
the table fails here. Path parameters are random ids (see access_spec for what an
allowed caller then gets); write routes get an empty JSON object as body.
"""

from __future__ import annotations

import jwt
import pytest

from infra.http.app import create_app
from infra.http.auth import mint_token
from infra.settings import Settings
from tests.security.access_spec import ALL_ROLES, SPEC, Access
from tests.security.routes import concrete_path, route_table
from tests.support import unique

ROUTES = route_table(create_app(Settings(dev_clock=True)))
BAD_TOKENS = ("expired", "wrong signature", "unsigned")


def test_every_route_has_an_entry_and_every_entry_a_route():
    served = set(ROUTES)
    missing = sorted(served - set(SPEC))
    stale = sorted(set(SPEC) - served)
    assert not missing, f"routes without an access entry in tests/security/access_spec.py: {missing}"
    assert not stale, f"access entries for routes that do not exist: {stale}"


def _bad_token(settings, kind: str) -> str:
    if kind == "expired":
        return mint_token(settings, role="admin", sub="a", ttl_s=-5)
    claims = {"sub": "a", "role": "admin", "iss": settings.token_issuer, "exp": 4102444800}
    if kind == "wrong signature":
        return jwt.encode(claims, "a-different-key-of-enough-length-0123456789", algorithm="HS256")
    return jwt.encode(claims, None, algorithm="none")


def _expected(access: Access, caller: str) -> str:
    if caller in BAD_TOKENS:
        return "401"
    if caller == "anonymous":
        return "allowed" if access.public else "401"
    return "allowed" if caller in access.roles else "403"


def _verdict(response) -> str:
    status = response.status_code
    if status == 401 or (status == 403 and response.request.method != "HEAD"
                         and response.json()["error"]["code"] == "role_forbidden"):
        return str(status)
    return "allowed" if status < 500 else f"server error {status}"


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_route_answers_each_caller_as_the_table_says(client, settings, method, path):
    access = SPEC.get((method, path))
    assert access is not None, f"{method} {path} has no entry in access_spec.SPEC"
    callers: dict[str, dict[str, str]] = {"anonymous": {}}
    for kind in BAD_TOKENS:
        callers[kind] = {"Authorization": f"Bearer {_bad_token(settings, kind)}"}
    for role in sorted(ALL_ROLES):
        value = mint_token(settings, role=role, sub=unique(role), agency=unique("ag"), vendor=unique("vd"))
        callers[role] = {"Authorization": f"Bearer {value}"}
    wrong = []
    for caller, headers in callers.items():
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        response = await client.request(method, concrete_path(path), headers=headers, **body)
        got, want = _verdict(response), _expected(access, caller)
        if got == want == "allowed" and access.allowed_statuses is not None:
            if response.status_code not in access.allowed_statuses:
                got = f"status {response.status_code}"
        if got != want:
            wrong.append(f"{caller}: expected {want}, got {response.status_code} {response.text[:120]}")
        if response.status_code in (401, 403) and method != "HEAD":  # a HEAD answer has no body
            error = response.json()["error"]
            assert set(error) == {"code", "message", "details"}, caller
    assert not wrong, f"{method} {path}:\n" + "\n".join(wrong)
