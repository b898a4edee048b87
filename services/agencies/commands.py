"""Commands (imperative) for agencies."""

from __future__ import annotations

import msgspec

from events.agencies import DiversityGoal


class RegisterAgency(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    name: str
    jurisdiction: str
    goals: list[DiversityGoal] = []
    prompt_payment_days: int = 30
    late_interest_annual_rate: float = 0.05
    local_zip_prefixes: list[str] = []
    time_zone: str = "UTC"
    interest_rate_agreed: bool = True


class SetGoals(msgspec.Struct, frozen=True, kw_only=True):
    goals: list[DiversityGoal]


Command = RegisterAgency | SetGoals
