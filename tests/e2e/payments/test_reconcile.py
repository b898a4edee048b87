"""``civic reconcile`` lists what differs between our payments and Stripe's."""

from __future__ import annotations

import argparse
import json

from services.payments import cli
from tests.e2e.payments.conftest import API
from tests.support import eventually


async def _reconcile(settings, capsys):
    parser = argparse.ArgumentParser()
    cli.configure(parser)
    status = await cli.run(parser.parse_args(["--json"]), settings)
    return status, json.loads(capsys.readouterr().out)


async def test_reconcile_reports_unrecorded_outcomes_and_unknown_intents(market, settings, capsys):
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=33_000)).json()["id"]
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    payment = await market.payment(payment_id)

    async def charged():
        return market.stripe.v1.payment_intents.retrieve(payment["stripe_payment_intent"]).status == "succeeded"

    await eventually(charged, what="the charge at Stripe")
    stray = market.stripe.v1.payment_intents.create(params={
        "amount": 999, "currency": "usd", "metadata": {"payment_id": "pay_not_ours"}})

    status, mismatches = await _reconcile(settings, capsys)
    assert status == 1
    mine = [m for m in mismatches if m["payment_id"] == payment_id]
    # Stripe charged, but its webhook has not reached us yet
    assert mine == [{"kind": "status", "payment_id": payment_id,
                     "stripe_payment_intent": payment["stripe_payment_intent"],
                     "ours": "processing", "stripe": "succeeded"}]
    [unknown] = [m for m in mismatches if m["stripe_payment_intent"] == stray.id]
    assert unknown["kind"] == "unknown_at_stripe"

    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    await market.payment(payment_id, "succeeded")

    async def settled():
        _, found = await _reconcile(settings, capsys)
        return not [m for m in found if m["payment_id"] == payment_id]

    await eventually(settled, what="reconciled payment")


async def test_reconcile_reports_a_refund_made_outside_the_marketplace(market, settings, capsys):
    contract_id = await market.open_contract(500_000)
    invoice_id = (await market.invoice(contract_id, total=21_000)).json()["id"]
    approved = await market.client.post(f"{API}/invoices/{invoice_id}/approve", headers=market.finance)
    [payment_id] = approved.json()["payment_ids"]
    await market.deliver_outcome(payment_id, "payment_intent.succeeded")
    payment = await market.payment(payment_id, "succeeded")
    # someone refunds in the Stripe dashboard; localstripe sends no webhook for it
    market.stripe.v1.refunds.create(params={"payment_intent": payment["stripe_payment_intent"], "amount": 1_000})
    _, mismatches = await _reconcile(settings, capsys)
    assert [m for m in mismatches if m["payment_id"] == payment_id] == [{
        "kind": "refund", "payment_id": payment_id, "stripe_payment_intent": payment["stripe_payment_intent"],
        "ours": "0 refunded", "stripe": "1000 refunded"}]
