"""Every route that names a resource by id (in its path or as a filter), called by agency
A's staff on agency B's resources and by vendor A on vendor B's: refused (403, or 404 so
as not to confirm the thing exists) or, where the route is public, the public view only;
filtered lists show none of B's records; and nothing of B changes.

The cases come from the app's own route table: a route with an id that has no case here
fails the test, so routes added later (document uploads, ...) must say how they isolate
tenants. Which roles reach a route at all is the authorization matrix's job; here every
intruder whose role the access table allows is tried."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.reliability.consistency import wait_caught_up
from tests.security.access_spec import SPEC
from tests.security.routes import route_table
from tests.security.tenant_world import Tenants, build

DENIED = {403, 404}
_PARAM = re.compile(r"\{(\w+):\w+\}")
INTRUDER_ROLES = ("buyer", "finance", "evaluator", "vendor")


@dataclass(frozen=True)
class Case:
    #: path parameter -> key of ``Tenants.ids``
    ids: dict[str, str]
    body: Any = None
    #: query filters naming the victim (list routes): parameter -> key of ``Tenants.ids``
    query: dict[str, str] | None = None
    #: "deny": 403/404; "public": 200 with no private field; "filtered": refused or no
    #: victim record in the answer
    expect: str = "deny"
    #: the intruder roles tried (default: every one the access table allows); narrower where
    #: the route is meant for staff of every agency, so only another tenant's vendor intrudes
    intruders: tuple[str, ...] | None = None


def deny(body: Any = None, **ids: str) -> Case:
    return Case(ids=ids, body=body)


def vendors_denied(**ids: str) -> Case:
    """Staff of every agency may read it (a vendor's past performance); another vendor may not."""
    return Case(ids=ids, intruders=("vendor",))


def public(**ids: str) -> Case:
    return Case(ids=ids, expect="public")


def filtered(**query: str) -> Case:
    return Case(ids={}, query=query, expect="filtered")


SOL, DRAFT, OPENED = "solicitation_id", "draft_id", "opened_id"
REASON = {"reason": "an intruder's reason"}
LINES = [{"description": "Forged line", "quantity": 1, "unit_price": 1_00}]
PERIOD = {"start": "2030-01-01", "end": "2030-01-02"}

CASES: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/agencies/{agency_id:str}"): deny(agency_id="agency_id"),
    ("PUT", "/api/v1/agencies/{agency_id:str}/goals"): deny({"goals": []}, agency_id="agency_id"),
    ("GET", "/api/v1/vendors/{vendor_id:str}"): public(vendor_id="vendor_id"),
    ("PATCH", "/api/v1/vendors/{vendor_id:str}"): deny({"dba": "Hijacked"}, vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/submit"): deny(vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/renew"): deny(vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/users"): deny({"user": "mallory"}, vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications"): deny(
        {"program": "SDVOSB", "issuing_body": "Forged Body", "number": "F-1", "effective_date": "2026-01-01",
         "expiry_date": "2030-01-01"}, vendor_id="vendor_id"),
    ("GET", "/api/v1/vendors/{vendor_id:str}/history"): deny(vendor_id="vendor_id"),
    ("GET", "/api/v1/vendors/{vendor_id:str}/scorecard"): vendors_denied(vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/approve"): deny(vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/reject"): deny(REASON, vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications/{cert_id:str}/verify"): deny(
        vendor_id="vendor_id", cert_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/certifications/{cert_id:str}/reject"): deny(
        REASON, vendor_id="vendor_id", cert_id="vendor_id"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}"): deny(solicitation_id=DRAFT),
    ("PATCH", "/api/v1/solicitations/{solicitation_id:str}"): deny({"title": "Rigged"}, solicitation_id=DRAFT),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/publish"): deny(solicitation_id=DRAFT),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/addenda"): deny({"summary": "Rigged"},
                                                                            solicitation_id=SOL),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/cancel"): deny(REASON, solicitation_id=SOL),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/questions/{question_id:str}/answer"): deny(
        {"answer": "Rigged answer"}, solicitation_id=SOL, question_id="question_id"),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/tabulation"): deny(solicitation_id=OPENED),
    # a process's compliance record is public once published; a draft's is the agency's own
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/compliance"): deny(solicitation_id=DRAFT),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/evaluators"): deny(
        {"evaluator": "mallory"}, solicitation_id=OPENED),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/coi-declarations"): deny(
        {"bidders": []}, solicitation_id=OPENED),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/scores/finalize"): deny(solicitation_id=OPENED),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/evaluation"): deny(solicitation_id=OPENED),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/award-recommendation"): deny(
        {"rationale": "rigged", "contract_start": "2030-01-01", "contract_end": "2030-12-31"},
        solicitation_id=OPENED),
    ("POST", "/api/v1/bids/{bid_id:str}/responsiveness"): deny({"responsive": False}, bid_id="scored_bid_id"),
    ("POST", "/api/v1/bids/{bid_id:str}/scores"): deny(
        {"scores": [{"criterion_id": "tech", "score": 1, "comment": "rigged"}]}, bid_id="scored_bid_id"),
    ("GET", "/api/v1/awards/{award_id:str}"): public(award_id="award_id"),
    ("POST", "/api/v1/awards/{award_id:str}/protests"): deny({"grounds": "not a bidder"}, award_id="award_id"),
    ("POST", "/api/v1/awards/{award_id:str}/finalize"): deny(award_id="award_id"),
    ("POST", "/api/v1/protests/{protest_id:str}/decision"): deny(
        {"outcome": "withdrawn", "reason": "rigged"}, protest_id="protest_id"),
    ("GET", "/api/v1/contracts/{contract_id:str}"): deny(contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/sign"): deny(contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/modifications"): deny(
        {"kind": "value_change", "reason": "rigged", "value": {"amount": 1, "currency": "USD"}},
        contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/modifications/{number:int}/approval"): deny(
        {"approve": True}, contract_id="contract_id", number="1"),
    ("POST", "/api/v1/contracts/{contract_id:str}/performance-ratings"): deny(
        {"quality": 1, "timeliness": 1, "cost_control": 1, "communication": 1}, contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/performance-ratings/{rating_id:str}/response"): deny(
        {"response": "rigged"}, contract_id="contract_id", rating_id="rating_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/complete"): deny({}, contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/terminate"): deny(REASON, contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/phases"): deny(
        {"kind": "pilot", "name": "Rigged", "budget": {"amount": 1, "currency": "USD"}, "start_date": "2030-01-01",
         "end_date": "2030-01-02", "kpis": [{"name": "x", "unit": "count", "target": 1, "measurement": "x"}]},
        contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/phases/{phase_id:str}/reviews"): deny(
        {"results": [{"kpi": "On time", "measured": 1, "met": True, "evidence": ["x"]}]},
        contract_id="contract_id", phase_id="phase_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/phases/{phase_id:str}/reviews/{review_id:str}/justification"): deny(
        {"justification": "rigged"}, contract_id="contract_id", phase_id="phase_id", review_id="phase_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/options/{option_id:str}/exercise"): deny(
        {}, contract_id="contract_id", option_id="option_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables"): deny(
        {"title": "Rigged", "due_dates": ["2030-01-01"]}, contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables/{deliverable_id:str}/submissions"): deny(
        {"document_id": "x", "statement": "rigged"}, contract_id="contract_id", deliverable_id="deliverable_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/deliverables/{deliverable_id:str}/submissions/"
             "{submission_id:str}/decision"): deny(
        {"decision": "accept"}, contract_id="contract_id", deliverable_id="deliverable_id",
        submission_id="submission_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/renewal-stage"): deny({"stage": "let_lapse"},
                                                                         contract_id="contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/invoices"): deny(
        {"number": "FORGED-1", "currency": "USD", "total": 1_00, "lines": LINES, "service_period": PERIOD},
        contract_id="contract_id"),
    # marketplace: agency B's cooperative contract (open to one partner agency only) and its order
    ("GET", "/api/v1/marketplace/contracts/{contract_id:str}"): public(contract_id="coop_contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/participants"): deny({}, contract_id="coop_contract_id"),
    ("GET", "/api/v1/contracts/{contract_id:str}/participants"): deny(contract_id="coop_contract_id"),
    ("POST", "/api/v1/contracts/{contract_id:str}/participants/{agency_id:str}/approve"): deny(
        contract_id="coop_contract_id", agency_id="partner_agency"),
    ("GET", "/api/v1/purchase-orders/{order_id:str}"): deny(order_id="order_id"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/accept"): deny(order_id="order_id"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/reject"): deny(REASON, order_id="order_id"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/cancel"): deny(REASON, order_id="order_id"),
    ("POST", "/api/v1/purchase-orders/{order_id:str}/receipts"): deny(
        {"lines": [{"item_id": "salt", "quantity": 1}], "received_on": "2030-01-01"}, order_id="order_id"),
    ("GET", "/api/v1/quote-requests/{request_id:str}"): deny(request_id="quote_request_id"),
    ("POST", "/api/v1/quote-requests/{request_id:str}/quotes"): deny(
        {"contract_id": "x", "amount": {"amount": 1, "currency": "USD"}}, request_id="quote_request_id"),
    ("GET", "/api/v1/invoices/{invoice_id:str}"): deny(invoice_id="invoice_id"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/accept"): deny(invoice_id="invoice_id"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/dispute"): deny(REASON, invoice_id="invoice_id"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/resubmit"): deny(
        {"lines": LINES, "total": 1_00, "service_period": PERIOD}, invoice_id="invoice_id"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/receipt"): deny({}, invoice_id="invoice_id"),
    ("POST", "/api/v1/invoices/{invoice_id:str}/approve"): deny({}, invoice_id="invoice_id"),
    ("GET", "/api/v1/payments/{payment_id:str}"): deny(payment_id="payment_id"),
    ("POST", "/api/v1/payments/{payment_id:str}/retry"): deny(payment_id="payment_id"),
    ("POST", "/api/v1/payments/{payment_id:str}/refund"): deny({}, payment_id="payment_id"),
    ("PUT", "/api/v1/payments/funding-sources/{agency_id:str}"): deny(
        {"payment_method": "pm_card_visa"}, agency_id="agency_id"),
    ("PUT", "/api/v1/bids/{bid_id:str}"): deny({"price": {"amount": 1, "currency": "USD"}, "responses": [],
                                                "attestations": {"no_conflict_of_interest": True,
                                                                 "non_collusion": True}}, bid_id="bid_id"),
    ("POST", "/api/v1/bids/{bid_id:str}/withdraw"): deny(bid_id="bid_id"),
    ("POST", "/api/v1/bids/{bid_id:str}/acknowledge-addendum"): deny({"number": 1}, bid_id="bid_id"),
    ("GET", "/api/v1/bids/{bid_id:str}"): deny(bid_id="bid_id"),
    ("DELETE", "/api/v1/webhook-subscriptions/{subscription_id:str}"): deny(subscription_id="subscription_id"),
    ("GET", "/api/v1/webhook-subscriptions/{subscription_id:str}/deliveries"): deny(
        subscription_id="subscription_id"),
    ("POST", "/api/v1/webhook-subscriptions/{subscription_id:str}/replay"): deny(
        {"since": "2000-01-01T00:00:00Z"}, subscription_id="subscription_id"),
    # records: a process's bundle is its agency's (and the auditors')
    ("GET", "/api/v1/records/processes/{solicitation_id:str}/bundle"): deny(solicitation_id=OPENED),
    # assistance: a vendor's opportunities are its own; a solicitation's suggestions, its agency's
    ("GET", "/api/v1/vendors/{vendor_id:str}/opportunities"): deny(vendor_id="vendor_id"),
    ("POST", "/api/v1/vendors/{vendor_id:str}/opportunities/{solicitation_id:str}/not-relevant"): deny(
        {"reason": "an intruder's reason"}, vendor_id="vendor_id", solicitation_id=SOL),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/suggested-vendors"): deny(solicitation_id=SOL),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/invitations"): deny(
        {"vendor_ids": ["v_intruder"], "message": "rigged"}, solicitation_id=SOL),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/similar"): deny(solicitation_id=SOL),
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/similar/review"): deny(
        {"suggestion_id": "sg_intruder", "decision": "withdraw"}, solicitation_id=SOL),
    ("GET", "/api/v1/solicitations/{solicitation_id:str}/assistance-record"): deny(solicitation_id=OPENED),
    # documents: uploads to another tenant's record are refused before the body is read;
    # another tenant's private documents (and a draft's, or a sealed bid's) are not found
    ("POST", "/api/v1/solicitations/{parent_id:str}/documents"): deny({}, parent_id=DRAFT),
    ("GET", "/api/v1/solicitations/{parent_id:str}/documents"): deny(parent_id=DRAFT),
    ("POST", "/api/v1/bids/{parent_id:str}/documents"): deny({}, parent_id="bid_id"),
    ("GET", "/api/v1/bids/{parent_id:str}/documents"): deny(parent_id="bid_id"),
    ("POST", "/api/v1/vendors/{parent_id:str}/documents"): deny({}, parent_id="vendor_id"),
    ("GET", "/api/v1/vendors/{parent_id:str}/documents"): deny(parent_id="vendor_id"),
    ("POST", "/api/v1/contracts/{parent_id:str}/documents"): deny({}, parent_id="contract_id"),
    ("GET", "/api/v1/contracts/{parent_id:str}/documents"): deny(parent_id="contract_id"),
    ("POST", "/api/v1/invoices/{parent_id:str}/documents"): deny({}, parent_id="invoice_id"),
    ("GET", "/api/v1/invoices/{parent_id:str}/documents"): deny(parent_id="invoice_id"),
    ("POST", "/api/v1/protests/{parent_id:str}/documents"): deny({}, parent_id="protest_id"),
    ("GET", "/api/v1/protests/{parent_id:str}/documents"): deny(parent_id="protest_id"),
    ("GET", "/api/v1/documents/{document_id:str}"): deny(document_id="document_id"),
    ("GET", "/api/v1/documents/{document_id:str}/content"): deny(document_id="document_id"),
    # the portal's pages act through the API, so they refuse what it refuses
    ("GET", "/opportunities/{solicitation_id:str}"): deny(solicitation_id=DRAFT),
    ("GET", "/opportunities/{solicitation_id:str}/bid"): deny(solicitation_id=DRAFT),
    ("POST", "/vendor/{vendor_id:str}/submit"): deny(vendor_id="vendor_id"),
    ("POST", "/admin/vendors/{vendor_id:str}/approve"): deny(vendor_id="vendor_id"),
    ("POST", "/admin/vendors/{vendor_id:str}/reject"): deny(REASON, vendor_id="vendor_id"),
    # lists filtered by a tenant: refused, or none of B's records in the answer
    ("GET", "/api/v1/contracts"): filtered(agency_id="agency_id", vendor_id="vendor_id"),
    ("GET", "/api/v1/invoices"): filtered(vendor="vendor_id", contract="contract_id"),
    ("GET", "/api/v1/payments/audit"): filtered(agency="agency_id", vendor="vendor_id"),
    ("GET", "/api/v1/payments/audit/export"): filtered(agency="agency_id"),
    ("GET", "/api/v1/payments/audit/verify"): filtered(agency="agency_id"),
    ("GET", "/api/v1/reports/prompt-payment"): filtered(agency="agency_id"),
    ("GET", "/api/v1/reports/supplier-diversity"): filtered(agency="agency_id"),
    ("GET", "/api/v1/reports/supplier-diversity/chart.svg"): filtered(agency="agency_id"),
    ("GET", "/api/v1/reports/spend"): filtered(agency="agency_id", vendor="vendor_id"),
    ("GET", "/api/v1/reports/spend/chart.svg"): filtered(agency="agency_id"),
    ("GET", "/api/v1/reports/forecast"): filtered(agency="agency_id"),
    ("GET", "/api/v1/awards"): filtered(solicitation_id=OPENED),
    ("GET", "/api/v1/purchase-orders"): filtered(agency="agency_id", contract_id="coop_contract_id"),
}

