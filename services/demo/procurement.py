"""The story of one solicitation: drafted, published, bid on, then cancelled, left open,
evaluated, found unsuccessful or awarded (with a protest now and then); an award goes on
as a contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.demo import catalog
from services.demo.api import DemoError, eventually
from services.demo.contracting import contract_story
from services.demo.plan import BidPlan, SolicitationPlan
from services.demo.timeline import Story
from services.demo.world import World


def _terms(world: World, plan: SolicitationPlan) -> dict[str, Any]:
    commodity = next(c for c in catalog.COMMODITIES if c.code == plan.codes[0])
    body: dict[str, Any] = {
        "solicitation_id": plan.solicitation_id, "solicitation_type": plan.kind, "title": plan.title,
        "description": f"{world.agency(plan.agency_id).name} seeks {commodity.what}: {plan.title.split(' (')[0].lower()}.",
        "commodity_codes": list(plan.codes),
        "estimated_value": {"amount": plan.value, "currency": "USD"}, "method": "open",
        "submission_deadline": world.at(plan.deadline_day).isoformat(),
        "questions_deadline": world.at(plan.deadline_day - 10).isoformat(),
        "opening_time": world.at(plan.opening_day).isoformat(),
        "criteria": [{"library_id": lib, "weight": w} for lib, w in catalog.EVALUATION_CRITERIA[plan.kind]],
        "documents": [{"name": "Statement of work.pdf", "url": f"https://example.gov/{plan.solicitation_id}/sow.pdf"}],
    }
    return body


def _bid_body(bid: BidPlan, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "price": {"amount": bid.price, "currency": "USD"},
        "responses": [{"criterion_id": c["criterion_id"], "text": f"Our approach to {c['name'].lower()}"}
                      for c in criteria if not c["is_price"]],
        "attestations": {"no_conflict_of_interest": True, "non_collusion": True},
        "documents": [{"name": "Proposal.pdf"}],
    }


async def solicitation_story(world: World, plan: SolicitationPlan) -> Story:
    api, sid = world.api, plan.solicitation_id
    buyer = world.buyer(plan.agency_id)
    yield plan.publish_day
    await api.post("/solicitations", buyer, _terms(world, plan), key=f"{sid}:create", ok=(201,))
    await api.upload(f"/solicitations/{sid}/documents", buyer, title=f"{plan.kind} {sid}", kind="rfp",
                     lines=(f"Solicitation {sid}", "Scope, terms and evaluation criteria"), key=f"{sid}:rfp")
    world.tally["documents"] += 1
    if plan.outcome == "draft":
        world.tally["solicitations.draft"] += 1
        return
    published = await api.post(f"/solicitations/{sid}/publish", buyer, key=f"{sid}:publish", ok=(200,))
    world.tally[f"solicitations.type.{plan.kind}"] += 1
    await _invite_suggested(world, sid, buyer)
    bid_ids: dict[str, str] = {}
    for bid in sorted(plan.bids, key=lambda b: (b.day, b.vendor_id)):
        yield bid.day
        made = await api.post(f"/solicitations/{sid}/bids", world.vendor(bid.vendor_id),
                              _bid_body(bid, published["criteria"]), key=f"{sid}:{bid.vendor_id}:bid", ok=(201,),
                              settle=("no_vendor", "not_eligible"))
        bid_ids[bid.vendor_id] = made["id"]
        world.tally["bids"] += 1
        await api.upload(f"/bids/{made['id']}/documents", world.vendor(bid.vendor_id), title="Technical proposal",
                         kind="technical_proposal", lines=(f"Proposal of {bid.vendor_id} for {sid}",),
                         key=f"{sid}:{bid.vendor_id}:proposal")
        world.tally["documents"] += 1
    if plan.cancel_day is not None:
        yield plan.cancel_day
        await api.post(f"/solicitations/{sid}/cancel", buyer, {"reason": "the need was met under an "
                       "existing cooperative contract"}, key=f"{sid}:cancel", ok=(200,))
        world.tally["solicitations.cancelled"] += 1
        return
    if plan.outcome in ("open", "closed") or plan.kind == "RFI":
        world.tally[f"solicitations.{plan.outcome}"] += 1
        return
    yield plan.evaluation_day
    await _evaluate(world, plan, bid_ids)
    if plan.outcome != "awarded":
        world.tally[f"solicitations.{plan.outcome}"] += 1
        return
    async for day in _award(world, plan, bid_ids):
        yield day


async def _invite_suggested(world: World, sid: str, buyer: dict[str, str]) -> None:
    """The buyer asks the assistant who could bid and invites the first two suggested."""
    suggested = await world.api.get(f"/solicitations/{sid}/suggested-vendors", buyer, params={"limit": 5},
                                    ok=(200,), settle=("not_yet_visible",))
    # Who is suggested depends on how far the matching model has caught up with the story,
    # so invitations are not counted in the summary: the same seed must give the same one.
    # A model behind the story may still suggest a vendor excluded or expired since, whom
    # the invitation refuses (422 ``not_invitable``, from the vendors' current facts).
    chosen = [item["id"] for item in suggested["items"][:2]]
    if chosen:
        sent = await world.api.post(f"/solicitations/{sid}/invitations", buyer,
                                    {"vendor_ids": chosen, "suggestion_id": suggested["suggestion_id"]},
                                    key=f"{sid}:invite", ok=(201, 422))
        if "error" in sent and sent["error"].get("code") != "not_invitable":
            raise DemoError(f"invitations of {sid}: {sent['error']}")


async def _evaluate(world: World, plan: SolicitationPlan, bid_ids: dict[str, str]) -> None:
    """Review (and for scored types, score) every opened bid; an unsuccessful solicitation
    is one whose bids are all found non-responsive."""
    api, sid = world.api, plan.solicitation_id
    buyer, evaluator = world.buyer(plan.agency_id), world.evaluator(plan.agency_id)

    async def opened() -> dict[str, Any] | None:
        seen = await api.get(f"/solicitations/{sid}/evaluation", buyer, ok=(200, 404))
        return seen if seen and len(seen.get("bids", [])) == len(bid_ids) else None

    evaluation = await eventually(opened, f"the opened bids of {sid}")
    scored = [c for c in evaluation["criteria"] if not c["is_price"]]
    if plan.kind in ("RFP", "RFQ"):
        await api.post(f"/solicitations/{sid}/evaluators", buyer,
                       {"evaluator": world.evaluator_sub(plan.agency_id)}, key=f"{sid}:appoint", ok=(201,))
        await api.post(f"/solicitations/{sid}/coi-declarations", evaluator,
                       {"bidders": sorted(bid_ids), "statement": "no financial or family ties to any bidder"},
                       key=f"{sid}:coi", ok=(201,))
    responsive = plan.outcome != "unsuccessful"
    review = {"responsive": True} if responsive else {
        "responsive": False, "reason": "required bonding documents missing"}
    for _, bid_id in sorted(bid_ids.items()):
        await api.post(f"/bids/{bid_id}/responsiveness", buyer, review, key=f"{bid_id}:review", ok=(201,))
    if plan.outcome == "under_evaluation":
        return
    if plan.kind in ("RFP", "RFQ") and responsive:
        scores = {b.vendor_id: b.score for b in plan.bids}
        for vendor_id, bid_id in sorted(bid_ids.items()):
            await api.post(f"/bids/{bid_id}/scores", evaluator, {"scores": [
                {"criterion_id": c["criterion_id"], "score": min(scores[vendor_id], c["scale_max"]),
                 "comment": "assessed against the statement of work"} for c in scored]},
                key=f"{bid_id}:scores", ok=(201,))
    await api.post(f"/solicitations/{sid}/scores/finalize", buyer, key=f"{sid}:finalize", ok=(200,))


async def _award(world: World, plan: SolicitationPlan, bid_ids: dict[str, str]) -> Story:
    api, sid = world.api, plan.solicitation_id
    buyer = world.buyer(plan.agency_id)
    assert plan.contract is not None
    yield plan.recommendation_day
    award = await api.post(f"/solicitations/{sid}/award-recommendation", buyer, {
        "rationale": "best value under the published criteria",
        "contract_start": world.date_of(plan.contract.start).isoformat(),
        "contract_end": world.date_of(plan.contract.end).isoformat(),
        "terms_ref": f"General conditions {world.date_of(plan.contract.start).year}",
    }, key=f"{sid}:recommend", ok=(201,))
    award_id, winner = award["award_id"], award["vendor_id"]
    world.tally["awards"] += 1
    protest_id = None
    losers = sorted(v for v in bid_ids if v != winner)
    if plan.protest and losers:
        yield plan.recommendation_day + 1
        protest = await api.post(f"/awards/{award_id}/protests", world.vendor(losers[0]), {
            "grounds": "the technical scores do not follow the published criteria"},
            key=f"{award_id}:protest", ok=(201,))
        protest_id = protest["protest_id"]
        world.tally["protests"] += 1
        await api.upload(f"/protests/{protest_id}/documents", world.vendor(losers[0]), title="Protest letter",
                         kind="protest_letter", lines=(f"Protest of award {award_id}",
                                                       "The technical scores do not follow the published criteria"),
                         key=f"{protest_id}:letter", parent_settles=True)
        world.tally["documents"] += 1
    window_ends = world.day_of(datetime.fromisoformat(award["protest_window_ends"]))
    yield window_ends + 1 / 24
    if protest_id is not None:
        await api.post(f"/protests/{protest_id}/decision", api.admin, {
            "outcome": "dismissed", "reason": "the scores follow the published criteria"},
            key=f"{protest_id}:decide", ok=(200,))
    await api.post(f"/awards/{award_id}/finalize", buyer, key=f"{award_id}:finalize", ok=(200,))
    world.tally["solicitations.awarded"] += 1
    async for day in contract_story(world, plan, award_id, winner, window_ends + 1):
        yield day
