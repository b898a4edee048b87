"""axe-core (shipped inside axe-playwright-python) run on a page: serious and critical
violations fail the test, with what axe says about each."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.async_playwright import Axe

_AXE = Axe()
BLOCKING = ("serious", "critical")


async def assert_accessible(page: Any) -> None:
    """WCAG 2.0/2.1 A and AA rules and best practices: no serious or critical violation."""
    results = await _AXE.run(page, options={
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    })
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    described = [f"{v['id']} ({v['impact']}): {v['help']} - "
                 + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                             for n in v["nodes"][:5])
                 for v in blocking]
    assert not blocking, f"axe on {page.url}:\n" + "\n".join(described)
