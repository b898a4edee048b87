"""Notices by email, through the outbox to the embedded SMTP server: audiences,
languages, preferences, one-click unsubscribe and legal notices that cannot be off."""

from __future__ import annotations

import re

from tests.e2e.notifications.helpers import address, contacts, mail_to, mails_to
from tests.e2e.solicitations.helpers import (
    API,
    DAY,
    advance,
    bid_body,
    bidder,
    new_agency,
    published,
)
from tests.support import unique


async def _follow(client, headers, code):
    followed = await client.post(f"{API}/follows", json={"commodity_code": code}, headers=headers)
    assert followed.status_code == 201, followed.text


async def test_a_follower_is_mailed_a_new_opportunity_with_agency_link_and_unsubscribe(
        client, token, civic, settings):
    code = unique("M")[:12]
    email = address()
    _, follower = await bidder(client, token, civic, **contacts(email))
    await _follow(client, follower, code)
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code])

    [msg] = await mail_to(settings, email, "New opportunity")
    assert "Department of Public Works" in msg["Subject"] and sol["title"] in msg["Subject"]
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert f"/solicitations/{sol['id']}" in text and 'href="http' in html
    assert code in text
    assert msg["Message-ID"].startswith("<") and msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.match(r"<(.+)>", msg["List-Unsubscribe"]).group(1)
    path = unsubscribe[unsubscribe.index("/api/v1/"):]

    shown = await client.get(path)
    assert shown.status_code == 200 and shown.json() == {"kind": "opportunity", "unsubscribed": False}, shown.text
    # RFC 8058: the mail client POSTs a form, without a token.
    done = await client.post(path, content=b"List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200, done.text
    assert (await client.get(path)).json()["unsubscribed"] is True
    prefs = (await client.get(f"{API}/me/notification-preferences", headers=follower)).json()
    assert prefs["modes"]["opportunity"] == "off"
    assert (await client.post(path[:-4] + "xxxx")).status_code == 404  # a forged token

    later = await published(client, token, buyer, commodity_codes=[code])
    other_email = address()
    _, other = await bidder(client, token, civic, **contacts(other_email))
    await _follow(client, other, code)
    third = await published(client, token, buyer, commodity_codes=[code])
    await mail_to(settings, other_email, third["title"])  # the outbox has moved past both
    assert [m["Message-ID"] for m in mails_to(settings, email, "New opportunity")] == [msg["Message-ID"]]
    assert later["id"] != third["id"]


async def test_spanish_preferences_and_a_bid_receipt_with_the_sealed_hash(client, token, civic, settings):
    code = unique("S")[:12]
    _, vendor = await bidder(client, token, civic)  # the shared contact address: its own is set below
    email = address("es")
    put = await client.put(f"{API}/me/notification-preferences", headers=vendor,
                           json={"email": email, "language": "es", "modes": {"opportunity": "instant"}})
    assert put.status_code == 200, put.text
    await _follow(client, vendor, code)
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code])
    [msg] = await mail_to(settings, email, "Nueva oportunidad")
    assert msg["Content-Language"] == "es"

    bid = await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(50_00, sol), headers=vendor)
    assert bid.status_code == 201, bid.text
    [receipt] = await mail_to(settings, email, "Oferta recibida")
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"SHA-256 de la oferta sellada: [0-9a-f]{64}", text)
    assert receipt["List-Unsubscribe"] is None  # a receipt cannot be switched off


async def test_addenda_reach_bidders_even_when_switched_off_and_followers_only_when_on(
        client, token, civic, settings):
    code = unique("L")[:12]
    bidder_email, follower_email = address("bid"), address("fol")
    _, bidding = await bidder(client, token, civic, **contacts(bidder_email))
    _, following = await bidder(client, token, civic, **contacts(follower_email))
    for headers in (bidding, following):
        off = await client.put(f"{API}/me/notification-preferences", headers=headers,
                               json={"modes": {"addendum": "off"}})
        assert off.status_code == 200, off.text
    await _follow(client, following, code)
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code])
    assert (await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(50_00, sol),
                              headers=bidding)).status_code == 201
    assert (await client.post(f"{API}/solicitations/{sol['id']}/addenda", json={"summary": "New address"},
                              headers=buyer)).status_code == 201
    [to_bidder] = await mail_to(settings, bidder_email, "Addendum 1")
    assert to_bidder["List-Unsubscribe"] is None, "a legal notice offers no unsubscribe"
    assert "acknowledge" in to_bidder.get_body(preferencelist=("plain",)).get_content()
    await mail_to(settings, bidder_email, "Bid received")  # sent after the addendum was decided
    assert mails_to(settings, follower_email, "Addendum") == []


async def test_bad_preferences_are_refused_naming_the_field(client, token):
    me = token("buyer", agency="ag1")
    cases = [({"email": "not-an-address"}, "email"), ({"modes": {"no_such_kind": "off"}}, "modes.no_such_kind"),
             ({"modes": {"opportunity": "sometimes"}}, "modes.opportunity"), ({"language": "fr"}, "language"),
             ({"modes": {"bid_receipt": "off"}}, "modes.bid_receipt")]
    for body, field in cases:
        answer = await client.put(f"{API}/me/notification-preferences", json=body, headers=me)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["details"][0]["field"] == field, answer.text
    ok = await client.put(f"{API}/me/notification-preferences", json={"modes": {"award": "digest"}}, headers=me)
    assert ok.status_code == 200 and ok.json()["modes"]["award"] == "digest"
    assert (await client.get(f"{API}/me/notification-preferences")).status_code == 401


async def test_followers_who_have_not_bid_are_reminded_three_business_days_before_the_deadline(
        client, token, civic, settings):
    code = unique("R")[:12]
    waiting_email, bidding_email = address("wait"), address("bids")
    _, waiting = await bidder(client, token, civic, **contacts(waiting_email))
    _, bidding = await bidder(client, token, civic, **contacts(bidding_email))
    for headers in (waiting, bidding):
        await _follow(client, headers, code)
    _, buyer = await new_agency(client, token)
    sol = await published(client, token, buyer, commodity_codes=[code])
    assert (await client.post(f"{API}/solicitations/{sol['id']}/bids", json=bid_body(50_00, sol),
                              headers=bidding)).status_code == 201
    await mail_to(settings, bidding_email, "Bid received")
    assert mails_to(settings, waiting_email, "Closing soon") == []
    await advance(client, token, 28 * DAY)  # the deadline is 30 days out; 3 business days before has passed
    [reminder] = await mail_to(settings, waiting_email, "Closing soon")
    assert "3 business days" in reminder.get_body(preferencelist=("plain",)).get_content()
    await advance(client, token, 60)
    assert mails_to(settings, bidding_email, "Closing soon") == []
