"""Pure parts of search: commodity descriptions and prefixes, cursors, query validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kernel.commodities import commodity_text, describe, prefixes, scheme_of
from kernel.errors import Invalid
from projections import cursor
from projections.search.solicitation_query import SolicitationSearch, validate
from projections.search.vendor_query import name_query


def test_unspsc_codes_are_described_by_every_level_present():
    assert scheme_of("43211503") == "unspsc"
    assert describe("43211503") == ["Information technology broadcasting and telecommunications",
                                    "Computer equipment and accessories", "Computers"]
    assert "Cleaning and janitorial services" in commodity_text(["76111500"])


def test_nigp_codes_are_described_by_their_class():
    assert scheme_of("913-41") == "nigp"
    assert describe("913-41") == ["Construction services heavy highways streets bridges and roads"]
    assert describe("99999") == []


def test_prefixes_cover_every_code_without_separators():
    assert prefixes(["913-41", "4321"]) == ["43", "432", "4321", "91", "913", "9134", "91341"]


def test_a_cursor_round_trips_only_for_its_own_query():
    query = SolicitationSearch(q="roads", agency=("a",)).fingerprint()
    text = cursor.encode(query, [0.25, "s-1"])
    assert cursor.decode(text, query) == [0.25, "s-1"]
    other = SolicitationSearch(q="roads", agency=("b",)).fingerprint()
    with pytest.raises(Invalid):
        cursor.decode(text, other)
    with pytest.raises(Invalid):
        cursor.decode("%%%", query)


@pytest.mark.parametrize(("criteria", "field"), [
    ({"status": ("sleeping",)}, "status"),
    ({"status": ("draft",)}, "status"),
    ({"type": ("RFX",)}, "type"),
    ({"sort": "price"}, "sort"),
    ({"sort": "relevance"}, "sort"),
    ({"commodity": ("--",)}, "commodity"),
    ({"value_min": 10, "value_max": 5}, "value_min"),
    ({"deadline_from": datetime(2026, 1, 1)}, "deadline_from"),
    ({"deadline_from": datetime(2026, 2, 1, tzinfo=UTC), "deadline_to": datetime(2026, 1, 1, tzinfo=UTC)},
     "deadline_from"),
])
def test_validation_names_the_parameter(criteria, field):
    with pytest.raises(Invalid) as refused:
        validate(SolicitationSearch(**criteria))
    assert refused.value.details[0]["field"] == field


def test_valid_queries_pass_and_default_to_a_sensible_sort():
    validate(SolicitationSearch(q="roads", status=("open", "closing"), type=("RFP",), drafts_of="a"))
    validate(SolicitationSearch(status=("draft",), drafts_of="a"))
    assert SolicitationSearch(q="roads").effective_sort == "relevance"
    assert SolicitationSearch().effective_sort == "deadline"


def test_vendor_names_match_by_word_prefix():
    assert name_query("Acme  pav!") == "acme:* & pav:*"
    assert name_query("!!") is None


def test_row_facts_become_one_query_over_the_filter_terms():
    from projections.search.solicitation_query import filter_terms

    assert filter_terms(SolicitationSearch()) is None
    search = SolicitationSearch(status=("open", "awarded"), agency=("a", "b'c"), commodity=("43-21",), type=("RFP",))
    assert filter_terms(search) == ("('stage:awarded' | 'stage:open') & ('agency:a' | 'agency:b''c')"
                                    " & 'type:RFP' & 'code:4321'")
    # "closed" spans most rows: checked on the matches, not looked up
    assert filter_terms(SolicitationSearch(status=("open", "closed"))) is None
