"""The exclusion list through HTTP: entries, CSV import report, listing and flagging."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.e2e.vendors.helpers import API, clock_now, new_ein, register, registration
from tests.support import eventually, unique


async def day(client, token, offset: int = 0) -> str:
    return (datetime.fromisoformat(await clock_now(client, token)).date() + timedelta(days=offset)).isoformat()


async def test_a_vendor_on_the_list_is_flagged_at_registration(client, token):
    admin = token("admin")
    ein = new_ein()
    entry = {"name": f"Shady Paving {unique('')} Inc.", "tax_id": ein, "reason": "debarred: false claims",
             "from_date": await day(client, token, -10)}
    recorded = await client.post(f"{API}/exclusions", json=entry, headers=admin)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["tax_id"] == ein
    duplicate = await client.post(f"{API}/exclusions", json=entry, headers=admin)
    assert duplicate.status_code == 409
    keyed = {**admin, "Idempotency-Key": unique("k")}
    entry_two = entry | {"from_date": await day(client, token, -5)}
    first = await client.post(f"{API}/exclusions", json=entry_two, headers=keyed)
    repeat = await client.post(f"{API}/exclusions", json=entry_two, headers=keyed)
    assert first.status_code == repeat.status_code == 201
    assert first.json() == repeat.json()

    async def listed():
        page = (await client.get(f"{API}/exclusions", params={"tax_id": ein}, headers=admin)).json()
        return page if page["total"] == 2 else None

    page = await eventually(listed, what="the entries in the exclusion list")
    assert {i["reason"] for i in page["items"]} == {"debarred: false claims"}

    vendor, owner = await register(client, token, tax_id=ein)
    assert vendor["flagged_excluded"] is True
    assert vendor["exclusion_reasons"] == ["debarred: false claims", "debarred: false claims"]
    history = (await client.get(f"{API}/vendors/{vendor['id']}/history", headers=owner)).json()["events"]
    assert [e["type"] for e in history] == ["vendors.VendorRegistered.v1", "vendors.VendorFlaggedExcluded.v1"]


async def test_an_exclusion_recorded_later_flags_the_registered_vendor_by_name(client, token):
    name = f"Gravel Works {unique('')}"
    vendor, owner = await register(client, token, legal_name=f"{name}, L.L.C.")
    assert vendor["flagged_excluded"] is False
    entry = {"name": name.upper(), "reason": "bid rigging", "from_date": await day(client, token)}
    assert (await client.post(f"{API}/exclusions", json=entry, headers=token("admin"))).status_code == 201

    async def flagged():
        body = (await client.get(f"{API}/vendors/{vendor['id']}", headers=owner)).json()
        return body if body["flagged_excluded"] else None

    body = await eventually(flagged, what="the vendor flagged")
    assert body["exclusion_reasons"] == ["bid rigging"]


async def test_csv_import_reports_accepted_and_rejected_rows(client, token):
    admin = token("admin")
    ein, tag = new_ein(), unique("")
    start = await day(client, token)
    text = (
        "name,tax_id,reason,from_date,to_date\n"
        f"Import One {tag},{ein.replace('-', '')},fraud,{start},\n"
        f"Import Two {tag},,collusion,{start},{await day(client, token, 30)}\n"
        f"Bad Ein {tag},12-34,fraud,{start},\n"
        f"Backwards {tag},,fraud,{start},{await day(client, token, -1)}\n"
        f"No Date {tag},,fraud,,\n"
    )
    headers = {**admin, "Content-Type": "text/csv"}
    first = await client.post(f"{API}/exclusions/import", content=text.encode(), headers=headers)
    assert first.status_code == 200, first.text
    report = first.json()
    assert [r["line"] for r in report["accepted"]] == [2, 3]
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(4, "tax_id"), (5, "to_date"), (6, "from_date")]

    again = (await client.post(f"{API}/exclusions/import", content=text.encode(), headers=headers)).json()
    assert again["accepted"] == []
    assert [(r["line"], r["reason"]) for r in again["rejected"][:2]] == [
        (2, "already on the exclusion list"), (3, "already on the exclusion list")]

    async def listed():
        page = (await client.get(f"{API}/exclusions", params={"name": tag}, headers=admin)).json()
        return page if page["total"] == 2 else None

    page = await eventually(listed, what="imported entries")
    assert sorted(i["name"] for i in page["items"]) == [f"Import One {tag}", f"Import Two {tag}"]
    assert {i["tax_id"] for i in page["items"]} == {ein, None}


async def test_csv_import_refuses_a_bad_file_as_a_whole(client, token):
    headers = {**token("admin"), "Content-Type": "text/csv"}
    bad_header = await client.post(f"{API}/exclusions/import", content=b"who,why\nA,B\n", headers=headers)
    assert bad_header.status_code == 422
    assert bad_header.json()["error"]["details"][0]["field"] == "header"
    not_csv = await client.post(f"{API}/exclusions/import", json={"name": "x"}, headers=token("admin"))
    assert not_csv.status_code == 415
    not_utf8 = await client.post(f"{API}/exclusions/import", content=b"name,reason,from_date\n\xff\xfe,x,y\n",
                                 headers=headers)
    assert not_utf8.status_code == 422


async def test_exclusion_validation_and_listing_filters(client, token):
    admin = token("admin")
    bad = [
        ({"name": "X", "reason": "r", "from_date": "2030-01-01", "tax_id": "1"}, "tax_id"),
        ({"name": "X", "reason": "r", "from_date": "yesterday"}, "from_date"),
        ({"name": "X", "reason": "r", "from_date": "2030-01-02", "to_date": "2030-01-01"}, "to_date"),
        ({"name": "X", "reason": "r", "from_date": "2030-01-01", "extra": 1}, "extra"),
        ({"name": "x" * 301, "reason": "r", "from_date": "2030-01-01"}, "name"),
    ]
    for body, field in bad:
        response = await client.post(f"{API}/exclusions", json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == field
    tag = unique("")
    await client.post(f"{API}/exclusions", json={"name": f"Old {tag}", "reason": "r", "from_date": "2001-01-01",
                                                 "to_date": "2002-01-01"}, headers=admin)

    async def listed():
        page = (await client.get(f"{API}/exclusions", params={"name": tag}, headers=admin)).json()
        return page if page["total"] == 1 else None

    await eventually(listed, what="the old entry")
    active = (await client.get(f"{API}/exclusions", params={"name": tag, "active_on": await day(client, token)},
                               headers=admin)).json()
    assert active["total"] == 0
    too_small = await client.get(f"{API}/exclusions", params={"limit": 0}, headers=admin)
    assert too_small.status_code == 422, too_small.text
    assert too_small.json()["error"]["details"][0]["field"] == "limit"


async def test_registration_is_not_blocked_by_someone_elses_exclusion(client, token):
    vendor, _ = await register(client, token, **registration(legal_name=f"Clean Co {unique('')}"))
    assert vendor["flagged_excluded"] is False