#: routes with an id that are not a tenant's to guard, and why
NOT_TENANT_SCOPED = {
    ("GET", "/schema/{path:str}"): "the API's own documentation",
    ("GET", "/static/portal/{file_path:path}"): "the portal's own script and styles",
    ("HEAD", "/static/portal/{file_path:path}"): "the portal's own script and styles",
    ("GET", "/static/swagger-ui/{file_path:path}"): "the API reference's script and styles",
    ("HEAD", "/static/swagger-ui/{file_path:path}"): "the API reference's script and styles",
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/questions"): "any vendor may ask on a published solicitation",
    ("POST", "/api/v1/solicitations/{solicitation_id:str}/bids"): "any eligible vendor may bid on an open solicitation",
    ("POST", "/opportunities/{solicitation_id:str}/bid"): "the portal's form of the bid route above",
    ("DELETE", "/api/v1/follows/{commodity_code:str}"): "acts on the caller's own follows; the code names no tenant",
    ("GET", "/api/v1/ocds/records/{ocid:str}"): "open data: public by law once published",
    ("GET", "/api/v1/ocds/releases/{release_id:str}"): "open data: public by law once published",
    ("GET", "/api/v1/unsubscribe/{token:str}"): "the signed link is the credential: it names one person",
    ("POST", "/api/v1/unsubscribe/{token:str}"): "the signed link is the credential: it names one person",
}

