"""Builders for solicitation decider tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.base import Money
from events.solicitations import Criterion
from kernel.context import SYSTEM_ACTOR, Actor, Context
from services.solicitations.commands import CreateSolicitation, PublishSolicitation, Terms
from services.solicitations.deciders.solicitation import SOLICITATION

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
BUYER = Actor(sub="buyer-1", role="buyer", agency="ag1")


def at(now: datetime, actor: Actor = BUYER) -> Context:
    return Context(now=now, actor=actor)


def system(now: datetime) -> Context:
    return Context(now=now, actor=SYSTEM_ACTOR)


CRITERIA = [
    Criterion(criterion_id="price", name="Price", weight=40, is_price=True),
    Criterion(criterion_id="tech", name="Technical approach", weight=60),
]


def terms(**overrides) -> Terms:
    fields = dict(
        solicitation_type="RFP", title="Road salt", description="Winter supply", commodity_codes=["12345"],
        estimated_value=Money(amount=500_000_00, currency="USD"), method="open",
        submission_deadline=NOW + timedelta(days=30), questions_deadline=NOW + timedelta(days=20),
        opening_time=NOW + timedelta(days=30, hours=1), criteria=CRITERIA,
    ) | overrides
    return Terms(**fields)


def create(*, jurisdiction: str = "US", time_zone: str = "America/New_York", solicitation_id: str = "s1",
           **overrides) -> CreateSolicitation:
    """A draft of agency ag1 (federal rules, Eastern time unless told otherwise)."""
    return CreateSolicitation(solicitation_id=solicitation_id, agency_id="ag1", jurisdiction=jurisdiction,
                              time_zone=time_zone, terms=terms(**overrides))


def published(*, now: datetime = NOW, **overrides):
    return SOLICITATION.run([(create(**overrides), at(now)), (PublishSolicitation(), at(now))])
