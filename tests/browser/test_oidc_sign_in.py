"""Signing in through a real OpenID provider (tests/oidc/provider.py) in Chromium: the
portal sends the browser there, the provider sends it back with a code, and the portal
signs it in with the mapped role; signing out clears the session."""

from __future__ import annotations

import os
import secrets

from infra.portal.oidc import CALLBACK_PATH
from tests.browser.server import serving
from tests.oidc.provider import Provider
from tests.support import unique

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider speaks plain HTTP on loopback


async def test_sign_in_with_the_provider_and_out_again(browser, isolated):
    secret = secrets.token_urlsafe(24)
    provider = Provider(client_id="civic-portal", client_secret=secret, redirect_uri="").start()
    settings = (await isolated()).with_(dev_clock=False, dev_login=False, oidc_issuer=provider.issuer,
                                        oidc_client_id="civic-portal", oidc_client_secret=secret,
                                        oidc_agency_claim="org")
    sub = unique("ana")
    provider.user = {"sub": sub, "role": "buyer", "org": "ag-browser"}
    try:
        with serving(settings) as url:
            base = url.replace("localhost", "127.0.0.1")
            provider.client.redirect_uris = [base + CALLBACK_PATH]
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(base + "/sign-in?next=/opportunities")
            await page.wait_for_url(base + "/opportunities")
            assert f"Signed in as {sub}" in await page.content()
            cookies = {c["name"]: c for c in await context.cookies()}
            session = cookies["civic_session"]
            assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Lax"
            await page.locator("form[action='/sign-out'] button").click()
            await page.wait_for_url(base + "/")
            assert "civic_session" not in {c["name"] for c in await context.cookies()}
            assert f"Signed in as {sub}" not in await page.content()
            await context.close()
    finally:
        provider.stop()
