"""Request and response bodies of the agencies API (lengths, bounds and shapes checked on parse)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from events.agencies import DiversityGoal


class GoalIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A diversity goal as clients send it (the event's value object tolerates new fields
    when old events are read; a request must not)."""

    program: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    percent: Annotated[float, msgspec.Meta(ge=0, le=100)]

    def goal(self) -> DiversityGoal:
        return DiversityGoal(program=self.program, percent=self.percent)


class AgencyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    jurisdiction: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    goals: Annotated[list[GoalIn], msgspec.Meta(max_length=50)] = []
    #: by default the prompt-payment days and interest of the jurisdiction's rule pack
    prompt_payment_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    late_interest_annual_rate: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    local_zip_prefixes: Annotated[list[str], msgspec.Meta(max_length=500)] = []
    #: IANA zone of the agency's local time; by default the zone of its state's rule pack
    time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["America/Chicago"])] | None = None


class GoalsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    goals: Annotated[list[GoalIn], msgspec.Meta(max_length=50)]


class AgencyOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    jurisdiction: str
    goals: list[DiversityGoal]
    prompt_payment_days: int
    late_interest_annual_rate: float
    #: the agency set its own late-interest rate; else its pack's statutory rate applies where on file
    interest_rate_agreed: bool
    #: the USPS state of a US jurisdiction (``US-WA-Seattle`` -> ``WA``): local vendors are there
    state: str | None
    local_zip_prefixes: list[str]
    time_zone: str
    #: the rule pack its jurisdiction code selects (``None``: no pack, nothing can be published)
    rule_pack: str | None
    version: int
