"""The prompt-payment clock: due dates and late-payment interest, as pure functions.

- An invoice not acted on is deemed accepted ``ACCEPTANCE_WINDOW`` after it was received.
- The due date is the later of N days after receipt of a proper invoice and N days after
  acceptance (N is the agency's ``prompt_payment_days``).
- Paid after the due date, the invoice accrues simple daily interest at the agency's
  annual rate (``rate / 365`` a day) from the day after the due date through the day of
  payment. An amount of interest under one unit of the currency is not owed.
Days are the local dates of the agency's IANA zone (``kernel.calendar``), so an invoice
received at 18:00 in Seattle is received that day, not on the next UTC date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from events.base import Money
from kernel import calendar
from kernel.money import exponent

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
