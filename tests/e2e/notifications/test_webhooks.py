"""Webhooks to a real HTTP receiver on loopback: signed, at least once, in order per
stream through failures, filtered by what the subscriber may read, logged, replayed,
and disabled (with a mail to the owner) after a day of failures."""

from __future__ import annotations

from tests.e2e.notifications.helpers import address, contacts, mail_to
from tests.e2e.notifications.receiver import Receiver
from tests.e2e.solicitations.helpers import API, advance, bid_body, bidder, new_agency, published
from tests.support import eventually, unique

HOOKS = f"{API}/webhook-subscriptions"


async def _subscribe(client, headers, receiver, kinds):
    async def made_once_its_vendor_is_known():  # notifications learns of a new vendor's users eventually
        made = await client.post(HOOKS, json={"url": receiver.url, "kinds": kinds}, headers=headers)
        assert made.status_code in (201, 403), made.text
        return made if made.status_code == 201 else None

    made = await eventually(made_once_its_vendor_is_known, what="a subscription")
    receiver.secret = made.json()["secret"]
    assert receiver.secret.startswith("whsec_")
    return made.json()["id"]


async def test_deliveries_survive_failures_in_order_and_show_only_what_the_vendor_may_read(
        client, token, civic):
    code = unique("W")[:12]
    vendor_id, vendor = await bidder(client, token, civic)
    _, rival = await bidder(client, token, civic)
    with Receiver(fail_first=3) as receiver:
        sub_id = await _subscribe(client, vendor, receiver,
                                  ["solicitation.published", "solicitation.addendum", "bid.received"])
        listed = await eventually(lambda: _listed(client, vendor), what="the subscription listed")
        assert [s["id"] for s in listed] == [sub_id] and all(s["secret"] is None for s in listed)
        _, buyer = await new_agency(client, token)
        sol = await published(client, token, buyer, commodity_codes=[code])
        for summary in ("First change", "Second change"):
            assert (await client.post(f"{API}/solicitations/{sol['id']}/addenda", json={"summary": summary},
                                      headers=buyer)).status_code == 201
        assert (await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(60_00, sol),
                                  headers=rival)).status_code == 201
        acknowledged = bid_body(50_00, sol, acknowledged_addendum=2)
        assert (await client.post(f"{API}/solicitations/{sol['id']}/bids", json=acknowledged,
                                  headers=vendor)).status_code == 201

        async def all_arrived():
            await advance(client, token, 120)  # past each retry's backoff
            mine = [d for d in receiver.accepted if d["data"].get("solicitation_id") == sol["id"]]
            return mine if len({d["id"] for d in mine}) >= 4 else None

        arrived = await eventually(all_arrived, timeout=30, what="four events at the receiver")
        kinds = [d["type"] for d in arrived]
        first = {}
        for d in arrived:
            first.setdefault(d["id"], d)
        in_order = [d["type"] for d in first.values() if d["type"] != "bid.received"]
        assert in_order == ["solicitation.published", "solicitation.addendum", "solicitation.addendum"], kinds
        assert [d["data"]["number"] for d in first.values() if d["type"] == "solicitation.addendum"] == [1, 2]
        [receipt] = [d for d in first.values() if d["type"] == "bid.received"]
        assert receipt["data"]["vendor_id"] == vendor_id, "never another vendor's bid"
        assert "sealed" not in str(arrived) and len(receipt["data"]["sha256"]) == 64
        assert receiver.rejected == []

        log = await client.get(f"{HOOKS}/{sub_id}/deliveries", headers=vendor)
        assert log.status_code == 200
        assert any(d["attempts"] > 1 for d in log.json()), "the first deliveries failed on purpose"
        assert (await client.get(f"{HOOKS}/{sub_id}/deliveries", headers=rival)).status_code == 404

        replay = await client.post(f"{HOOKS}/{sub_id}/replay", json={"delivery_id": log.json()[0]["id"]},
                                   headers=vendor)
        assert replay.status_code == 202 and replay.json()["replayed"] == 1
        again = await eventually(
            lambda: _async([d for d in receiver.accepted if d["delivery_id"] == replay.json()["delivery_ids"][0]]),
            what="the replayed delivery")
        assert again[0]["id"] == log.json()[0]["event_id"]
        ranged = await client.post(f"{HOOKS}/{sub_id}/replay", json={"since": "2000-01-01T00:00:00Z"},
                                   headers=vendor)
        assert ranged.status_code == 202 and ranged.json()["replayed"] >= 4
        assert (await client.delete(f"{HOOKS}/{sub_id}", headers=rival)).status_code == 404
        assert (await client.delete(f"{HOOKS}/{sub_id}", headers=vendor)).status_code == 200
        async def gone():
            return (await _listed(client, vendor)) == []

        await eventually(gone, what="the deleted subscription gone from the list")


