"""The portal by keyboard alone: the skip link comes first and moves the focus to the main
content, the focus always shows, and a visitor signs in, filters the search and opens a
solicitation with Tab, Space and Enter only (no mouse, no click)."""

from __future__ import annotations

from tests.browser.axe import assert_accessible
from tests.browser.world import published_itb
from tests.support import eventually, unique

FOCUSED = "() => document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())"


async def _tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies ``predicate`` (a JS function of it)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate}; last: {await page.evaluate(FOCUSED)}")


async def test_the_skip_link_is_first_and_focus_shows(page, base_url):
    await page.goto(f"{base_url}/")
    await page.wait_for_load_state("networkidle")
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "Skip to main content"
    outline = await page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    box = await page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0  # on screen once focused
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "main"
    await page.keyboard.press("Tab")
    outline = await page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


async def test_sign_in_search_and_open_a_solicitation_by_keyboard(page, base_url, http, settings):
    itb = await published_itb(http, settings, f"Snow removal {unique('')}")
    await page.goto(f"{base_url}/sign-in")
    await page.wait_for_load_state("networkidle")
    await _tab_to(page, "e => e.id === 'field-sub'")
    sub = unique("keys")
    await page.keyboard.type(sub)
    await page.keyboard.press("Enter")  # submits the form
    await page.wait_for_url(f"{base_url}/")
    assert sub in await page.locator(".account").inner_text()

    await page.goto(f"{base_url}/opportunities")
    await _tab_to(page, "e => e.id === 'field-q'")
    await page.keyboard.type(itb["title"])
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: "q=" in url)

    link = page.locator(f"a[href='/opportunities/{itb['id']}']")

    async def found() -> bool:
        if await link.count():
            return True
        await page.reload()
        return False

    await eventually(found, timeout=30, interval=0.5, what="the invitation in the search")
    # a facet by keyboard: Space checks the "type" box, Enter on Apply sends the filters
    await _tab_to(page, "e => e.name === 'type' && e.value === 'ITB'")
    await page.keyboard.press("Space")
    await _tab_to(page, "e => e.tagName === 'BUTTON' && e.closest('form.filters')")
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: "type=ITB" in url)
    await assert_accessible(page)
    await _tab_to(page, f"e => e.getAttribute('href') === '/opportunities/{itb['id']}'")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base_url}/opportunities/{itb['id']}")
    assert await page.locator("h1").inner_text() == itb["title"]
