import pytest

from events.solicitations import Criterion
from kernel.errors import Invalid
from services.solicitations.criteria import check_criteria, library


def c(cid, weight, is_price=False):
    return Criterion(criterion_id=cid, name=cid, weight=weight, is_price=is_price)


def test_library_offers_ai_system_criteria():
    ids = {item.library_id for item in library()}
    assert {"ai_training_data_provenance", "ai_risk_mitigation_bias_testing", "ai_energy_use",
            "ai_explainability", "price"} <= ids
    assert all(item.description for item in library())


@pytest.mark.parametrize("kind, criteria, field_part", [
    ("RFP", [c("a", 50), c("b", 40)], "sum to 100"),
    ("RFP", [], "needs evaluation criteria"),
    ("RFP", [c("a", 50, True), c("b", 50, True)], "one price"),
    ("RFQ", [c("a", 50), c("a", 50)], "each criterion id once"),
    ("ITB", [c("a", 60, True), c("b", 40)], "price alone"),
    ("RFI", [c("a", 100)], "information only"),
])
def test_criteria_rules(kind, criteria, field_part):
    with pytest.raises(Invalid) as err:
        check_criteria(kind, criteria)
    assert field_part in err.value.message


def test_valid_criteria_pass():
    check_criteria("RFP", [c("price", 30, True), c("ai_explainability", 70)])
    check_criteria("ITB", [])
    check_criteria("ITB", [c("price", 100, True)])