async def _listed(client, headers):
    return (await client.get(HOOKS, headers=headers)).json()


async def _async(value):
    return value


async def test_an_agency_admin_receives_its_agency_events_and_no_bids(client, token, civic):
    agency_id, buyer = await new_agency(client, token)
    admin = token("admin", agency=agency_id)
    _, vendor = await bidder(client, token, civic)
    with Receiver() as receiver:
        await _subscribe(client, admin, receiver, ["solicitation.published", "bid.received"])
        sol = await published(client, token, buyer)
        _, other_buyer = await new_agency(client, token)
        elsewhere = await published(client, token, other_buyer)
        assert (await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(50_00, sol),
                                  headers=vendor)).status_code == 201
        await eventually(lambda: _async(receiver.accepted), what="the publication at the agency's receiver")
        await eventually(lambda: _async(sol["id"] in str(receiver.accepted)), what="its own publication")
        assert elsewhere["id"] not in str(receiver.accepted)
        assert all(d["type"] != "bid.received" for d in receiver.accepted)


async def test_bad_subscriptions_are_refused_naming_the_field(client, token):
    admin = token("admin", agency="ag_x")
    cases = [({"url": "ftp://example.org/x", "kinds": ["bid.received"]}, "url"),
             ({"url": "https://example.org/x", "kinds": ["bid.opened_early"]}, "kinds[0]"),
             ({"url": "https://example.org/x", "kinds": []}, "kinds"),
             ({"url": "https://[::1/hook", "kinds": ["bid.received"]}, "url"),
             ({"url": "https://example.org:99999/x", "kinds": ["bid.received"]}, "url"),
             ({"url": "https://exa mple.org/x", "kinds": ["bid.received"]}, "url"),
             ({"url": "https://example.org/x", "kinds": ["award.finalized", 7]}, "kinds[1]"),
             ({"url": "https://example.org/x", "kinds": ["bid.received"], "secret": "mine"}, "secret")]
    for body, field in cases:
        answer = await client.post(HOOKS, json=body, headers=admin)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"][0]["field"] == field, answer.text
    made = await client.post(HOOKS, json={"url": "https://example.org/x", "kinds": ["bid.received"]},
                             headers=admin)
    assert made.status_code == 201, made.text
    replay = f"{HOOKS}/{made.json()['id']}/replay"
    for body, field in [({"since": "2026-01-01T00:00:00"}, "since"),  # no time zone
                        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
                        ({}, "delivery_id"), ({"since": "yesterday"}, "since")]:
        answer = await client.post(replay, json=body, headers=admin)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"][0]["field"] == field, answer.text
    assert (await client.post(HOOKS, json={"url": "https://example.org/x", "kinds": ["bid.received"]},
                              headers=token("buyer", agency="a"))).status_code == 403


async def test_a_subscription_failing_for_a_day_is_disabled_and_its_owner_told(client, token, civic, settings):
    email = address("hook")
    _, vendor = await bidder(client, token, civic, **contacts(email))
    with Receiver(always_fail=True) as receiver:
        sub_id = await _subscribe(client, vendor, receiver, ["solicitation.published"])
        _, buyer = await new_agency(client, token)
        await published(client, token, buyer)
        await eventually(lambda: _async(receiver.requests >= 1), what="a first failed attempt")
        await advance(client, token, 25 * 3600)

        async def disabled():
            return [s for s in (await client.get(HOOKS, headers=vendor)).json() if s["status"] == "disabled"]

        await eventually(disabled, what="the subscription disabled")
        [mail] = await mail_to(settings, email, "Webhook disabled")
        assert sub_id in mail.get_body(preferencelist=("plain",)).get_content()
