-- Red flags per contracting process (projections/risk_flags): what the projection keeps
-- of each process between events, the links it needs to find a process from a contract
-- or a payment, and the flags raised.
CREATE TABLE rf_processes (
    solicitation_id text PRIMARY KEY,
    agency_id       text  NOT NULL DEFAULT '',
    state           jsonb NOT NULL
);

CREATE TABLE rf_contracts (
    contract_id     text PRIMARY KEY,
    solicitation_id text   NOT NULL,
    value           bigint NOT NULL  -- the current value, after modifications
);

CREATE TABLE rf_payments (
    payment_id  text PRIMARY KEY,
    contract_id text NOT NULL
);

CREATE TABLE rf_excluded_vendors (
    vendor_id text PRIMARY KEY
);

CREATE TABLE rf_awards (
    award_id        text PRIMARY KEY,
    solicitation_id text        NOT NULL,
    agency_id       text        NOT NULL,
    vendor_id       text        NOT NULL,
    family          text        NOT NULL,
    value           bigint      NOT NULL,
    awarded_at      timestamptz NOT NULL
);
CREATE INDEX rf_awards_agency_family ON rf_awards (agency_id, family);
CREATE INDEX rf_awards_vendor_family ON rf_awards (vendor_id, family);

CREATE TABLE rf_flags (
    solicitation_id text NOT NULL,
    code            text NOT NULL,
    scope           text NOT NULL,  -- process | dominant | cross_agency
    agency_id       text NOT NULL,
    as_of           date NOT NULL,
    detail          text NOT NULL,
    PRIMARY KEY (solicitation_id, code, scope)
);
CREATE INDEX rf_flags_agency ON rf_flags (agency_id, as_of);
CREATE INDEX rf_flags_code ON rf_flags (code, as_of);
