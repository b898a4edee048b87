"""A Texas city's solicitation through HTTP: deadlines in local time with any offset, the
rule pack that judged it, and the public compliance record of the process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.solicitations.helpers import API, now_of, solicitation_body
from tests.support import unique

CHICAGO = ZoneInfo("America/Chicago")


async def test_a_texas_solicitation_records_the_rules_that_judged_it(client, token):
    agency_id = unique("ag")
    registered = await client.post(f"{API}/agencies", headers=token("admin"), json={
        "agency_id": agency_id, "name": "City of Austin", "jurisdiction": "US-TX-Austin"})
    assert registered.status_code == 201 and registered.json()["time_zone"] == "America/Chicago"
    buyer = token("buyer", sub=unique("buyer"), agency=agency_id)
    now = await now_of(client, token)
    # entered as 14:00 on the city's clocks, with the city's offset that day
    local_day = (now + timedelta(days=30)).astimezone(CHICAGO).date()
    deadline = datetime(local_day.year, local_day.month, local_day.day, 14, tzinfo=CHICAGO)
    body = solicitation_body(now, solicitation_type="ITB", estimated_value={"amount": 80_000_00, "currency": "USD"},
                             criteria=[{"library_id": "price", "weight": 100}],
                             submission_deadline=deadline.isoformat(),
                             opening_time=(deadline + timedelta(hours=1)).isoformat())
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert (await client.get(f"{API}/solicitations/{sid}/compliance")).status_code == 404  # a draft
    published = await client.post(f"{API}/solicitations/{sid}/publish", headers=buyer)
    assert published.status_code == 200, published.text
    sol = published.json()
    assert datetime.fromisoformat(sol["submission_deadline"]) == deadline
    assert datetime.fromisoformat(sol["submission_deadline"]).utcoffset() == timedelta(0)  # stored in UTC
    local = sol["local"]
    assert local["time_zone"] == "America/Chicago" and sol["rule_pack"] == "US-TX"
    shown = datetime.fromisoformat(local["submission_deadline"])
    assert (shown.hour, shown.utcoffset()) == (14, deadline.utcoffset())

    record = await client.get(f"{API}/solicitations/{sid}/compliance")  # public, no token
    assert record.status_code == 200, record.text
    compliance = record.json()
    assert (compliance["rule_pack"], compliance["currency"], compliance["time_zone"]) == (
        "US-TX", "USD", "America/Chicago")
    by_rule = {r["rule"]: r for r in compliance["rules"]}
    assert "§ 252.021(a)" in by_rule["method_by_value"]["citation"]
    assert by_rule["method_by_value"]["url"].startswith("https://statutes.capitol.texas.gov/")
    assert "§ 252.041(a)" in by_rule["time_limit"]["citation"]
    assert by_rule["public_notice"]["complied"] is None
    assert compliance["payments"] is None  # prompt payment on its contracts: staff and oversight only
    auditor = await client.get(f"{API}/solicitations/{sid}/compliance", headers=token("auditor"))
    assert auditor.status_code == 200 and auditor.json() == {**compliance, "payments": []}


async def test_a_texas_opening_too_soon_after_publication_is_refused_with_the_statute(client, token):
    agency_id = unique("ag")
    await client.post(f"{API}/agencies", headers=token("admin"), json={
        "agency_id": agency_id, "name": "Travis County purchasing", "jurisdiction": "US-TX"})
    buyer = token("buyer", sub=unique("buyer"), agency=agency_id)
    now = await now_of(client, token)
    soon = (now + timedelta(days=10)).astimezone(UTC)
    body = solicitation_body(now, solicitation_type="ITB", estimated_value={"amount": 80_000_00, "currency": "USD"},
                             criteria=[{"library_id": "price", "weight": 100}],
                             questions_deadline=(now + timedelta(days=5)).isoformat(),
                             submission_deadline=soon.isoformat(), opening_time=soon.isoformat())
    created = await client.post(f"{API}/solicitations", json=body, headers=buyer)
    refused = await client.post(f"{API}/solicitations/{created.json()['id']}/publish", headers=buyer)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "open_period_too_short" and "252.041" in error["message"]