#: private fields that must never reach another tenant through a public view
PRIVATE = ("tax_id", "contacts", "sealed", "55555", "history")


def _path(template: str, case: Case, ids: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: ids.get(case.ids[m.group(1)], case.ids[m.group(1)]), template)


def test_every_route_with_an_id_has_a_cross_tenant_case(client):
    with_ids = {(m, p) for m, p in route_table(client.app) if "{" in p}
    lists = {key for key, case in CASES.items() if case.query}
    missing = sorted(with_ids - set(CASES) - set(NOT_TENANT_SCOPED))
    assert not missing, f"routes without a cross-tenant case: {missing}"
    stale = sorted((set(CASES) - lists | set(NOT_TENANT_SCOPED)) - with_ids)
    assert not stale, f"cases for routes that do not exist: {stale}"
    assert set(CASES) <= set(SPEC), "every case names a route of the access table"


@pytest.fixture(scope="module")
async def tenants(client, token, civic) -> Tenants:
    return await build(client, token, civic)


async def _heads(civic, streams: list[str]) -> dict[str, int]:
    rows = await civic.pool.fetch("SELECT stream_id, max(version) AS v FROM events"
                                  " WHERE stream_id LIKE ANY($1::text[]) GROUP BY stream_id", streams)
    return {r["stream_id"]: r["v"] for r in rows}


