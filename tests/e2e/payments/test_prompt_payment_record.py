"""Prompt payment by the agency's rule pack through HTTP: a Seattle agency that set no
rate of its own pays RCW 39.76.011's one percent a month on Seattle's local dates, and the
due date and the interest are on the process's compliance record with their citation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.base import Money
from services.payments.prompt_payment import interest_owed
from tests.e2e.solicitations.helpers import DAY, published
from tests.support import eventually, unique

API = "/api/v1"
SEATTLE = ZoneInfo("America/Los_Angeles")
PARIS = ZoneInfo("Europe/Paris")


async def test_rcw_39_76_011_interest_owed_is_recorded_with_its_pack_row_and_citation(unregistered_market, token):
    market = unregistered_market
    agency = await market.register_agency(rate=None, jurisdiction="US-WA-Seattle")
    assert (agency["rule_pack"], agency["interest_rate_agreed"]) == ("US-WA", False)
    buyer = token("buyer", sub=unique("buyer"), agency=market.agency)
    solicitation = await published(market.client, token, buyer, estimated_value={"amount": 40_000_00, "currency": "USD"})
    contract_id = await market.open_contract(5_000_000, solicitation_id=solicitation["id"])
    invoice = (await market.invoice(contract_id, total=2_000_000)).json()
    assert invoice["payment_terms"]["pack"] == "US-WA" and invoice["payment_terms"]["days"] == 30
    accepted = (await market.client.post(f"{API}/invoices/{invoice['id']}/accept", headers=market.finance)).json()
    [due_rule] = accepted["rules_applied"]
    assert (due_rule["rule"], due_rule["citation"], due_rule["complied"]) == ("payment_due", "RCW 39.76.011(1)", True)
    due = date.fromisoformat(accepted["due_date"])

    moved = await market.client.post(f"{API}/dev/clock", json={"advance_seconds": 45 * DAY}, headers=market.admin)
    today = datetime.fromisoformat(moved.json()["now"]).astimezone(SEATTLE).date()  # Seattle's date, not UTC's
    approved = await market.client.post(f"{API}/invoices/{invoice['id']}/approve", headers=market.finance)
    assert approved.status_code == 200, approved.text
    [payment_id] = approved.json()["payment_ids"]
    payment = await market.payment(payment_id)
    expected = interest_owed(Money(amount=2_000_000, currency="USD"), due, today, 0.12)
    assert (today - due).days >= 14 and payment["interest"] == {"amount": expected.amount, "currency": "USD"}
    [interest] = payment["rules_applied"]
    assert (interest["rule"], interest["pack"], interest["row"]) == (
        "interest_owed", "US-WA", "pack.json:rules.prompt_payment")
    assert interest["url"] == "https://app.leg.wa.gov/RCW/default.aspx?cite=39.76.011"
    assert "12 % a year" in interest["used"] and payment["compensation"] is None

    async def recorded(headers):
        response = await market.client.get(f"{API}/solicitations/{solicitation['id']}/compliance", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def with_the_payment():
        record = await recorded(market.finance)
        return record if len(record["payments"]) == 2 else None

    record = await eventually(with_the_payment, what="the payment on the compliance record")
    assert [(r["invoice_id"], r["payment_id"], [x["rule"] for x in r["rules"]]) for r in record["payments"]] == [
        (invoice["id"], "", ["payment_due"]), (invoice["id"], payment_id, ["interest_owed"])]
    assert (await recorded(token("auditor")))["payments"] == record["payments"]
    assert (await recorded({}))["payments"] is None  # the public sees the procurement rules only


async def test_directive_2011_7_art_6_a_late_payment_in_paris_is_charged_eur_40_once(unregistered_market):
    market = unregistered_market
    agency = await market.register_agency(rate=None, jurisdiction="EU")
    assert (agency["rule_pack"], agency["time_zone"]) == ("EU", "Europe/Paris")
    contract_id = await market.open_contract(5_000_000, currency="EUR")
    invoice = (await market.invoice(contract_id, total=1_000_000, currency="EUR")).json()
    assert invoice["payment_terms"]["fixed_compensation"] == {"amount": 4000, "currency": "EUR"}
    accepted = (await market.client.post(f"{API}/invoices/{invoice['id']}/accept", headers=market.finance)).json()
    due = date.fromisoformat(accepted["due_date"])
    moved = await market.client.post(f"{API}/dev/clock", json={"advance_seconds": 40 * DAY}, headers=market.admin)
    today = datetime.fromisoformat(moved.json()["now"]).astimezone(PARIS).date()
    first = await market.client.post(f"{API}/invoices/{invoice['id']}/approve", json={"amount": 600_000},
                                     headers=market.finance)
    assert first.status_code == 200, first.text
    second = await market.client.post(f"{API}/invoices/{invoice['id']}/approve", headers=market.finance)
    first_id, second_id = second.json()["payment_ids"]
    paid = await market.payment(first_id)
    # no ECB rate on file for this half-year: the agency's rate, and the record says so
    expected = interest_owed(Money(amount=600_000, currency="EUR"), due, today, agency["late_interest_annual_rate"])
    assert paid["interest"] == {"amount": expected.amount, "currency": "EUR"}
    assert paid["compensation"] == {"amount": 4000, "currency": "EUR"}
    interest, compensation = paid["rules_applied"]
    assert interest["rule"] == "interest_owed" and interest["complied"] is None
    assert compensation["rule"] == "late_payment_compensation" and "art. 6(1)" in compensation["citation"]
    [intent] = market.intents_for(first_id)
    assert intent.amount == 600_000 + expected.amount + 4000 and intent.currency == "eur"
    later = await market.payment(second_id)
    assert later["compensation"] is None  # once per invoice
    assert [r["rule"] for r in later["rules_applied"]] == ["interest_owed"]
