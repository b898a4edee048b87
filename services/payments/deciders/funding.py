"""Where an agency's payments are drawn from: a Stripe payment method, set by its finance staff."""

from __future__ import annotations

import re

import msgspec

from events.base import Event
from events.payments import FundingSourceSet
from kernel.context import Context
from kernel.decider import Decider
from kernel.errors import Forbidden, field_error

_PAYMENT_METHOD = re.compile(r"^(pm|ba|src|card)_[A-Za-z0-9_]{1,250}$")


class SetFundingSource(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: str
    payment_method: str


class FundingSource(msgspec.Struct, frozen=True, kw_only=True):
    payment_method: str = ""


def decide(command: SetFundingSource, state: FundingSource, ctx: Context) -> list[Event]:
    actor = ctx.actor
    if not (actor.role == "admin" or (actor.role == "finance" and actor.agency == command.agency_id)):
        raise Forbidden("only finance staff of the agency set where it pays from")
    if not _PAYMENT_METHOD.match(command.payment_method):
        raise field_error("payment_method", "must be a Stripe payment method id such as pm_...")
    if command.payment_method == state.payment_method:
        return []
    return [FundingSourceSet(agency_id=command.agency_id, payment_method=command.payment_method)]


def evolve(state: FundingSource, event: Event) -> FundingSource:
    if isinstance(event, FundingSourceSet):
        return FundingSource(payment_method=event.payment_method)
    return state


FUNDING = Decider(stream_prefix="payment-funding", initial=FundingSource, decide=decide,
                  evolve=evolve)
