"""Agency events: the public bodies that buy, their jurisdiction and diversity goals."""

from __future__ import annotations

import msgspec

from events.base import Event


class DiversityGoal(msgspec.Struct, frozen=True, kw_only=True):
    """A goal: ``percent`` of spend paid to vendors certified in ``program``."""

    program: str
    percent: float


class AgencyRegistered(Event, frozen=True, kw_only=True, tag="agencies.AgencyRegistered.v1"):
    agency_id: str
    name: str
    jurisdiction: str
    goals: list[DiversityGoal] = []
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    #: ZIP codes or prefixes of the jurisdiction, for "local business" claims (empty: the whole state)
    local_zip_prefixes: list[str] = []
    #: IANA time zone; agencies registered before zones existed were judged on UTC dates
    time_zone: str = "UTC"
    #: the agency set its own late-interest rate at registration (else the statutory rate of
    #: its pack applies where the pack has one on file; agencies registered before packs had
    #: rates keep their own, as they were paid then)
    interest_rate_agreed: bool = True


class AgencyGoalsSet(Event, frozen=True, kw_only=True, tag="agencies.AgencyGoalsSet.v1"):
    agency_id: str
    goals: list[DiversityGoal]


AgencyEvent = AgencyRegistered | AgencyGoalsSet
