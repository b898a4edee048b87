"""Payments into the spend cube: attributed when started, counted when Stripe confirms them,
reduced by refunds in the month they are made.

A payment is attributed on its own date: the programs its vendor was certified in on the
payment date, and local when the vendor then claimed the paying agency's jurisdiction, so a
rebuild attributes every payment exactly as live did.
"""

from __future__ import annotations

from typing import Any

from events.base import Event
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from infra.eventstore import RecordedEvent
from projections.refunds import refund_row, refunds_added
from projections.statements import Bulk

# The category of a payment is that of its contract; days to pay count from the invoice's
# (last) receipt.
_STARTED = """
INSERT INTO spend_payments (payment_id, agency_id, vendor_id, contract_id, invoice_id, category, currency,
    amount, due_date)
SELECT DISTINCT ON (id) id, agency, vendor, contract, invoice,
    coalesce((SELECT c.category FROM spend_contracts c WHERE c.contract_id = i.contract), ''), currency, amount, due
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::date[])
     AS i(id, agency, vendor, contract, invoice, currency, amount, due)
WHERE agency <> '' AND vendor <> ''
ORDER BY id
ON CONFLICT (payment_id) DO NOTHING
"""


def _started(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.payment_id, e.agency_id, e.vendor_id, e.contract_id, e.invoice_id, e.amount.currency,
            e.amount.amount, e.due_date)


_SUMS = ("sum(amount)::bigint, sum(payments)::int, sum(late)::int, sum(timed)::int, sum(days_to_pay)::bigint,"
         " sum(interest)::bigint")
_ADDED = ("amount = s.amount + EXCLUDED.amount, payments = s.payments + EXCLUDED.payments,"
          " late = s.late + EXCLUDED.late, timed = s.timed + EXCLUDED.timed,"
          " days_to_pay = s.days_to_pay + EXCLUDED.days_to_pay, interest = s.interest + EXCLUDED.interest")


def _upsert(table: str, keys: str) -> str:
    return (f"INSERT INTO {table} AS s SELECT {keys}, {_SUMS} FROM delta GROUP BY {keys}"
            f" ON CONFLICT ({keys}) DO UPDATE SET {_ADDED}")


# Adds the ``delta`` rows to the cube and to its two smaller roll-ups (without the vendor,
# without the agency), in one statement.
_ADD = f"""
, by_agency AS ({_upsert("spend_cube_agency", "agency_id, month, category, currency, programs, local")}
), by_vendor AS ({_upsert("spend_cube_vendor", "month, category, vendor_id, currency, programs, local")}
)
{_upsert("spend_cube", "agency_id, month, category, vendor_id, currency, programs, local")}
"""

# Only a payment not yet paid is counted: a replayed success adds nothing.
_PAID = f"""
WITH input AS (
    SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::date[])
        AS i(id, amount, interest, day)
    ORDER BY id
), paid AS (
    UPDATE spend_payments p SET amount = i.amount, interest = i.interest, paid_on = i.day,
        programs = spend_programs_on(p.vendor_id, i.day),
        local = coalesce((SELECT p.agency_id = ANY(v.local_agencies) FROM spend_vendors v
                          WHERE v.vendor_id = p.vendor_id), false),
        days_to_pay = i.day - (SELECT r.received_on FROM spend_invoices r WHERE r.invoice_id = p.invoice_id)
    FROM input i WHERE p.payment_id = i.id AND p.paid_on IS NULL
    RETURNING p.*
), delta AS (
    SELECT agency_id, date_trunc('month', paid_on)::date AS month, category, vendor_id, currency, programs, local,
        amount, 1 AS payments, (due_date IS NOT NULL AND paid_on > due_date)::int AS late,
        (days_to_pay IS NOT NULL)::int AS timed, coalesce(days_to_pay, 0) AS days_to_pay, interest
    FROM paid
){_ADD}
"""


def _paid(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.payment_id, e.amount.amount, e.interest.amount, e.paid_at.date())


# A refund reduces spend in the month it is made, attributed like the payment it reverses.
_REFUND = refunds_added("spend_refunds") + f"""
, delta AS (
    SELECT p.agency_id, date_trunc('month', a.refunded_on)::date AS month, p.category, p.vendor_id, p.currency,
        p.programs, p.local, -a.amount AS amount, 0 AS payments, 0 AS late, 0 AS timed, 0 AS days_to_pay, 0 AS interest
    FROM added a JOIN spend_payments p USING (payment_id)
    WHERE p.paid_on IS NOT NULL
){_ADD}
"""


HANDLERS: dict[type[Event], Bulk] = {
    PaymentStarted: Bulk((_STARTED,), _started),
    PaymentSucceeded: Bulk((_PAID,), _paid),
    PaymentRefunded: Bulk((_REFUND,), refund_row),
}
