"""A vendor's journey in the browser: sign in, register the business (an error first, shown
next to its field with the API's text), send it for review, get approved, bid with a PDF
before the deadline, and after the opening see the tabulation. Once in English (switching
to Spanish and back on the way), once in Spanish. axe on every page: 0 serious/critical."""

from __future__ import annotations

import os
import re
from pathlib import Path

from services.demo.pdf import tiny_pdf
from tests.browser.axe import assert_accessible
from tests.browser.conftest import offline_context
from tests.browser.world import advance, approve, bearer, now, opened, published_itb
from tests.e2e.vendors.helpers import new_ein
from tests.support import eventually, unique

DAY = 86400.0
#: with CIVIC_SCREENSHOTS=1 the English journey refreshes the pictures in docs/portal.md
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "portal"


async def _picture(page, name: str, texts: dict[str, str]) -> None:
    if os.environ.get("CIVIC_SCREENSHOTS") == "1" and texts is ENGLISH:
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
PRICE = "48250.37"
PRICE_TEXTS = ("48250", "48,250", "48.250", "4825037", "250.37", "250,37")


async def _sign_in(page, base_url: str, sub: str) -> None:
    await page.goto(f"{base_url}/sign-in")
    await assert_accessible(page)
    await page.select_option("#field-role", "vendor")
    await page.fill("#field-sub", sub)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(f"{base_url}/")


async def _register(page, base_url: str, texts: dict[str, str]) -> str:
    await page.goto(f"{base_url}/vendor/register")
    await assert_accessible(page)
    await page.fill("#field-legal_name", f"Prairie Paving {unique('')}")
    await page.fill("#field-tax_id", "12-34")  # not an EIN: the API says so, beside the field
    await page.fill("#field-employees", "14")
    await page.select_option("#field-revenue_band", "1m_5m")
    await page.fill("#field-commodity_codes", "91500, 43211500")
    await page.fill("#field-address\\.line1", "100 Market St")
    await page.fill("#field-address\\.city", "Springfield")
    await page.fill("#field-address\\.state", "IL")
    await page.fill("#field-address\\.zip", "62701")
    await page.fill("#field-contacts\\.0\\.name", "Ana Ruiz")
    await page.fill("#field-contacts\\.0\\.email", "ana@example.com")
    await page.locator("form[action='/vendor/register'] button[type=submit]").click()
    await page.wait_for_load_state()
    error = page.locator("#error-tax_id")
    assert await error.count() == 1, await page.content()
    assert await page.locator("#field-tax_id").get_attribute("aria-invalid") == "true"
    assert "error-tax_id" in (await page.locator("#field-tax_id").get_attribute("aria-describedby"))
    # the summary links to the field
    assert await page.locator("#error-summary a[href='#field-tax_id']").count() == 1
    assert texts["problem"] in await page.locator("#error-summary h2").inner_text()
    await assert_accessible(page)
    await _picture(page, "register-error", texts)
    await page.fill("#field-tax_id", new_ein())
    await page.locator("form[action='/vendor/register'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/vendor\?registered=1$"))
    vendor_id = (await page.locator("dt:text-is('" + texts["vendor_id"] + "') + dd").inner_text()).strip()
    assert await page.locator(".vendor-status").inner_text() == texts["draft"]
    await assert_accessible(page)
    await page.locator("form[action$='/submit'] button").click()
    await page.wait_for_url(re.compile(r"/vendor\?submitted=1$"))
    assert await page.locator(".vendor-status").inner_text() == texts["submitted"]
    return vendor_id


async def _approve_on_the_review_page(browser, base_url: str, settings, vendor_id: str) -> None:
    context, offline = await offline_context(browser, locale="en-US",
                                             extra_http_headers=bearer(settings, "admin"))
    page = await context.new_page()
    row = page.locator(f"#vendor-{vendor_id}")

    async def queued() -> bool:  # the review queue reads the vendor directory's read model
        await page.goto(f"{base_url}/admin/vendors")
        return await row.count() == 1

    await eventually(queued, timeout=30, interval=0.5, what=f"vendor {vendor_id} in the review queue")
    await assert_accessible(page)
    await _picture(page, "vendor-review", ENGLISH)
    await row.locator("form[action$='/approve'] button").click()
    await page.wait_for_url(re.compile(r"/admin/vendors\?done=approved$"))
    assert "approved" in await page.locator(".notice").inner_text()
    await context.close()
    assert not offline.blocked


