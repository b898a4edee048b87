"""Bids, awards and payments: the facts a diversity report adds up.

Each fact records the programs its vendor was certified in on the fact's own date (bid
received, award finalized, payment made), so a certification verified later or expired
earlier never counts for it, and a rebuild attributes every fact exactly as live did.
"""

from __future__ import annotations

from typing import Any

from events.awards import AwardCancelled, AwardFinalized
from events.base import Event
from events.bids import BidReplaced, BidSubmitted, BidWithdrawn
from events.payments import PaymentRefunded, PaymentStarted, PaymentSucceeded
from infra.eventstore import RecordedEvent
from projections.diversity.figures import BUCKETS
from projections.refunds import refund_row, refunds_added
from projections.statements import Bulk, fields, position

_BID = """
INSERT INTO diversity_bids AS b (solicitation_id, vendor_id, agency_id, category, received_on, programs, won,
    src_tx, src_pos)
SELECT DISTINCT ON (sid, vid) sid, vid, s.agency_id, s.category, day, diversity_programs_on(vid, day),
    EXISTS (SELECT 1 FROM diversity_awards a WHERE a.solicitation_id = sid AND a.vendor_id = vid AND NOT a.cancelled),
    tx, pos
FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[], $5::bigint[]) AS i(sid, vid, day, tx, pos)
JOIN diversity_solicitations s ON s.solicitation_id = i.sid
ORDER BY sid, vid, tx DESC, pos DESC
ON CONFLICT (solicitation_id, vendor_id) DO UPDATE SET received_on = EXCLUDED.received_on,
    programs = EXCLUDED.programs, withdrawn = false, src_tx = EXCLUDED.src_tx, src_pos = EXCLUDED.src_pos
WHERE (b.src_tx, b.src_pos) < (EXCLUDED.src_tx, EXCLUDED.src_pos)
"""

_BID_WITHDRAWN = """
UPDATE diversity_bids b SET withdrawn = true, src_tx = i.tx, src_pos = i.pos
FROM (SELECT DISTINCT ON (sid, vid) * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      AS i(sid, vid, tx, pos) ORDER BY sid, vid, tx DESC, pos DESC) i
WHERE b.solicitation_id = i.sid AND b.vendor_id = i.vid AND (b.src_tx, b.src_pos) < (i.tx, i.pos)
"""


def _bid(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.solicitation_id, e.vendor_id, e.received_at.date(), *position(r))


def _bid_withdrawn(r: RecordedEvent) -> tuple[Any, ...]:
    return (fields(r).solicitation_id, fields(r).vendor_id, *position(r))


_AWARD = """
INSERT INTO diversity_awards (award_id, solicitation_id, agency_id, vendor_id, currency, amount, awarded_on,
    category, programs)
SELECT DISTINCT ON (id) id, sid, agency, vendor, currency, amount, day,
    coalesce((SELECT s.category FROM diversity_solicitations s WHERE s.solicitation_id = i.sid), ''),
    diversity_programs_on(vendor, day)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::date[])
     AS i(id, sid, agency, vendor, currency, amount, day)
ORDER BY id
ON CONFLICT (award_id) DO NOTHING
"""

# A bid wins while an award to its vendor on its solicitation stands.
_WINS = """
UPDATE diversity_bids b SET won = EXISTS (SELECT 1 FROM diversity_awards a WHERE a.solicitation_id = b.solicitation_id
    AND a.vendor_id = b.vendor_id AND NOT a.cancelled)
FROM diversity_awards changed
WHERE changed.award_id = ANY($1::text[]) AND b.solicitation_id = changed.solicitation_id
  AND b.vendor_id = changed.vendor_id
"""

_AWARD_CANCELLED = "UPDATE diversity_awards SET cancelled = true WHERE award_id = ANY($1::text[])"


def _award(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    return (e.award_id, e.solicitation_id, e.agency_id, e.vendor_id, e.value.currency, e.value.amount,
            e.finalized_at.date())


# The category of a payment is that of the solicitation its contract came from.
_PAYMENT = """
INSERT INTO diversity_payments (payment_id, agency_id, vendor_id, contract_id, category)
SELECT DISTINCT ON (id) id, agency, vendor, contract,
    coalesce((SELECT s.category FROM diversity_contracts c JOIN diversity_solicitations s USING (solicitation_id)
              WHERE c.contract_id = i.contract), '')
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::date[])
     AS i(id, agency, vendor, contract, amount, currency, day)
WHERE agency <> '' AND vendor <> ''
ORDER BY id
ON CONFLICT (payment_id) DO NOTHING
"""

# Adds the ``delta`` rows (agency_id, day, category, currency, program, amount) to the daily
# and monthly totals.
_ADD_TO_TOTALS = """
, daily AS (
    INSERT INTO diversity_spend_daily AS d SELECT * FROM delta
    ON CONFLICT (agency_id, day, category, currency, program) DO UPDATE SET amount = d.amount + EXCLUDED.amount
)
INSERT INTO diversity_spend_monthly AS m
SELECT agency_id, date_trunc('month', day)::date, category, currency, program, sum(amount)::bigint
FROM delta GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (agency_id, month, category, currency, program) DO UPDATE SET amount = m.amount + EXCLUDED.amount
"""


# Only a payment not yet paid is counted: a replayed success adds nothing.
_PAID = f"""
WITH input AS (
    SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
        $6::text[], $7::date[]) AS i(id, agency, vendor, contract, amount, currency, day)
    ORDER BY id
), paid AS (
    UPDATE diversity_payments p SET amount = i.amount, currency = i.currency, paid_on = i.day,
        programs = diversity_programs_on(p.vendor_id, i.day)
    FROM input i WHERE p.payment_id = i.id AND p.paid_on IS NULL
    RETURNING p.agency_id, p.paid_on AS day, p.category, p.currency, p.amount, p.programs
), delta AS (
    SELECT agency_id, day, category, currency, program, sum(amount)::bigint AS amount
    FROM paid CROSS JOIN LATERAL {BUCKETS} AS program
    GROUP BY 1, 2, 3, 4, 5
){_ADD_TO_TOTALS}
"""


def _payment(r: RecordedEvent) -> tuple[Any, ...]:
    e: Any = r.event
    paid_at = getattr(e, "paid_at", None)
    return (e.payment_id, e.agency_id, e.vendor_id, e.contract_id, e.amount.amount, e.amount.currency,
            paid_at.date() if paid_at else None)


# A refund reduces spend on the day it is made, attributed like the payment it reverses.
_REFUND = refunds_added("diversity_refunds") + f"""
, delta AS (
    SELECT p.agency_id, a.refunded_on AS day, p.category, p.currency, program, -sum(a.amount)::bigint AS amount
    FROM added a JOIN diversity_payments p USING (payment_id) CROSS JOIN LATERAL {BUCKETS} AS program
    WHERE p.paid_on IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
){_ADD_TO_TOTALS}
"""


HANDLERS: dict[type[Event], Bulk] = {
    BidSubmitted: Bulk((_BID,), _bid),
    BidReplaced: Bulk((_BID,), _bid),
    BidWithdrawn: Bulk((_BID_WITHDRAWN,), _bid_withdrawn),
    AwardFinalized: Bulk((_AWARD, _WINS), _award),
    AwardCancelled: Bulk((_AWARD_CANCELLED, _WINS), lambda r: (fields(r).award_id,)),
    PaymentStarted: Bulk((_PAYMENT,), _payment),
    PaymentSucceeded: Bulk((_PAYMENT, _PAID), _payment),
    PaymentRefunded: Bulk((_REFUND,), refund_row),
}
