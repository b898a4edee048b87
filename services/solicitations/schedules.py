"""What a solicitation may say about its price schedule and its cooperative use (pure)."""

from __future__ import annotations

import re

import msgspec

from events.base import Money
from events.solicitations import CooperativeStatement, PriceSchedule
from kernel.errors import field_error
from kernel.limits import MAX_AMOUNT

ELIGIBILITY = ("all", "agencies", "jurisdictions")
MAX_LINES = 500
MAX_QUANTITY = 10**9
_ITEM_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_COMMODITY_CODE = re.compile(r"^[A-Za-z0-9.\-]{2,20}$")
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Za-z0-9]+)*$")


def check_price_schedule(schedule: PriceSchedule) -> None:
    """Lines with unique item ids, a description, a unit and a positive estimated quantity."""
    if not schedule.lines:
        raise field_error("price_schedule.lines", "at least one line")
    if len(schedule.lines) > MAX_LINES:
        raise field_error("price_schedule.lines", f"at most {MAX_LINES} lines")
    seen: set[str] = set()
    for i, line in enumerate(schedule.lines):
        where = f"price_schedule.lines[{i}]"
        if not _ITEM_ID.match(line.item_id):
            raise field_error(f"{where}.item_id", "1 to 64 letters, digits, dots, dashes or underscores")
        if line.item_id in seen:
            raise field_error(f"{where}.item_id", f"item {line.item_id} is already a line of the schedule",
                              code="duplicate_line")
        seen.add(line.item_id)
        if not line.description.strip():
            raise field_error(f"{where}.description", "must not be blank")
        if not _COMMODITY_CODE.match(line.commodity_code):
            raise field_error(f"{where}.commodity_code", "2 to 20 letters, digits, dots or dashes")
        if not line.unit.strip():
            raise field_error(f"{where}.unit", "the unit of measure, such as each, ton or hour")
        if not 1 <= line.estimated_quantity <= MAX_QUANTITY:
            raise field_error(f"{where}.estimated_quantity", f"a whole number from 1 to {MAX_QUANTITY}")
    cap = schedule.escalation_cap_percent
    if cap is not None and not 0 <= cap <= 100:
        raise field_error("price_schedule.escalation_cap_percent", "a percent from 0 to 100")


def _check_ceiling(money: Money | None, field: str, currency: str) -> None:
    if money is None:
        return
    if money.currency != currency:
        raise field_error(f"{field}.currency", f"the solicitation is in {currency}")
    if not 0 < money.amount <= MAX_AMOUNT:
        raise field_error(f"{field}.amount", "a positive number of minor units")


def check_cooperative(statement: CooperativeStatement, currency: str) -> None:
    """Eligibility named precisely, ceilings in the solicitation's currency, the
    per-participant ceiling within the total."""
    if statement.eligible not in ELIGIBILITY:
        raise field_error("cooperative.eligible", f"one of {', '.join(ELIGIBILITY)}")
    if statement.eligible == "agencies" and not statement.agencies:
        raise field_error("cooperative.agencies", "name the agencies that may use the contract")
    if statement.eligible == "jurisdictions" and not statement.jurisdictions:
        raise field_error("cooperative.jurisdictions", "name the jurisdictions, such as US-TX")
    if statement.eligible != "agencies" and statement.agencies:
        raise field_error("cooperative.agencies", "agencies are listed only when eligible is \"agencies\"")
    if statement.eligible != "jurisdictions" and statement.jurisdictions:
        raise field_error("cooperative.jurisdictions",
                          "jurisdictions are listed only when eligible is \"jurisdictions\"")
    for i, prefix in enumerate(statement.jurisdictions):
        if not _JURISDICTION.match(prefix):
            raise field_error(f"cooperative.jurisdictions[{i}]", "a jurisdiction code or prefix, such as US-TX")
    _check_ceiling(statement.total_ceiling, "cooperative.total_ceiling", currency)
    _check_ceiling(statement.participant_ceiling, "cooperative.participant_ceiling", currency)
    total, each = statement.total_ceiling, statement.participant_ceiling
    if total is not None and each is not None and each.amount > total.amount:
        raise field_error("cooperative.participant_ceiling", "must not exceed the total ceiling")


def with_lead(statement: CooperativeStatement | None, agency_id: str) -> CooperativeStatement | None:
    """The statement with its lead agency named (the soliciting agency unless it says)."""
    if statement is None or statement.lead_agency_id:
        return statement
    return msgspec.structs.replace(statement, lead_agency_id=agency_id)
