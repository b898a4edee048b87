"""What every story needs: the API, the plan, the calendar and the tally of what happened."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.demo.api import Api
from services.demo.plan import AgencyPlan, Plan
from services.demo.stripe_outcomes import StripeOutcomes


@dataclass
class World:
    api: Api
    plan: Plan
    #: midnight UTC two years before today: day 0 of the story
    day_zero: datetime
    #: posts Stripe's outcomes to the webhook when nothing else will (in-process runs)
    stripe: StripeOutcomes | None = None
    tally: Counter[str] = field(default_factory=Counter)

    def at(self, day: float) -> datetime:
        return self.day_zero + timedelta(days=day)

    def date_of(self, day: float) -> date:
        return (self.day_zero + timedelta(days=day)).date()

    def day_of(self, when: datetime) -> float:
        return (when - self.day_zero) / timedelta(days=1)

    def agency(self, agency_id: str) -> AgencyPlan:
        return next(a for a in self.plan.agencies if a.agency_id == agency_id)

    # the people of an agency
    def buyer(self, agency_id: str) -> dict[str, str]:
        return self.api.as_("buyer", f"{agency_id}-buyer", agency=agency_id)

    def finance(self, agency_id: str) -> dict[str, str]:
        return self.api.as_("finance", f"{agency_id}-finance", agency=agency_id)

    def evaluator_sub(self, agency_id: str) -> str:
        return f"{agency_id}-evaluator"

    def evaluator(self, agency_id: str) -> dict[str, str]:
        return self.api.as_("evaluator", self.evaluator_sub(agency_id), agency=agency_id)

    def vendor(self, vendor_id: str) -> dict[str, str]:
        """The vendor's owner acting for it."""
        return self.api.as_("vendor", f"{vendor_id}-owner", vendor=vendor_id)
