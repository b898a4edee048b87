"""A contract's pilot, its review and the option after it; a pilot that did not scale and
an option that lapsed; deliverables from the winning bid's AI criteria, submitted,
rejected and overdue; the renewal stage: over HTTP, with the timers on the dev clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from events.base import Metadata, Money
from events.contracts import ContractActivated, ContractOpened, ContractSigned
from events.solicitations import Criterion, SolicitationCreated
from services.contracts.facts import renewal_facts
from tests.e2e.documents.helpers import upload
from tests.support import eventually, unique

API = "/api/v1"
DAY = 86400


def usd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


class World:
    def __init__(self, client: Any, civic: Any, token: Any) -> None:
        self.client, self.civic = client, civic
        self.agency, self.vendor = unique("ag"), unique("v")
        self.buyer_sub = unique("buyer")
        self.buyer = token("buyer", sub=self.buyer_sub, agency=self.agency)
        self.other_buyer = token("buyer", agency=unique("ag"))
        self.vendor_headers = token("vendor", vendor=self.vendor)
        self.other_vendor = token("vendor", vendor=unique("v"))
        self.auditor = token("auditor")
        self.admin = token("admin")

    async def advance(self, days: float) -> datetime:
        r = await self.client.post(f"{API}/dev/clock", json={"advance_seconds": int(days * DAY)},
                                   headers=self.admin)
        assert r.status_code == 200, r.text
        return datetime.fromisoformat(r.json()["now"])

    async def contract(self, *, value: int = 1_000_000, criteria: list[Criterion] | None = None,
                       days: int = 365) -> tuple[str, date]:
        """An active contract of ``days`` (a year) from today, opened from a solicitation the buyer wrote."""
        now = await self.advance(0)
        contract_id, solicitation_id = unique("ct"), unique("sol")
        meta = Metadata(occurred_at=now, actor=self.buyer_sub, actor_role="buyer", agency=self.agency)
        await self.civic.store.append(f"upstream-solicitation-{solicitation_id}", None, [SolicitationCreated(
            solicitation_id=solicitation_id, agency_id=self.agency, solicitation_type="RFP", title="Triage assistant",
            description="An AI triage assistant for the 311 line", commodity_codes=["81111500"],
            estimated_value=Money(amount=value, currency="USD"), method="open", submission_deadline=now,
            questions_deadline=now, opening_time=now, criteria=criteria or [])], meta)
        start = now.date()
        await self.civic.store.append(f"contract-{contract_id}", 0, [
            ContractOpened(contract_id=contract_id, award_id=unique("aw"), solicitation_id=solicitation_id,
                           agency_id=self.agency, vendor_id=self.vendor, value=Money(amount=value, currency="USD"),
                           start_date=start, end_date=start + timedelta(days=days), terms_ref="GC-1",
                           requires_receipt=False, opened_at=now),
            ContractSigned(contract_id=contract_id, party="buyer", signed_by=self.buyer_sub, signed_at=now),
            ContractSigned(contract_id=contract_id, party="vendor", signed_by="u1", signed_at=now),
            ContractActivated(contract_id=contract_id, activated_at=now),
        ], meta)
        return contract_id, start

    async def evidence(self, contract_id: str) -> str:
        r = await upload(self.client, self.vendor_headers, "contracts", contract_id, title="Pilot report")
        assert r.status_code == 201, r.text
        return r.json()["id"]

    async def read(self, contract_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.get(f"{API}/contracts/{contract_id}", headers=headers or self.buyer)
        assert r.status_code == 200, r.text
        return r.json()


def pilot(start: date, *, days: int = 30, options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"kind": "pilot", "name": "Pilot in two districts", "budget": usd(100_000),
            "start_date": start.isoformat(), "end_date": (start + timedelta(days=days)).isoformat(),
            "kpis": [{"name": "Calls triaged correctly", "unit": "percent", "target": 90,
                      "measurement": "weekly sample of 200 calls, double-coded"},
                     {"name": "Median wait", "unit": "minutes", "target": 5, "measurement": "call logs"}],
            "options": options or []}


def results(document_id: str, *, correct: float = 93.5, met: bool = True) -> dict[str, Any]:
    return {"results": [
        {"kpi": "Calls triaged correctly", "measured": correct, "met": met, "evidence": [document_id]},
        {"kpi": "Median wait", "measured": 4.2, "met": True, "evidence": [document_id]}],
        "summary": "eight weeks in two districts"}


async def test_a_pilot_that_met_its_kpis_scales_through_its_option(client, token, civic):
    w = World(client, civic, token)
    contract_id, start = await w.contract()
    url = f"{API}/contracts/{contract_id}"
    end = start + timedelta(days=365)
    option = {"kind": "extra_years", "description": "a second year city-wide", "added_value": usd(200_000),
              "exercise_deadline": (start + timedelta(days=60)).isoformat(),
              "extend_to": (end + timedelta(days=365)).isoformat()}

    # malformed input: 422 naming the field, nothing stored
    before = (await w.read(contract_id))["version"]
    for body, field in (
        ({**pilot(start), "kpis": [{**pilot(start)["kpis"][0], "unit": "furlongs"}]}, "kpis[0].unit"),
        ({**pilot(start), "start_date": (start - timedelta(days=1)).isoformat()}, "start_date"),
        ({**pilot(start), "budget": usd(-5)}, "budget.amount"),
        ({**pilot(start), "kpis": [{**pilot(start)["kpis"][0], "target": 250}]}, "kpis[0].target"),
        (pilot(start, options=[{**option, "exercise_deadline": (end + timedelta(days=1)).isoformat()}]),
         "options[0].exercise_deadline"),
    ):
        r = await client.post(f"{url}/phases", headers=w.buyer, json=body)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["field"] == field, r.text
    assert (await w.read(contract_id))["version"] == before
    assert (await client.post(f"{url}/phases", headers=w.vendor_headers, json=pilot(start))).status_code == 403
    assert (await client.post(f"{url}/phases", headers=w.other_buyer, json=pilot(start))).status_code == 403

    r = await client.post(f"{url}/phases", headers=w.buyer, json=pilot(start, options=[option]))
    assert r.status_code == 201, r.text
    phase = r.json()
    assert phase["review_status"] == "awaiting_review" and len(phase["options"]) == 1
    phase_id, option_id = phase["phase_id"], phase["options"][0]
    document_id = await w.evidence(contract_id)

    # not ended yet: 409; an option before its review: 409
    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.buyer, json=results(document_id))
    assert r.status_code == 409 and r.json()["error"]["code"] == "phase_not_ended", r.text
    r = await client.post(f"{url}/options/{option_id}/exercise", headers=w.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "review_required", r.text

    await w.advance(31)
    bad = results(document_id)
    bad["results"][0]["evidence"] = ["doc_not_on_this_contract"]
    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.buyer, json=bad)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "results[0].evidence[0]"
    bad = results(document_id, correct=101)
    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.buyer, json=bad)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "results[0].measured"
    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.vendor_headers, json=results(document_id))
    assert r.status_code == 403
    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.buyer, json=results(document_id))
    assert r.status_code == 201 and r.json()["passed"], r.text

    assert (await client.post(f"{url}/options/{option_id}/exercise", headers=w.vendor_headers)).status_code == 403
    r = await client.post(f"{url}/options/{option_id}/exercise", headers=w.buyer,
                          json={"reason": "the pilot met both KPIs"})
    assert r.status_code == 200, r.text
    contract = r.json()
    assert contract["value"] == usd(1_200_000) and contract["end_date"] == option["extend_to"]
    assert contract["amendments"][-1]["kind"] == "option_exercise"
    assert contract["amendments"][-1]["status"] == "in_force"
    [shown] = contract["options"]
    assert shown["status"] == "exercised" and shown["amendment"] == contract["amendments"][-1]["number"]
    seen = await w.read(contract_id, w.auditor)  # auditors read it all
    assert seen["phases"][0]["review"]["results"][0]["measured"] == 93.5
    assert seen["phases"][0]["review_status"] == "passed"


async def test_a_pilot_that_did_not_scale_and_an_option_that_lapsed(client, token, civic):
    w = World(client, civic, token)
    contract_id, start = await w.contract()
    url = f"{API}/contracts/{contract_id}"
    deadline = start + timedelta(days=40)
    options = [{"kind": "extra_quantity", "description": f"{n} more licences", "added_value": usd(100_000),
                "exercise_deadline": deadline.isoformat(), "quantity": n} for n in (50, 80)]
    r = await client.post(f"{url}/phases", headers=w.buyer, json=pilot(start, days=5, options=options))
    assert r.status_code == 201, r.text
    phase_id, (first, second) = r.json()["phase_id"], r.json()["options"]
    scale = {**pilot(start + timedelta(days=6), days=30), "kind": "scale_up", "name": "City-wide",
             "follows": phase_id}
    r = await client.post(f"{url}/phases", headers=w.buyer, json=scale)
    assert r.status_code == 201 and r.json()["blocked"], r.text
    document_id = await w.evidence(contract_id)

    await w.advance(11)  # past the phase's end and the reminder (30 days before the deadline)
    contract = await w.read(contract_id)
    assert [o["reminded"] for o in contract["options"]] == [True, True]

    async def reminded() -> list[Any]:
        return await civic.pool.fetch("SELECT recipient FROM notify_outbox WHERE kind = 'option_deadline'"
                                      " AND vars->>'contract_id' = $1", contract_id)
    rows = await eventually(reminded, what="the option deadline notices")
    assert {r["recipient"] for r in rows} == {w.buyer_sub}

    r = await client.post(f"{url}/phases/{phase_id}/reviews", headers=w.buyer,
                          json=results(document_id, correct=71.0, met=False))
    assert r.status_code == 201 and not r.json()["passed"], r.text
    review_id = r.json()["review_id"]
    r = await client.post(f"{url}/options/{first}/exercise", headers=w.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "review_not_met", r.text
    assert (await w.read(contract_id))["phases"][1]["blocked"]

    justification = {"justification": "the misrouted calls came from a district without coverage"}
    justify = f"{url}/phases/{phase_id}/reviews/{review_id}/justification"
    assert (await client.post(justify, headers=w.buyer, json=justification)).status_code == 403
    r = await client.post(justify, headers=w.admin, json={"justification": ""})
    assert r.status_code == 422
    r = await client.post(justify, headers=w.admin, json=justification)
    assert r.status_code == 201 and r.json()["justification"]["justification"].startswith("the misrouted"), r.text
    r = await client.post(f"{url}/options/{first}/exercise", headers=w.buyer)
    assert r.status_code == 200, r.text

    fired = await w.advance(30)  # past the deadline: the second option lapses
    assert fired.date() > deadline
    contract = await w.read(contract_id)
    assert [o["status"] for o in contract["options"]] == ["exercised", "lapsed"]
    assert not contract["phases"][1]["blocked"] and contract["phases"][0]["review_status"] == "justified"
    r = await client.post(f"{url}/options/{second}/exercise", headers=w.buyer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "option_lapsed"


AI = [Criterion(criterion_id="bias", name="AI: risk mitigation and bias testing", weight=30,
                library_id="ai_risk_mitigation_bias_testing"),
      Criterion(criterion_id="energy", name="AI: energy use", weight=10, library_id="ai_energy_use"),
      Criterion(criterion_id="tech", name="Technical approach", weight=60, library_id="technical_approach")]


async def test_deliverables_from_the_ai_criteria_submitted_decided_and_overdue(client, token, civic):
    w = World(client, civic, token)
    contract_id, start = await w.contract(criteria=AI)
    url = f"{API}/contracts/{contract_id}"
    first_due = start + timedelta(days=10)
    r = await client.post(f"{url}/deliverables", headers=w.buyer, json={
        "from_criteria": True, "schedule": "quarterly", "first_due": first_due.isoformat()})
    assert r.status_code == 201, r.text
    made = r.json()["items"]
    assert [d["criterion_id"] for d in made] == ["bias", "energy"]
    assert len(made[0]["due"]) == 4 and made[0]["due"][0]["due_date"] == first_due.isoformat()
    r = await client.post(f"{url}/deliverables", headers=w.buyer, json={
        "title": "Security attestation", "due_dates": [(start + timedelta(days=400)).isoformat()]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "due_dates[0]", r.text
    r = await client.post(f"{url}/deliverables", headers=w.buyer, json={"schedule": "monthly"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "title", r.text
    assert len((await w.read(contract_id))["deliverables"]) == 2  # nothing partially stored
    assert (await client.post(f"{url}/deliverables", headers=w.vendor_headers, json={
        "title": "x", "due_dates": [first_due.isoformat()]})).status_code == 403

    bias, energy = made[0]["deliverable_id"], made[1]["deliverable_id"]
    document_id = await w.evidence(contract_id)
    submit = {"document_id": document_id, "statement": "Q1 bias-test results, all subgroups"}
    assert (await client.post(f"{url}/deliverables/{bias}/submissions", headers=w.other_vendor,
                              json=submit)).status_code == 403
    assert (await client.post(f"{url}/deliverables/{bias}/submissions", headers=w.buyer,
                              json=submit)).status_code == 403
    r = await client.post(f"{url}/deliverables/{bias}/submissions", headers=w.vendor_headers,
                          json={**submit, "document_id": "doc_elsewhere"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "document_id"
    r = await client.post(f"{url}/deliverables/{bias}/submissions", headers=w.vendor_headers, json=submit)
    assert r.status_code == 201 and r.json()["due_date"] == first_due.isoformat(), r.text
    submission_id = r.json()["submission_id"]
    decision = f"{url}/deliverables/{bias}/submissions/{submission_id}/decision"
    r = await client.post(decision, headers=w.buyer, json={"decision": "reject"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    assert (await client.post(decision, headers=w.vendor_headers, json={"decision": "accept"})).status_code == 403
    r = await client.post(decision, headers=w.buyer, json={"decision": "reject", "reason": "no subgroup breakdown"})
    assert r.status_code == 200 and r.json()["decision"] == "rejected", r.text

    await w.advance(11)  # past the first due date: nothing accepted or waiting for either
    contract = await w.read(contract_id)
    shown = {d["deliverable_id"]: d for d in contract["deliverables"]}
    assert shown[bias]["overdue"] == [first_due.isoformat()] and shown[energy]["overdue"] == [first_due.isoformat()]
    assert shown[bias]["due"][0]["status"] == "rejected"

    async def noticed() -> list[Any]:
        return await civic.pool.fetch("SELECT recipient, vars->>'title' AS title FROM notify_outbox"
                                      " WHERE kind = 'deliverable_overdue' AND vars->>'contract_id' = $1", contract_id)
    rows = await eventually(noticed, what="the overdue notices")
    assert w.buyer_sub in {r["recipient"] for r in rows}
    assert {r["title"] for r in rows} == {"AI: risk mitigation and bias testing", "AI: energy use"}

    # a late submission, accepted, clears it from the overdue list
    r = await client.post(f"{url}/deliverables/{bias}/submissions", headers=w.vendor_headers, json=submit)
    assert r.status_code == 201 and r.json()["due_date"] == first_due.isoformat()
    r = await client.post(f"{url}/deliverables/{bias}/submissions/{r.json()['submission_id']}/decision",
                          headers=w.buyer, json={"decision": "accept"})
    assert r.status_code == 200 and r.json()["decision"] == "accepted"
    shown = {d["deliverable_id"]: d for d in (await w.read(contract_id, w.vendor_headers))["deliverables"]}
    assert shown[bias]["overdue"] == [] and shown[bias]["due"][0] == {
        "due_date": first_due.isoformat(), "status": "accepted", "overdue": True}


async def test_from_criteria_needs_ai_criteria(client, token, civic):
    w = World(client, civic, token)
    contract_id, start = await w.contract(criteria=AI[2:])
    r = await client.post(f"{API}/contracts/{contract_id}/deliverables", headers=w.buyer, json={
        "from_criteria": True, "schedule": "annual", "first_due": start.isoformat()})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "from_criteria", r.text


async def test_the_renewal_stage_is_recorded_and_read_as_a_fact(client, token, civic):
    w = World(client, civic, token)
    contract_id, start = await w.contract()
    url = f"{API}/contracts/{contract_id}"
    option = {"kind": "extra_years", "description": "a second year", "added_value": usd(200_000),
              "exercise_deadline": (start + timedelta(days=90)).isoformat(),
              "extend_to": (start + timedelta(days=730)).isoformat()}
    assert (await client.post(f"{url}/phases", headers=w.buyer, json=pilot(start, options=[option]))).status_code == 201
    r = await client.post(f"{url}/renewal-stage", headers=w.buyer, json={"stage": "plan", "note": "start early"})
    assert r.status_code == 200 and r.json()["renewal"]["stage"] == "plan", r.text
    since = r.json()["renewal"]["since"]
    assert (await client.post(f"{url}/renewal-stage", headers=w.buyer, json={"stage": "plan"})).status_code == 409
    r = await client.post(f"{url}/renewal-stage", headers=w.buyer, json={"stage": "dither"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "stage"
    assert (await client.post(f"{url}/renewal-stage", headers=w.vendor_headers,
                              json={"stage": "let_lapse"})).status_code == 403
    assert (await client.post(f"{url}/renewal-stage", headers=w.auditor,
                              json={"stage": "let_lapse"})).status_code == 403

    facts = await renewal_facts(civic.executor, contract_id, start)
    assert facts is not None and facts.stage == "plan" and facts.since == datetime.fromisoformat(since)
    [remaining] = facts.remaining_options
    assert remaining.kind == "extra_years" and remaining.exercise_deadline == start + timedelta(days=90)
    assert (await renewal_facts(civic.executor, contract_id, start + timedelta(days=91))).remaining_options == ()
    assert await renewal_facts(civic.executor, unique("ct"), start) is None
