-- The payment audit trail: every event that touched an agency's money, in a hash chain
-- per agency (each entry hashes its content and the previous entry's hash).
CREATE TABLE payment_audit_entries (
    agency_id    text        NOT NULL,
    seq          bigint      NOT NULL,
    event_id     text        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    actor        text        NOT NULL,
    actor_role   text        NOT NULL,
    contract_id  text,
    invoice_id   text,
    payment_id   text,
    vendor_id    text,
    amount       bigint,
    currency     text,
    summary      text        NOT NULL,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL,
    PRIMARY KEY (agency_id, seq)
);
CREATE INDEX payment_audit_contract ON payment_audit_entries (contract_id, occurred_at);
CREATE INDEX payment_audit_vendor ON payment_audit_entries (vendor_id, occurred_at);
CREATE INDEX payment_audit_invoice ON payment_audit_entries (invoice_id);
CREATE INDEX payment_audit_payment ON payment_audit_entries (payment_id);
CREATE INDEX payment_audit_time ON payment_audit_entries (occurred_at);

-- Which agency, contract and vendor an invoice or payment belongs to (events after the
-- first carry only the invoice or payment id).
CREATE TABLE payment_audit_links (
    kind         text NOT NULL,  -- 'invoice' | 'payment'
    id           text NOT NULL,
    agency_id    text NOT NULL,
    contract_id  text,
    invoice_id   text,
    vendor_id    text,
    PRIMARY KEY (kind, id)
);

-- Prompt-payment compliance: one row per payment.
CREATE TABLE payment_audit_timeliness (
    payment_id   text PRIMARY KEY,
    agency_id    text        NOT NULL,
    invoice_id   text        NOT NULL,
    received_at  timestamptz,
    due_date     date,
    paid_at      timestamptz,
    interest     bigint      NOT NULL DEFAULT 0,
    currency     text        NOT NULL
);
CREATE INDEX payment_audit_timeliness_agency ON payment_audit_timeliness (agency_id, paid_at);
