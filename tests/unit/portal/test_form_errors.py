"""The API's refusal laid out on a form: each message beside the field it names."""

from __future__ import annotations

from infra.portal.calls import Answer, FormErrors
from infra.portal.vendor import _minor_units


def _refusal(*details: dict[str, str]) -> Answer:
    return Answer(422, {"error": {"code": "invalid", "message": "tax_id: not an EIN", "details": list(details)}})


def test_field_paths_of_the_api_land_on_the_forms_fields():
    errors = FormErrors.of(_refusal({"field": "tax_id", "message": "not an EIN"},
                                    {"field": "contacts[0].email", "message": "not an email address"},
                                    {"field": "price.amount", "message": "must be positive"}),
                           {"tax_id", "contacts.0.email", "price"})
    assert errors.fields == {"tax_id": "not an EIN", "contacts.0.email": "not an email address",
                             "price": "must be positive"}
    assert not errors.general


def test_a_refusal_naming_no_field_of_the_form_is_shown_above_it():
    errors = FormErrors.of(Answer(409, {"error": {"code": "conflict", "message": "already bid", "details": None}}),
                           {"price"})
    assert errors.general == ["already bid"] and not errors.fields


def test_amounts_typed_in_major_units_become_minor_units_or_stay_text_for_the_api_to_refuse():
    assert _minor_units("48250.00", "USD") == 4_825_000
    assert _minor_units("48,250", "USD") == 4_825_000
    assert _minor_units("1000", "JPY") == 1000
    assert _minor_units("12.345", "USD") == "12.345"
    assert _minor_units("lots", "USD") == "lots"
