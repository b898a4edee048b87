"""The OpenAPI reference renders with the network cut to everything but loopback: its
script and styles are the app's own."""

from __future__ import annotations

from tests.browser.axe import assert_accessible


async def test_the_api_reference_renders_offline(page, base_url, http):
    spec = (await http.get("/schema/openapi.json")).json()
    response = await page.goto(f"{base_url}/schema")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # Swagger UI drew the operations of the document, tag by tag
    await page.locator(".opblock").first.wait_for(timeout=30_000)
    assert spec["info"]["title"] in await page.locator(".swagger-ui .info .title").inner_text()
    bids = page.locator('.opblock-summary-path[data-path="/api/v1/solicitations/{solicitation_id}/bids"]')
    assert await bids.count() >= 1
    drawn = await page.locator(".opblock").count()
    operations = sum(len([m for m in item if m in ("get", "post", "put", "patch", "delete")])
                     for item in spec["paths"].values())
    assert drawn == operations, (drawn, operations)
    assert not page.offline.blocked
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
    await assert_accessible(page)
