"""Every part of a match score on hand-built cases: each reason can be checked by a person."""

from datetime import date

import pytest

from services.assistance import scoring
from services.assistance.scoring import LEXICAL, SEMANTIC, SolicitationSide, VendorSide

TODAY = date(2026, 6, 1)


def vendor(**changes: object) -> VendorSide:
    base = dict(vendor_id="v1", commodity_codes=("72141100",), words=frozenset({"asphalt", "paving"}),
                local_agencies=frozenset(), state="TX")
    base.update(changes)
    return VendorSide(**base)  # type: ignore[arg-type]


def solicitation(**changes: object) -> SolicitationSide:
    base = dict(solicitation_id="s1", agency_id="austin", agency_state="TX", commodity_codes=("72141100",),
                words=frozenset({"asphalt", "resurfacing"}), deadline=date(2026, 7, 1))
    base.update(changes)
    return SolicitationSide(**base)  # type: ignore[arg-type]


def parts(v: VendorSide, s: SolicitationSide, cosine: float = 0.4, model: scoring.Model = SEMANTIC) -> dict:
    return {p.name: p for p in scoring.match_parts(model, v, s, cosine, TODAY)}


def test_the_score_is_the_sum_of_weighted_parts() -> None:
    found = scoring.match_parts(SEMANTIC, vendor(), solicitation(), 0.4, TODAY)
    assert [p.name for p in found] == list(SEMANTIC.weights)
    for part in found:
        assert part.points == pytest.approx(part.weight * part.value, abs=1e-4)
    assert scoring.total(found) == pytest.approx(sum(p.points for p in found), abs=1e-4)


@pytest.mark.parametrize(("offered", "value"), [
    (("72141100",), 1.0),   # the same code
    (("72141105",), 0.8),   # same UNSPSC class 721411
    (("72141200",), 0.5),   # same UNSPSC family 7214
    (("72101500",), 0.1),   # same segment 72: broad, so it says little
    (("43211500",), 0.0),   # computers
])
def test_commodity_codes_count_by_how_close_they_are(offered: tuple[str, ...], value: float) -> None:
    assert parts(vendor(commodity_codes=offered), solicitation())["commodity_code"].value == value


def test_text_similarity_maps_cosine_onto_zero_to_one() -> None:
    assert parts(vendor(), solicitation(), cosine=0.1)["text_similarity"].value == 0.0
    assert parts(vendor(), solicitation(), cosine=0.9)["text_similarity"].value == 1.0
    assert parts(vendor(), solicitation(), cosine=0.4)["text_similarity"].value == pytest.approx(0.5)


def test_shared_words_name_the_words() -> None:
    part = parts(vendor(), solicitation())["shared_words"]
    assert part.value == 0.5 and part.detail == "asphalt"


def test_local_preference_beats_the_same_state() -> None:
    assert parts(vendor(local_agencies=frozenset({"austin"})), solicitation())["location"].value == 1.0
    assert parts(vendor(), solicitation())["location"].value == 0.5
    assert parts(vendor(state="WA"), solicitation())["location"].value == 0.0


def test_set_aside_needs_a_certification_valid_on_the_deadline() -> None:
    set_aside = solicitation(set_aside_program="MBE")
    valid = vendor(certifications=(("MBE", date(2025, 1, 1), date(2027, 1, 1)),))
    lapsed = vendor(certifications=(("MBE", date(2025, 1, 1), date(2026, 6, 15)),))
    assert scoring.eligible(valid, set_aside, TODAY) and parts(valid, set_aside)["set_aside"].value == 1.0
    assert not scoring.eligible(lapsed, set_aside, TODAY)
    assert scoring.eligible(vendor(), solicitation(), TODAY)


def test_past_work_and_performance_count_in_the_same_family() -> None:
    v = vendor(won_codes=(("72141200",),), bid_codes=(("72141100",), ("43211500",)),
               ratings=((("72141200",), 4.5), (("43211500",), 1.0)))
    found = parts(v, solicitation())
    assert found["past_work"].value == pytest.approx(0.7)  # one win, one bid in family 7214
    assert found["past_performance"].value == pytest.approx((4.5 - 1) / 4)
    assert "average rating 4.5 on 1 contracts" == found["past_performance"].detail


def test_the_lexical_baseline_has_no_text_similarity_part() -> None:
    found = parts(vendor(), solicitation(), model=LEXICAL)
    assert "text_similarity" not in found and found["shared_words"].weight == 0.5
    assert sum(LEXICAL.weights.values()) == pytest.approx(1.0) == sum(SEMANTIC.weights.values())
