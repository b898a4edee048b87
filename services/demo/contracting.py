"""The story of a contract after its award: signed by both parties, sometimes modified,
sometimes started with a pilot (reviewed: scaled up through its option, or not, its option
then lapsing) and a security attestation (delivered and accepted, or overdue), invoiced
every couple of months, paid through Stripe (on time, or late with interest), rated near
the end of its term, after which it completes by itself."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from services.demo.api import eventually
from services.demo.plan import MORNING, SPAN, InvoicePlan, SolicitationPlan
from services.demo.timeline import Story
from services.demo.world import World

Step = tuple[float, str, Callable[[], Awaitable[None]]]


async def contract_story(world: World, plan: SolicitationPlan, award_id: str, vendor_id: str,
                         sign_day: float) -> Story:
    """From the final award (whose contract the stream opens) to the end of the contract."""
    api, buyer = world.api, world.buyer(plan.agency_id)
    terms = plan.contract
    assert terms is not None

    async def opened() -> list[dict[str, Any]] | None:
        return await api.get("/contracts", buyer, params={"award_id": award_id}) or None

    [contract] = await eventually(opened, f"the contract of award {award_id}")
    contract_id = contract["contract_id"]
    url = f"/contracts/{contract_id}"
    yield sign_day
    await api.post(f"{url}/sign", world.vendor(vendor_id), key=f"{contract_id}:sign-vendor", ok=(200,))
    await api.post(f"{url}/sign", buyer, key=f"{contract_id}:sign-buyer", ok=(200,))
    world.tally["contracts.signed"] += 1
    await api.upload(f"{url}/documents", buyer, title="Signed contract", kind="signed_contract",
                     lines=(f"Contract {contract_id}", "Signed by both parties"), key=f"{contract_id}:signed")
    world.tally["documents"] += 1
    value = contract["value"]["amount"]

    steps: list[Step] = []
    for invoice in terms.invoices:
        steps += _invoice_steps(world, plan, contract_id, vendor_id, value, invoice)
    if terms.modification_day is not None:
        steps.append((terms.modification_day, "modify", lambda: _modify(world, plan, contract_id, value)))
    if terms.rating_day is not None:
        steps.append((terms.rating_day, "rate", lambda: _rate(world, plan, contract_id)))
    if terms.modification_day is None and terms.start + PILOT_DAYS + 30 < min(SPAN, terms.end):
        steps += await _pilot_steps(world, plan, contract, vendor_id, terms.start)
    for day, _, run in sorted(steps, key=lambda s: (s[0], s[1])):
        yield day
        await run()
    if terms.end + 1 < SPAN:
        yield terms.end + 1  # the term ends and the contract completes by itself
    status = (await api.get(url, buyer))["status"]
    world.tally[f"contracts.{status}"] += 1


#: a pilot's length; its option may be exercised until 30 days after it ends
PILOT_DAYS = 45


async def _pilot_steps(world: World, plan: SolicitationPlan, contract: dict[str, Any], vendor_id: str,
                       start_day: float) -> list[Step]:
    """A pilot with two KPIs and an option for more sites, and a security attestation due
    after it. Reviewed after it ends: two pilots in three (the first, the third, ...) meet their KPIs (the option is
    exercised, the attestation delivered and accepted); the others do not (the option
    lapses, the attestation goes overdue)."""
    api, buyer, vendor = world.api, world.buyer(plan.agency_id), world.vendor(vendor_id)
    contract_id = contract["contract_id"]
    url = f"/contracts/{contract_id}"
    start = date.fromisoformat(contract["start_date"])
    value = contract["value"]["amount"]
    scales = world.tally["contracts.pilots"] % 3 != 1  # the second pilot of every three does not scale
    phase = await api.post(f"{url}/phases", buyer, {
        "kind": "pilot", "name": "Pilot at two sites", "budget": {"amount": value // 10, "currency": "USD"},
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=PILOT_DAYS)).isoformat(),
        "kpis": [{"name": "Service levels met", "unit": "percent", "target": 95,
                  "measurement": "monthly service report"},
                 {"name": "Complaints", "unit": "count", "target": 3, "measurement": "311 records"}],
        "options": [{"kind": "extra_quantity", "description": "the remaining sites", "quantity": 8,
                     "added_value": {"amount": value // 20 // 100 * 100, "currency": "USD"},
                     "exercise_deadline": (start + timedelta(days=PILOT_DAYS + 30)).isoformat()}]},
        key=f"{contract_id}:pilot", ok=(201,))
    made = await api.post(f"{url}/deliverables", buyer, {
        "title": "Security attestation", "due_dates": [(start + timedelta(days=PILOT_DAYS + 15)).isoformat()]},
        key=f"{contract_id}:attestation", ok=(201,))
    deliverable_id = made["items"][0]["deliverable_id"]
    world.tally["contracts.pilots"] += 1

    async def review() -> None:
        report = await api.upload(f"{url}/documents", vendor, title="Pilot report", kind="other",
                                  lines=(f"Pilot of contract {contract_id}",), key=f"{contract_id}:pilot-report")
        world.tally["documents"] += 1
        measured = 97.5 if scales else 88.0
        await api.post(f"{url}/phases/{phase['phase_id']}/reviews", buyer, {"results": [
            {"kpi": "Service levels met", "measured": measured, "met": scales, "evidence": [report["id"]]},
            {"kpi": "Complaints", "measured": 2, "met": True, "evidence": [report["id"]]}],
            "summary": "the pilot's two sites over six weeks"}, key=f"{contract_id}:review", ok=(201,))
        world.tally["contracts.pilots_scaled" if scales else "contracts.pilots_not_scaled"] += 1

    async def exercise() -> None:
        await api.post(f"{url}/options/{phase['options'][0]}/exercise", buyer, {"reason": "the pilot met its KPIs"},
                       key=f"{contract_id}:exercise", ok=(200,))

    async def deliver() -> None:
        attestation = await api.upload(f"{url}/documents", vendor, title="Security attestation", kind="other",
                                       lines=("SOC 2 type II bridge letter",), key=f"{contract_id}:attestation-pdf")
        world.tally["documents"] += 1
        submitted = await api.post(f"{url}/deliverables/{deliverable_id}/submissions", vendor, {
            "document_id": attestation["id"], "statement": "bridge letter to the last SOC 2 report"},
            key=f"{contract_id}:attestation-submit", ok=(201,))
        await api.post(f"{url}/deliverables/{deliverable_id}/submissions/{submitted['submission_id']}/decision",
                       buyer, {"decision": "accept"}, key=f"{contract_id}:attestation-accept", ok=(200,))

    steps: list[Step] = [(start_day + PILOT_DAYS + 2 + MORNING, "pilot-1", review)]
    if scales:
        steps += [(start_day + PILOT_DAYS + 4 + MORNING, "pilot-2", exercise),
                  (start_day + PILOT_DAYS + 12 + MORNING, "pilot-3", deliver)]
    return steps


async def _modify(world: World, plan: SolicitationPlan, contract_id: str, value: int) -> None:
    api = world.api
    changed = await api.post(f"/contracts/{contract_id}/modifications", world.buyer(plan.agency_id), {
        "kind": "value_change", "reason": "additional sites added to the scope",
        "value": {"amount": value * 11 // 10 // 100 * 100, "currency": "USD"}},
        key=f"{contract_id}:modify", ok=(201,))
    last = changed["amendments"][-1]
    if last["status"] == "awaiting_approval":
        await api.post(f"/contracts/{contract_id}/modifications/{last['number']}/approval", api.admin,
                       {"approve": True}, key=f"{contract_id}:approve-modification", ok=(200,))
    world.tally["contracts.modified"] += 1


async def _rate(world: World, plan: SolicitationPlan, contract_id: str) -> None:
    await world.api.post(f"/contracts/{contract_id}/performance-ratings", world.buyer(plan.agency_id), {
        "quality": 4, "timeliness": 4, "cost_control": 3, "communication": 5,
        "comment": "delivered the scope as specified"}, key=f"{contract_id}:rating", ok=(201,))
    world.tally["contracts.rated"] += 1


def _invoice_steps(world: World, plan: SolicitationPlan, contract_id: str, vendor_id: str, value: int,
                   invoice: InvoicePlan) -> list[Step]:
    """Submitted by the vendor, accepted by finance, receipt confirmed by the buyer, then
    approved within the prompt-payment period or, for a late one, well after it."""
    api = world.api
    finance, buyer = world.finance(plan.agency_id), world.buyer(plan.agency_id)
    amount = value * invoice.permille // 1000 // 100 * 100
    key = f"{contract_id}:{invoice.number}"
    found: dict[str, str] = {}
    period_end = world.date_of(invoice.day) - timedelta(days=1)

    async def submit() -> None:
        made = await api.post(f"/contracts/{contract_id}/invoices", world.vendor(vendor_id), {
            "number": invoice.number, "currency": "USD", "total": amount,
            "lines": [{"description": f"Services for {period_end:%B %Y}", "quantity": 1, "unit_price": amount}],
            "service_period": {"start": date(period_end.year, period_end.month, 1).isoformat(),
                               "end": period_end.isoformat()},
        }, key=f"{key}:submit", ok=(201,), settle=("contract_not_active", "not_found"))
        found["id"] = made["id"]
        world.tally["invoices"] += 1
        await api.upload(f"/invoices/{made['id']}/documents", world.vendor(vendor_id), title=f"Invoice {invoice.number}",
                         kind="invoice", lines=(f"Invoice {invoice.number}", f"Total {amount / 100:.2f} USD"),
                         key=f"{key}:pdf")
        world.tally["documents"] += 1

    async def accept() -> None:
        await api.post(f"/invoices/{found['id']}/accept", finance, key=f"{key}:accept", ok=(200,))

    async def receive() -> None:
        await api.post(f"/invoices/{found['id']}/receipt", buyer, {"note": "work inspected and accepted"},
                       key=f"{key}:receipt", ok=(200,))

    async def approve() -> None:
        since = int(time.time()) - 1  # Stripe's clock, not the story's: its events are stamped now
        approved = await api.post(f"/invoices/{found['id']}/approve", finance, key=f"{key}:approve", ok=(200,))
        for payment_id in approved["payment_ids"]:
            await _paid(world, plan.agency_id, payment_id, since)

    terms_days = world.agency(plan.agency_id).prompt_payment_days
    approve_after = terms_days + 12 if invoice.late else 8
    return [(invoice.day, "invoice-1", submit), (invoice.day + 1, "invoice-2", accept),
            (invoice.day + 2, "invoice-3", receive), (invoice.day + approve_after, "invoice-4", approve)]


async def _paid(world: World, agency_id: str, payment_id: str, since: int) -> None:
    """Wait for the charge at Stripe and its outcome, as the payments reactor and the webhook
    record them."""
    api, finance = world.api, world.finance(agency_id)

    async def started() -> dict[str, Any] | None:
        payment = await api.get(f"/payments/{payment_id}", finance, ok=(200, 404))
        return payment if payment and payment.get("stripe_payment_intent") else None

    payment = await eventually(started, f"payment {payment_id} sent to Stripe")
    if world.stripe is not None and payment["status"] != "succeeded":
        await world.stripe.deliver(api, payment["stripe_payment_intent"], since=since)

    async def settled() -> dict[str, Any] | None:
        payment = await api.get(f"/payments/{payment_id}", finance)
        return payment if payment["status"] in ("succeeded", "failed") else None

    payment = await eventually(settled, f"the outcome of payment {payment_id}")
    world.tally[f"payments.{payment['status']}"] += 1
    if payment["status"] == "succeeded":
        late = payment["interest"]["amount"] > 0 or (
            payment["due_date"] is not None and payment["paid_at"][:10] > payment["due_date"])
        world.tally["payments.late" if late else "payments.on_time"] += 1
        world.tally["paid_cents"] += payment["amount"]["amount"] + payment["interest"]["amount"]
