"""The duplicate-purchase check, pure: which cooperative contracts and other agencies'
solicitations warn a buyer, and which do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from events.solicitations import CooperativeStatement, DuplicatePurchaseSuspected
from services.marketplace.facts import CooperativeOffer
from services.solicitations.commands import OtherSolicitation, SimilarPurchases
from services.solicitations.duplicates import suspected_duplicates, text_similarity

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OURS = "ag-ours"


def offer(contract_id: str = "ct-1", *, codes=("44121600",), title: str = "Toner cartridges",
          eligible: str = "all", jurisdictions=(), agencies=(), status: str = "active",
          ends_in: int = 365, lead: str = "ag-lead") -> CooperativeOffer:
    return CooperativeOffer(contract_id=contract_id, title=title, lead_agency_id=lead, vendor_id="v-1",
                            status=status, end_date=NOW.date() + timedelta(days=ends_in),
                            commodity_codes=tuple(codes),
                            cooperative=CooperativeStatement(eligible=eligible, agencies=list(agencies),
                                                             jurisdictions=list(jurisdictions),
                                                             lead_agency_id=lead))


def other(solicitation_id: str = "sol-2", *, agency: str = "ag-other", codes=("44121600",),
          title: str = "Printer supplies", status: str = "published", days_ago: int = 10) -> OtherSolicitation:
    return OtherSolicitation(solicitation_id=solicitation_id, agency_id=agency, title=title, status=status,
                             commodity_codes=list(codes), published_at=NOW - timedelta(days=days_ago))


def check(*, contracts=(), solicitations=(), codes=("44121600",), title: str = "Office toner",
          jurisdiction: str | None = "US-TX-Austin"):
    return suspected_duplicates(solicitation_id="sol-1", agency_id=OURS, jurisdiction=jurisdiction, title=title,
                                commodity_codes=list(codes), step="created", now=NOW,
                                similar=SimilarPurchases(contracts=list(contracts), solicitations=list(solicitations)))


def test_a_usable_contract_for_the_same_commodity_code_warns():
    [warning] = check(contracts=[offer()])
    assert (warning.kind, warning.match_id, warning.match_agency_id) == ("cooperative_contract", "ct-1", "ag-lead")
    assert warning.shared_commodity_codes == ["44121600"] and warning.step == "created"
    assert warning.end_date == NOW.date() + timedelta(days=365)


def test_clearly_similar_text_warns_without_a_shared_code():
    [warning] = check(solicitations=[other(codes=["99999999"], title="Street light LED retrofit")],
                      codes=["11111111"], title="LED retrofit of street lights")
    assert warning.kind == "solicitation" and warning.shared_commodity_codes == []
    assert warning.text_similarity >= 0.6
    assert check(solicitations=[other(codes=["99999999"], title="Street sweeping")],
                 codes=["11111111"], title="LED retrofit of street lights") == []


def test_a_contract_the_agency_may_not_use_is_not_suggested():
    assert check(contracts=[offer(eligible="jurisdictions", jurisdictions=["US-CA"])]) == []
    assert check(contracts=[offer(eligible="agencies", agencies=["ag-someone"])]) == []
    assert check(contracts=[offer()], jurisdiction=None) == []  # an unregistered agency may use none
    assert [w.match_id for w in check(contracts=[offer(eligible="jurisdictions", jurisdictions=["US-TX"])])] == ["ct-1"]
    assert [w.match_id for w in check(contracts=[offer(eligible="agencies", agencies=[OURS])])] == ["ct-1"]


def test_expired_or_inactive_contracts_are_not_suggested():
    assert check(contracts=[offer(ends_in=-1)]) == []
    assert check(contracts=[offer(status="terminated")]) == []
    assert check(contracts=[offer(status="pending")]) == []
    assert [w.match_id for w in check(contracts=[offer(ends_in=0)])] == ["ct-1"]  # its last day


def test_the_agencys_own_solicitations_do_not_count():
    assert check(solicitations=[other(agency=OURS)]) == []
    assert check(solicitations=[other(solicitation_id="sol-1", agency="ag-other")]) == []
    assert [w.match_id for w in check(solicitations=[other()])] == ["sol-2"]


def test_cancelled_and_old_closed_solicitations_do_not_count_but_open_ones_do():
    assert check(solicitations=[other(status="cancelled")]) == []
    assert check(solicitations=[other(status="awarded", days_ago=400)]) == []
    assert [w.match_id for w in check(solicitations=[other(status="awarded", days_ago=30)])] == ["sol-2"]
    assert [w.match_id for w in check(solicitations=[other(status="published", days_ago=400)])] == ["sol-2"]


def test_nothing_in_common_warns_of_nothing_and_the_text_measure_ignores_filler_words():
    assert check(contracts=[offer(codes=["1"], title="Road salt")], codes=["2"], title="Office toner") == []
    assert text_similarity("Supply of the road salt", "Road salt services") == 1.0
    assert text_similarity("", "Road salt") == 0.0


def test_the_decider_records_the_warnings_on_creation_and_publication_and_still_goes_ahead():
    from services.solicitations.commands import PublishSolicitation
    from services.solicitations.deciders.solicitation import SOLICITATION
    from tests.unit.solicitations.factories import NOW as DAY
    from tests.unit.solicitations.factories import at, create

    command = create()
    codes = list(command.terms.commodity_codes)
    similar = SimilarPurchases(contracts=[CooperativeOffer(
        contract_id="ct-9", title="Anything", lead_agency_id="ag-lead", vendor_id="v", status="active",
        end_date=DAY.date() + timedelta(days=30), commodity_codes=tuple(codes),
        cooperative=CooperativeStatement(eligible="all", lead_agency_id="ag-lead"))])
    created = SOLICITATION.decide(msgspec.structs.replace(command, similar=similar), SOLICITATION.initial(), at(DAY))
    assert [type(e).__name__ for e in created] == ["SolicitationCreated", "DuplicatePurchaseSuspected"]
    state = SOLICITATION.fold(created)
    assert [d.match_id for d in state.duplicates] == ["ct-9"]
    events = SOLICITATION.decide(PublishSolicitation(similar=similar), state, at(DAY))
    assert type(events[0]).__name__ == "SolicitationPublished"
    assert [(e.step, e.match_id) for e in events if isinstance(e, DuplicatePurchaseSuspected)] == [("published", "ct-9")]
