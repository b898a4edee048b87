"""The portal over HTTP: form tokens, the session cookie and what it may reach, the
security headers, the dev sign-in's token, and a page refusing what the API refuses with
the API's own words."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

from infra.http.app import create_app
from infra.http.auth import decode_token
from infra.settings import Settings
from tests.e2e.vendors.helpers import register
from tests.security.routes import route_table
from tests.support import unique

HTML = {"Accept": "text/html"}


async def _csrf(client) -> str:
    page = await client.get("/", headers=HTML)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    cookie = SimpleCookie(page.headers["set-cookie"])["civic_csrf"]
    assert cookie.value == token.group(1)
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"].lower() == "strict"
    return token.group(1)


def _with_csrf(token: str, **more: str) -> dict[str, str]:
    cookies = "; ".join(f"{k}={v}" for k, v in {"civic_csrf": token, **more}.items())
    return {"Cookie": cookies}


async def test_a_form_without_this_browsers_token_is_refused(client):
    token = await _csrf(client)
    refused = await client.post("/sign-in", data={"role": "vendor", "sub": "mallory"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    forged = await client.post("/sign-in", data={"role": "vendor", "sub": "mallory", "csrf_token": "x" * 43},
                               headers=_with_csrf(token))
    assert forged.status_code == 403
    page = await client.post("/sign-in", data={"role": "vendor", "sub": "mallory"}, headers=HTML)
    assert page.status_code == 403 and "<h1>" in page.text and "text/html" in page.headers["content-type"]


async def test_dev_sign_in_sets_a_secure_session_with_the_civic_token(client, settings):
    token = await _csrf(client)
    sub = unique("ana")
    answer = await client.post("/sign-in", headers=_with_csrf(token), data={
        "role": "buyer", "sub": sub, "agency": "ag-portal", "vendor": "", "csrf_token": token, "next": "/opportunities"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/opportunities"
    cookie = SimpleCookie(answer.headers["set-cookie"])["civic_session"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"].lower() == "lax"
    actor = decode_token(settings, cookie.value)  # the same signed token the API takes
    assert (actor.role, actor.sub, actor.agency) == ("buyer", sub, "ag-portal")
    # the portal reads the cookie; the API never does (no cross-site request counts there)
    page = await client.get("/", headers={**HTML, "Cookie": f"civic_session={cookie.value}"})
    assert f"Signed in as {sub}" in page.text
    api = await client.get("/api/v1/solicitations", headers={"Cookie": f"civic_session={cookie.value}"})
    assert api.status_code == 401


async def test_a_page_that_needs_signing_in_sends_a_browser_to_the_sign_in_page(client):
    answer = await client.get("/vendor/register", headers=HTML, follow_redirects=False)
    assert answer.status_code in (302, 303, 307) and answer.headers["location"] == "/sign-in?next=/vendor/register"
    assert (await client.get("/vendor/register")).status_code == 401  # not a browser: the API's answer


async def test_a_next_address_never_leads_off_the_site(client):
    token = await _csrf(client)
    answer = await client.post("/language", headers=_with_csrf(token),
                               data={"lang": "es", "next": "//evil.example/", "csrf_token": token},
                               follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_the_sign_in_page_exists_only_in_development():
    paths = {p for _, p in route_table(create_app(Settings()))}
    assert "/sign-in" not in paths
    assert "/sign-in" in {p for _, p in route_table(create_app(Settings(dev_login=True)))}


async def test_pages_carry_a_strict_policy_and_no_inline_script(client):
    for path in ("/", "/opportunities", "/sign-in", "/schema"):
        answer = await client.get(path, headers=HTML)
        assert answer.status_code == 200, path
        policy = answer.headers["content-security-policy"]
        script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
        assert script_src.strip() == "'self'", (path, policy)
        assert "frame-ancestors 'none'" in policy and answer.headers["x-content-type-options"] == "nosniff"
        scripts = re.findall(r"<script([^>]*)>", answer.text)
        assert scripts and all("src=" in s for s in scripts), (path, scripts)
        assert not re.search(r"\son[a-z]+=", answer.text), path
    api = await client.get("/health")
    assert "content-security-policy" in api.headers  # not an /api route: a page like the others


async def test_a_page_refuses_what_the_api_refuses_with_its_words(client, token):
    victim, _ = await register(client, token)
    intruder = token("vendor", sub=unique("intruder"))
    await register(client, lambda *a, **k: intruder)
    csrf = await _csrf(client)
    through_api = await client.post(f"/api/v1/vendors/{victim['id']}/submit", headers=intruder)
    assert through_api.status_code in (403, 404)
    through_page = await client.post(f"/vendor/{victim['id']}/submit", data={"csrf_token": csrf},
                                     headers={**intruder, **_with_csrf(csrf)})
    assert through_page.status_code == through_api.status_code
    assert through_page.json()["error"]["message"] == through_api.json()["error"]["message"]
    as_page = await client.post(f"/vendor/{victim['id']}/submit", data={"csrf_token": csrf},
                                headers={**intruder, **_with_csrf(csrf), **HTML})
    assert through_api.json()["error"]["message"] in as_page.text.replace("&#39;", "'")
