"""The demo's agencies and the rule packs their jurisdiction codes select."""

from services.demo import catalog
from services.solicitations import rules
from services.solicitations.facts import default_time_zone, payment_terms


def test_the_demo_agencies_are_judged_by_their_own_states_law():
    packs = {a.slug: rules.rules_code(a.jurisdiction) for a in catalog.AGENCIES}
    # Oregon, Illinois, Colorado and Maryland have no pack yet: the federal rules judge them
    assert packs == {"sdot": "US-WA", "pwb": "US", "atx-pw": "US-TX", "cook-fm": "US", "co-oit": "US", "mdot": "US"}
    for agency in catalog.AGENCIES:
        if packs[agency.slug] != "US":  # a state pack knows the state's zone
            assert default_time_zone(agency.jurisdiction) == agency.time_zone


def test_rcw_39_76_011_registration_defaults_for_seattle():
    terms = payment_terms("US-WA-Seattle")
    assert (terms.days, terms.annual_rate, terms.citation) == (30, 0.12, "RCW 39.76.011(1)")
    # California's rule is for public works only: no default for every contract
    assert payment_terms("US-CA").annual_rate == 0.05 and payment_terms("US-CA").citation is None
