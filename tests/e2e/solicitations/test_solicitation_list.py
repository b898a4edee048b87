"""GET /api/v1/solicitations: an agency's solicitations, newest first, filtered, paged with
a keyset cursor; other agencies' staff and vendors see none of them."""

from __future__ import annotations

from tests.e2e.solicitations.helpers import API, new_agency, now_of, solicitation_body
from tests.support import caught_up


async def _page(client, headers, **params):
    response = await client.get(f"{API}/solicitations", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_buyer_lists_the_agency_solicitations_filtered_and_paged(client, token, settings):
    agency_id, buyer = await new_agency(client, token)
    now = await now_of(client, token)
    created = []
    for title in ("Road salt", "Bridge paint", "Snow plows"):
        response = await client.post(f"{API}/solicitations", headers=buyer,
                                      json=solicitation_body(now, title=title))
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    published = await client.post(f"{API}/solicitations/{created[1]}/publish", headers=buyer)
    assert published.status_code == 200, published.text
    await caught_up(settings)

    first = await _page(client, buyer, limit=2)
    assert [i["id"] for i in first["items"]] == [created[2], created[1]]  # newest first
    assert first["next_cursor"]
    second = await _page(client, buyer, limit=2, cursor=first["next_cursor"])
    assert [i["id"] for i in second["items"]] == [created[0]] and second["next_cursor"] is None

    only_published = await _page(client, buyer, status="published")
    assert [(i["id"], i["status"]) for i in only_published["items"]] == [(created[1], "published")]
    assert (await _page(client, buyer, type="ITB"))["items"] == []
    assert len((await _page(client, buyer, created_from=now.isoformat()))["items"]) == 3

    # the detail and the list say the same status
    detail = (await client.get(f"{API}/solicitations/{created[1]}", headers=buyer)).json()
    assert detail["status"] == only_published["items"][0]["status"]

    _, stranger = await new_agency(client, token)
    assert (await _page(client, stranger))["items"] == []
    refused = await client.get(f"{API}/solicitations", params={"agency": agency_id}, headers=stranger)
    assert refused.status_code == 403
    admin_view = await _page(client, token("admin"), agency=agency_id)
    assert {i["id"] for i in admin_view["items"]} == set(created)
    assert (await client.get(f"{API}/solicitations", headers=token("vendor"))).status_code == 403


async def test_a_cursor_of_another_query_is_refused(client, token, settings):
    agency_id, buyer = await new_agency(client, token)
    now = await now_of(client, token)
    for _ in range(2):
        await client.post(f"{API}/solicitations", headers=buyer, json=solicitation_body(now))
    await caught_up(settings)
    page = await _page(client, buyer, limit=1)
    foreign = await client.get(f"{API}/solicitations", headers=buyer,
                               params={"limit": 1, "status": "draft", "cursor": page["next_cursor"]})
    assert foreign.status_code == 422 and foreign.json()["error"]["details"][0]["field"] == "cursor"
    garbage = await client.get(f"{API}/solicitations", headers=buyer, params={"cursor": "!!"})
    assert garbage.status_code == 422
