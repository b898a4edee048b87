"""Tax id claims, the exclusion list, its CSV import and name matching: pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from events.vendors import ExclusionRecorded, TaxIdClaimed
from kernel.errors import Conflict, Forbidden, Invalid
from services.vendors.deciders.exclusion import (
    EXCLUSION,
    RecordExclusion,
    canonical_tax_id,
    exclusion_id_for,
)
from services.vendors.deciders.tax_id import TAX_ID, ClaimTaxId
from services.vendors.exclusion_csv import parse_exclusions
from services.vendors.matching import name_key, tax_key
from tests.unit.vendors.builders import ADMIN, OWNER, SYSTEM


def claim(vendor_id: str, holder_rejected: bool = False) -> ClaimTaxId:
    return ClaimTaxId(tax_id="12-3456789", vendor_id=vendor_id, holder_rejected=holder_rejected)


def test_a_tax_id_is_held_by_one_registration_until_it_is_rejected():
    state, events = TAX_ID.run([(claim("v1"), OWNER)])
    assert events == [TaxIdClaimed(tax_id="12-3456789", vendor_id="v1")]
    with pytest.raises(Conflict) as err:
        TAX_ID.decide(claim("v2"), state, OWNER)
    assert err.value.code == "duplicate_tax_id"
    assert TAX_ID.decide(claim("v1"), state, OWNER) == [], "the holder claiming again changes nothing"
    [taken] = TAX_ID.decide(claim("v2", holder_rejected=True), state, OWNER)
    assert TAX_ID.fold([taken], state).holder == "v2"


def record(**overrides) -> RecordExclusion:
    fields = {"exclusion_id": "ex1", "name": "Shady Paving Inc.", "tax_id": "123456789", "reason": "fraud",
              "from_date": date(2030, 1, 1), "to_date": date(2033, 1, 1)} | overrides
    return RecordExclusion(**fields)


def test_admin_records_an_exclusion_with_a_canonical_tax_id():
    state, events = EXCLUSION.run([(record(), ADMIN)])
    assert events == [ExclusionRecorded(exclusion_id="ex1", name="Shady Paving Inc.", tax_id="12-3456789",
                                        reason="fraud", from_date=date(2030, 1, 1), to_date=date(2033, 1, 1))]
    with pytest.raises(Conflict):
        EXCLUSION.decide(record(), state, ADMIN)
    with pytest.raises(Forbidden):
        EXCLUSION.decide(record(), EXCLUSION.initial(), OWNER)
    assert EXCLUSION.decide(record(exclusion_id="ex2"), EXCLUSION.initial(), SYSTEM)


@pytest.mark.parametrize("overrides, field", [
    ({"name": " "}, "name"),
    ({"name": "..."}, "name"),
    ({"tax_id": "12-34"}, "tax_id"),
    ({"reason": ""}, "reason"),
    ({"to_date": date(2029, 12, 31)}, "to_date"),
])
def test_bad_exclusions_name_the_field(overrides, field):
    with pytest.raises(Invalid) as err:
        EXCLUSION.decide(record(**overrides), EXCLUSION.initial(), ADMIN)
    assert err.value.details[0]["field"] == field


def test_exclusion_ids_identify_the_party_and_start_date():
    assert exclusion_id_for("A", "12-3456789", date(2030, 1, 1)) == exclusion_id_for("B", "123456789", date(2030, 1, 1))
    assert exclusion_id_for("Acme, Inc.", None, date(2030, 1, 1)) == exclusion_id_for("ACME", None, date(2030, 1, 1))
    assert exclusion_id_for("Acme", None, date(2030, 1, 1)) != exclusion_id_for("Acme", None, date(2030, 1, 2))
    assert canonical_tax_id(" ") is None and canonical_tax_id("987654321") == "98-7654321"


def test_names_and_tax_ids_are_normalised_for_matching():
    assert name_key("Acme Paving, L.L.C.") == name_key("ACME PAVING") == "acme paving"
    assert name_key("The Company") == "the", "a legal form alone is dropped only after a name"
    assert name_key("Co") == "co"
    assert tax_key("12-3456789") == tax_key("123456789") == "123456789"
    assert tax_key("") is None and tax_key(None) is None


CSV = """name,tax_id,reason,from_date,to_date
Shady Paving Inc.,12-3456789,fraud,2030-01-01,2033-01-01
"Bad, Builders LLC",,"bid rigging, collusion",2030-02-01,
No Date Co,,misconduct,,
Wrong Ein,12-34,fraud,2030-01-01,
Backwards,,fraud,2030-05-01,2030-04-01
Shady Paving,123456789,fraud again,2030-01-01,
Short Row,fraud
Bad Date,,fraud,01/02/2030,
"""


def test_csv_import_accepts_good_rows_and_explains_each_bad_one():
    parsed, rejected = parse_exclusions(CSV)
    assert [(r.line, r.command.name) for r in parsed] == [(2, "Shady Paving Inc."), (3, "Bad, Builders LLC")]
    assert parsed[1].command.reason == "bid rigging, collusion"
    assert parsed[1].command.to_date is None
    assert [(r.line, r.field) for r in rejected] == [
        (4, "from_date"), (5, "tax_id"), (6, "to_date"), (7, None), (8, None), (9, "from_date")]
    assert "line 2" in rejected[3].reason
    assert "expected 5 values" in rejected[4].reason


def test_csv_header_is_checked_as_a_whole():
    with pytest.raises(Invalid) as err:
        parse_exclusions("name,reason\nAcme,fraud\n")
    assert err.value.details[0]["field"] == "header"
    with pytest.raises(Invalid, match="unknown"):
        parse_exclusions("name,reason,from_date,colour\n")
    with pytest.raises(Invalid):
        parse_exclusions("")


def test_csv_line_numbers_count_quoted_line_breaks_and_skip_blank_lines():
    text = 'name,reason,from_date\n"Multi\nLine Co",fraud,2030-01-01\n\nBad,,2030-01-01\n'
    parsed, rejected = parse_exclusions(text)
    assert parsed[0].line == 2
    assert [(r.line, r.field) for r in rejected] == [(5, "reason")]


def test_csv_oversize_values_are_rejected_rows():
    _, rejected = parse_exclusions(f"name,reason,from_date\n{'x' * 301},fraud,2030-01-01\n")
    assert rejected[0].field == "name"