async def test_agency_a_and_vendor_a_reach_nothing_of_agency_b_and_vendor_b(client, civic, tenants):
    t = tenants
    # the control: the victims reach their own resources with the same paths
    for role, path in (("vendor", f"/api/v1/vendors/{t.ids['vendor_id']}/history"),
                       ("buyer", f"/api/v1/solicitations/{t.ids['draft_id']}"),
                       ("buyer", f"/api/v1/contracts/{t.ids['contract_id']}"),
                       ("finance", f"/api/v1/invoices/{t.ids['invoice_id']}"),
                       ("vendor", f"/api/v1/bids/{t.ids['bid_id']}")):
        assert (await client.get(path, headers=t.owners[role])).status_code == 200, path
    before = await _heads(civic, t.streams)
    victim_ids = [t.ids[k] for k in ("contract_id", "invoice_id", "payment_id", "order_id")]
    failures, tried = [], 0
    for (method, template), case in sorted(CASES.items()):
        allowed = [r for r in INTRUDER_ROLES if r in SPEC[(method, template)].roles
                   and (case.intruders is None or r in case.intruders)]
        for role in allowed:
            headers = t.intruders[role]
            params = {k: t.ids[v] for k, v in (case.query or {}).items()}
            response = await client.request(method, _path(template, case, t.ids), headers=headers,
                                            json=case.body if method != "GET" else None, params=params or None)
            tried += 1
            status, text = response.status_code, response.text
            where = f"{role} {method} {template} -> {status} {text[:200]}"
            if status >= 500:
                failures.append(where)
            elif case.expect == "deny" and status not in DENIED:
                failures.append(where)
            elif case.expect == "public" and (status != 200 or any(f'"{p}"' in text or p in text
                                                                    for p in PRIVATE[:3])):
                failures.append(where)
            elif case.expect == "filtered" and status not in DENIED and (
                    status != 200 or any(i in text for i in victim_ids)
                    or (role != "vendor" and t.ids["agency_id"] in text and "agency" in params)):
                failures.append(where)
    assert not failures, "\n".join(failures)
    print(f"cross-tenant matrix: {tried} requests over {len(CASES)} routes")
    assert tried >= 100, tried
    await wait_caught_up(civic, max_wait=30)
    assert await _heads(civic, t.streams) == before, "nothing of the victims changed"