async def _bid(page, base_url: str, solicitation_id: str, texts: dict[str, str]) -> None:
    await page.goto(f"{base_url}/opportunities/{solicitation_id}")
    await page.locator(f"a[href='/opportunities/{solicitation_id}/bid']").click()
    await page.wait_for_url(f"{base_url}/opportunities/{solicitation_id}/bid")
    await assert_accessible(page)
    await _picture(page, "bid-form", texts)
    await page.fill("#field-price", PRICE)
    await page.check("#field-attestations\\.no_conflict_of_interest")
    await page.check("#field-attestations\\.non_collusion")
    await page.set_input_files("#field-file", files=[{"name": "proposal.pdf", "mimeType": "application/pdf",
                                                      "buffer": tiny_pdf("Paving proposal")}])
    await page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    await page.wait_for_url(re.compile(rf"/opportunities/{solicitation_id}\?bid=received$"))
    assert texts["received"] in await page.locator(".notice").inner_text()
    assert await page.locator("#mine-heading + ul li").count() == 1
    await assert_accessible(page)


async def _journey(browser, base_url, http, settings, *, locale: str, texts: dict[str, str]) -> None:
    title = f"Street resurfacing {unique('')}"
    itb = await published_itb(http, settings, title)
    context, offline = await offline_context(browser, locale=locale, timezone_id="America/Chicago")
    page = await context.new_page()
    try:
        # the home page lists the open invitation (once the search model has it), its
        # deadline on the viewer's clock
        hit = page.locator(".hit", has=page.locator(f"a[href='/opportunities/{itb['id']}']"))

        async def listed() -> bool:
            await page.goto(f"{base_url}/")
            await page.wait_for_load_state("networkidle")
            return await hit.count() == 1

        await eventually(listed, timeout=30, interval=0.5, what="the invitation on the home page")
        await _picture(page, "home", texts)
        assert texts["zone"] in await hit.locator("time").inner_text()
        await assert_accessible(page)
        await _sign_in(page, base_url, unique("owner"))
        vendor_id = await _register(page, base_url, texts)
        if texts is ENGLISH:  # an administrator approves on the review page
            await _approve_on_the_review_page(browser, base_url, settings, vendor_id)
        else:  # the admin API, as an integration would
            await approve(http, settings, vendor_id)
        await page.goto(f"{base_url}/vendor")
        assert await page.locator(".vendor-status").inner_text() == texts["approved"]
        await _bid(page, base_url, itb["id"], texts)

        # sealed until the opening: no one else's page shows the price, the agency's buyer
        # and an administrator included
        for viewer in ({}, bearer(settings, "buyer", agency=itb["agency_id"]), bearer(settings, "admin"),
                       bearer(settings, "vendor")):
            others, _ = await offline_context(browser, locale=locale, extra_http_headers=viewer)
            other = await others.new_page()
            for path in (f"/opportunities/{itb['id']}", "/", f"/opportunities?q={itb['title']}"):
                await other.goto(f"{base_url}{path}")
                shown = await other.content()
                assert itb["title"] in shown
                assert not [p for p in PRICE_TEXTS if p in shown], (viewer, path)
            await others.close()

        due = datetime_after(itb["opening_time"], await now(http, settings))
        await advance(http, settings, due)
        await opened(http, itb["id"])
        await page.goto(f"{base_url}/opportunities/{itb['id']}")
        table = page.locator("table.tabulation")
        assert await table.count() == 1
        assert texts["price"] in await table.inner_text()
        await assert_accessible(page)
        await _picture(page, "opening-results", texts)
    finally:
        await context.close()
    assert not offline.blocked, offline.blocked


def datetime_after(opening_time: str, current) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(opening_time) - current).total_seconds() + 120


ENGLISH = {"problem": "There is a problem", "vendor_id": "Vendor id", "draft": "draft", "submitted": "submitted",
           "approved": "approved", "received": "received and sealed", "price": "$48,250.37",
           "zone": "Central"}
SPANISH = {"problem": "Hay un problema", "vendor_id": "Identificador del proveedor", "draft": "borrador",
           "submitted": "enviada", "approved": "aprobada", "received": "se recibió y quedó sellada",
           "price": "48.250,37", "zone": "central"}


async def test_a_vendor_registers_bids_with_a_pdf_and_sees_the_opening(browser, base_url, http, settings):
    await _journey(browser, base_url, http, settings, locale="en-US", texts=ENGLISH)


async def test_the_same_journey_in_spanish(browser, base_url, http, settings):
    await _journey(browser, base_url, http, settings, locale="es-MX", texts=SPANISH)


async def test_the_language_switch_changes_the_pages_and_stays(page, base_url):
    await page.goto(f"{base_url}/opportunities")
    assert await page.locator("h1").inner_text() == "Search opportunities"
    await page.locator("form.language button[value=es]").click()
    await page.wait_for_url(f"{base_url}/opportunities")
    assert await page.locator("h1").inner_text() == "Buscar oportunidades"
    assert await page.locator("html").get_attribute("lang") == "es"
    await assert_accessible(page)
    await page.goto(f"{base_url}/")
    assert await page.locator("h1").inner_text() == "Oportunidades abiertas"
    await page.locator("form.language button[value=en]").click()
    await page.wait_for_url(f"{base_url}/")
    assert await page.locator("h1").inner_text() == "Open opportunities"
