-- Notifications: who may be told what (audiences derived from events), what each user
-- chose, the email and webhook outboxes and every delivery attempt.

-- Audiences, derived from events by the notifications.outbox projection (rebuildable).
CREATE TABLE IF NOT EXISTS notify_vendors (
    vendor_id      text PRIMARY KEY,
    legal_name     text NOT NULL,
    owner          text NOT NULL,
    contact_email  text,
    expires_at     timestamptz
);
CREATE TABLE IF NOT EXISTS notify_vendor_users (
    vendor_id  text NOT NULL,
    sub        text NOT NULL,
    PRIMARY KEY (vendor_id, sub)
);
CREATE INDEX IF NOT EXISTS notify_vendor_users_sub ON notify_vendor_users (sub);
CREATE TABLE IF NOT EXISTS notify_agencies (
    agency_id  text PRIMARY KEY,
    name       text NOT NULL
);
CREATE TABLE IF NOT EXISTS notify_follows (
    vendor_id       text NOT NULL,
    commodity_code  text NOT NULL,
    PRIMARY KEY (commodity_code, vendor_id)
);
CREATE TABLE IF NOT EXISTS notify_solicitations (
    solicitation_id      text PRIMARY KEY,
    agency_id            text NOT NULL,
    title                text NOT NULL DEFAULT '',
    jurisdiction         text NOT NULL DEFAULT '',
    buyer                text NOT NULL DEFAULT '',
    commodity_codes      text[] NOT NULL DEFAULT '{}',
    submission_deadline  timestamptz
);
-- Vendors with a stake in a solicitation: "bid", "asked" (a question) or "followed".
CREATE TABLE IF NOT EXISTS notify_interest (
    solicitation_id  text NOT NULL,
    vendor_id        text NOT NULL,
    how              text NOT NULL,
    PRIMARY KEY (solicitation_id, vendor_id, how)
);
CREATE TABLE IF NOT EXISTS notify_contracts (
    contract_id  text PRIMARY KEY,
    agency_id    text NOT NULL,
    vendor_id    text NOT NULL,
    buyer        text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS notify_invoices (
    invoice_id  text PRIMARY KEY,
    agency_id   text NOT NULL,
    vendor_id   text NOT NULL,
    number      text NOT NULL
);
CREATE TABLE IF NOT EXISTS notify_payments (
    payment_id  text PRIMARY KEY,
    invoice_id  text NOT NULL,
    agency_id   text NOT NULL,
    vendor_id   text NOT NULL
);

-- What each user chose (from notifications.PreferencesSet / Unsubscribed events).
CREATE TABLE IF NOT EXISTS notify_preferences (
    sub       text PRIMARY KEY,
    role      text NOT NULL,
    agency    text,
    vendor    text,
    email     text,
    language  text NOT NULL DEFAULT 'en',
    modes     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS notify_preferences_agency ON notify_preferences (agency, role);

-- Webhook subscriptions (from events); their secrets never enter the event store.
CREATE TABLE IF NOT EXISTS notify_webhooks (
    subscription_id  text PRIMARY KEY,
    owner            text NOT NULL,
    role             text NOT NULL,
    agency           text,
    vendor           text,
    url              text NOT NULL,
    kinds            text[] NOT NULL,
    status           text NOT NULL DEFAULT 'active',
    created_at       timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS notify_webhook_secrets (
    subscription_id  text PRIMARY KEY,
    secret           text NOT NULL
);

-- The email outbox. Rows are written by the projection in the transaction that moves
-- its checkpoint; ids derive from event ids, so a rebuild or a redelivery adds nothing.
-- The sender owns status, attempts and timestamps. Never truncated by a rebuild.
CREATE TABLE IF NOT EXISTS notify_outbox (
    notice_id        text PRIMARY KEY,
    kind             text NOT NULL,
    recipient        text NOT NULL,
    legal            boolean NOT NULL DEFAULT false,
    vars             jsonb NOT NULL,
    deliver_after    timestamptz NOT NULL,
    cancel_key       text,
    status           text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    address          text,
    digest_id        text,
    sent_at          timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notify_outbox_held ON notify_outbox (recipient) WHERE status = 'held';
CREATE INDEX IF NOT EXISTS notify_outbox_cancel ON notify_outbox (cancel_key) WHERE cancel_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS notify_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id   text NOT NULL,
    channel     text NOT NULL,
    at          timestamptz NOT NULL,
    outcome     text NOT NULL,
    detail      text
);
CREATE INDEX IF NOT EXISTS notify_attempts_notice ON notify_attempts (notice_id);

-- Addresses that answered with a permanent failure (SMTP 5xx): no more mail to them.
CREATE TABLE IF NOT EXISTS notify_bounces (
    address     text PRIMARY KEY,
    bounced_at  timestamptz NOT NULL,
    reply       text NOT NULL
);

-- The webhook outbox: in order per subscription and stream (seq), at least once.
CREATE TABLE IF NOT EXISTS notify_deliveries (
    delivery_id      text PRIMARY KEY,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    subscription_id  text NOT NULL,
    stream_id        text NOT NULL,
    event_id         text NOT NULL,
    kind             text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    body             jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    first_attempt_at timestamptz,
    next_attempt_at  timestamptz NOT NULL,
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz,
    replay_of        text
);
CREATE INDEX IF NOT EXISTS notify_deliveries_due ON notify_deliveries (subscription_id, stream_id, seq)
    WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notify_deliveries_log ON notify_deliveries (subscription_id, occurred_at);
