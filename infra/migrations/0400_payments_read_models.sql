-- Read models of the payments service (rebuildable from the event store).

-- What invoicing needs to know about contracts and the buying agencies' payment terms.
CREATE TABLE payments_contracts (
    contract_id       text PRIMARY KEY,
    agency_id         text    NOT NULL,
    vendor_id         text    NOT NULL,
    value_amount      bigint  NOT NULL,
    currency          text    NOT NULL,
    status            text    NOT NULL,
    requires_receipt  boolean NOT NULL DEFAULT false
);

CREATE TABLE payments_agency_terms (
    agency_id                  text PRIMARY KEY,
    prompt_payment_days        integer          NOT NULL,
    late_interest_annual_rate  double precision NOT NULL
);

-- Invoices and payments as finance and vendors list them.
CREATE TABLE payments_invoices (
    invoice_id        text PRIMARY KEY,
    contract_id       text        NOT NULL,
    agency_id         text        NOT NULL,
    vendor_id         text        NOT NULL,
    number            text        NOT NULL,
    status            text        NOT NULL,
    total_amount      bigint      NOT NULL,
    currency          text        NOT NULL,
    received_at       timestamptz NOT NULL,
    accepted_at       timestamptz,
    due_date          date,
    approved_amount   bigint      NOT NULL DEFAULT 0,
    paid_amount       bigint      NOT NULL DEFAULT 0,
    interest_paid     bigint      NOT NULL DEFAULT 0,
    refunded_amount   bigint      NOT NULL DEFAULT 0,
    last_paid_at      timestamptz,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX payments_invoices_agency ON payments_invoices (agency_id, status);
CREATE INDEX payments_invoices_vendor ON payments_invoices (vendor_id, status);
CREATE INDEX payments_invoices_due ON payments_invoices (due_date) WHERE paid_amount < total_amount;

CREATE TABLE payments_payments (
    payment_id             text PRIMARY KEY,
    invoice_id             text        NOT NULL,
    contract_id            text        NOT NULL,
    agency_id              text        NOT NULL,
    vendor_id              text        NOT NULL,
    status                 text        NOT NULL,
    amount                 bigint      NOT NULL,
    interest               bigint      NOT NULL,
    refunded               bigint      NOT NULL DEFAULT 0,
    currency               text        NOT NULL,
    stripe_payment_intent  text        NOT NULL,
    attempt                integer     NOT NULL,
    started_at             timestamptz NOT NULL,
    paid_at                timestamptz
);
CREATE INDEX payments_payments_invoice ON payments_payments (invoice_id);
CREATE INDEX payments_payments_intent ON payments_payments (stripe_payment_intent);
