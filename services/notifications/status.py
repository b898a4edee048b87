"""The notification outboxes as ``civic status`` and the metrics see them: depth and the
oldest undelivered item of the email outbox and of the webhook outbox."""

from __future__ import annotations

from infra.outboxes import Outbox

#: notices due and not yet accepted by the SMTP server (reminders due later are
#: "scheduled"; notices held for a daily digest are "held")
MAIL = Outbox("mail", """
SELECT count(*) FILTER (WHERE deliver_after <= $1) AS depth,
       min(deliver_after) FILTER (WHERE deliver_after <= $1) AS oldest,
       count(*) FILTER (WHERE deliver_after <= $1 AND attempts > 0) AS retrying,
       count(*) FILTER (WHERE deliver_after > $1) AS scheduled,
       (SELECT count(*) FROM notify_outbox WHERE status = 'held') AS held
FROM notify_outbox WHERE status = 'pending'
""")

#: webhook deliveries not yet answered with a 2xx, dated by their event; "backing_off":
#: those waiting for their next attempt after a failure
WEBHOOKS = Outbox("webhooks", """
SELECT count(*) AS depth, min(occurred_at) AS oldest, count(*) FILTER (WHERE attempts > 0) AS retrying,
       count(*) FILTER (WHERE next_attempt_at > $1) AS backing_off
FROM notify_deliveries WHERE status = 'pending'
""")

OUTBOXES = (MAIL, WEBHOOKS)
