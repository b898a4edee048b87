"""The prompt-payment clock: due dates and late-payment interest, as pure functions.

- An invoice not acted on is deemed accepted ``ACCEPTANCE_WINDOW`` after it was received.
- The due date is the later of N days after receipt of a proper invoice and N days after
  acceptance (N is the agency's ``prompt_payment_days``).
- Paid after the due date, the invoice accrues simple daily interest at the agency's
  annual rate (``rate / 365`` a day) from the day after the due date through the day of
  payment. An amount of interest under one unit of the currency is not owed.
Days are the local dates of the agency's IANA zone (``kernel.calendar``), so an invoice
received at 18:00 in Seattle is received that day, not on the next UTC date.

Where the agency's rule pack sets prompt-payment terms (``events.compliance.PaymentTerms``,
copied onto the invoice), the rate is the pack's statutory rate in force on the day after
the due date (the Treasury rate, the ECB rate plus eight points, one percent a month); an
agency that agreed a higher rate pays that, never less than the law's. Where the pack has
no rate on file for that date, the agency's rate applies and the record says so. A pack's
fixed compensation (EUR 40, Directive 2011/7/EU art. 6) is owed once per late invoice.
Each of these decisions is returned as ``RuleApplied`` with the pack, row and citation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from events.base import Money
from events.compliance import PaymentTerms, RuleApplied
from kernel import calendar
from kernel.money import exponent, fmt
from services.solicitations.facts import StatutoryRate, statutory_interest

ACCEPTANCE_WINDOW = timedelta(days=7)
DAYS_IN_YEAR = 365


def acceptance_deadline(received_at: datetime, zone: str = "UTC") -> datetime:
    """When an invoice received at ``received_at`` is deemed accepted: the same local time
    of day ``ACCEPTANCE_WINDOW`` calendar days later."""
    return calendar.add_days(received_at, ACCEPTANCE_WINDOW.days, calendar.CALENDAR_DAYS, "US", zone)


def due_date(received_at: datetime, accepted_at: datetime, days: int, zone: str = "UTC") -> date:
    """The later of ``days`` after receipt and ``days`` after acceptance, on local dates."""
    return max(calendar.local_date(received_at, zone), calendar.local_date(accepted_at, zone)) + timedelta(days=days)


def days_late(due: date, paid_on: date) -> int:
    return max((paid_on - due).days, 0)


def interest_owed(principal: Money, due: date, paid_on: date, annual_rate: float) -> Money:
    """Simple daily interest on ``principal`` for each day after ``due`` through ``paid_on``."""
    late = days_late(due, paid_on)
    if late == 0 or annual_rate <= 0:
        return Money(amount=0, currency=principal.currency)
    raw = Decimal(principal.amount) * Decimal(str(annual_rate)) * late / DAYS_IN_YEAR
    amount = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if amount < 10 ** exponent(principal.currency):  # under one dollar (unit) is not owed
        amount = 0
    return Money(amount=amount, currency=principal.currency)


def paid_on_time(due: date, paid_on: date) -> bool:
    return paid_on <= due


def paid_on_date(at: datetime, terms: PaymentTerms | None) -> date:
    """The local date of a payment in the agency's zone (UTC for invoices without terms)."""
    return calendar.local_date(at, terms.time_zone if terms else "UTC")


def _record(rule: str, source: PaymentTerms | StatutoryRate, *, required: str, used: str,
            complied: bool | None = True) -> RuleApplied:
    return RuleApplied(rule=rule, pack=source.pack, row=source.row, citation=source.citation, url=source.url,
                       effective_from=source.effective_from, basis=source.basis, required=required, used=used,
                       complied=complied)


def _percent(rate: float) -> str:
    return f"{rate * 100:g} % a year"


def due_date_rule(terms: PaymentTerms, received_at: datetime, accepted_at: datetime, agency_days: int,
                  due: date) -> RuleApplied:
    """The record of a due date: the pack's maximum days against the agency's terms."""
    latest = due_date(received_at, accepted_at, terms.days, terms.time_zone)
    return _record("payment_due", terms,
                   required=f"paid within {terms.days} calendar days of the later of receipt and acceptance: "
                            f"by {latest}",
                   used=f"due {due} ({agency_days} days, the agency's terms)", complied=due <= latest)


class LateCharges(msgspec.Struct, frozen=True, kw_only=True):
    interest: Money
    compensation: Money | None = None
    rules_applied: list[RuleApplied] = []


def late_charges(principal: Money, due: date, paid_on: date, agency_rate: float, terms: PaymentTerms | None,
                 *, compensation_due: bool = False) -> LateCharges:
    """Interest (and fixed compensation) owed on a payment made on ``paid_on``, with the
    record of the rule that set each. Without terms (no pack applies, or an invoice from
    before packs) the agency's rate applies and nothing is recorded, as before."""
    if terms is None:
        return LateCharges(interest=interest_owed(principal, due, paid_on, agency_rate))
    accrues = due + timedelta(days=1)
    statutory = statutory_interest(terms.pack, accrues)
    if statutory is None:
        rate = agency_rate
    elif terms.agency_rate_agreed:
        rate = max(statutory.annual_rate, agency_rate)
    else:
        rate = statutory.annual_rate
    interest = interest_owed(principal, due, paid_on, rate)
    late = days_late(due, paid_on)
    span = f"{late} days late (from {accrues} through {paid_on})" if late else f"paid by the due date {due}"
    if statutory is None:
        record = _record("interest_owed", terms, complied=None,
                         required=f"the statutory rate; none on file in the pack for {accrues}",
                         used=f"{fmt(interest)} at the agency's {_percent(rate)}, {span}")
    else:
        agreed = " (the agency's agreed rate)" if rate > statutory.annual_rate else ""
        record = _record("interest_owed", statutory,
                         required=f"{statutory.reference}: {_percent(statutory.annual_rate)} in force on {accrues}",
                         used=f"{fmt(interest)} at {_percent(rate)}{agreed}, {span}")
    applied = [record]
    compensation = None
    fixed = terms.fixed_compensation
    if fixed is not None and compensation_due and late > 0:
        if fixed.currency == principal.currency:
            compensation = fixed
            applied.append(_record("late_payment_compensation", terms, required=f"{fmt(fixed)} once per late "
                                   "invoice, without a reminder", used=f"{fmt(fixed)} paid with this payment"))
        else:
            applied.append(_record("late_payment_compensation", terms, complied=None,
                                   required=f"{fmt(fixed)} once per late invoice, without a reminder",
                                   used=f"not charged: the invoice is in {principal.currency}"))
    return LateCharges(interest=interest, compensation=compensation, rules_applied=applied)
