-- The assistance layer's own read model (services/assistance/readmodel.py): what matching
-- ranks on, built from the events of vendors, agencies, solicitations, bids, awards and
-- contracts, and what was suggested and decided. ``seq`` moves on every change of a row,
-- so an in-process vector index can pick up only what changed since it last looked.
CREATE SEQUENCE assist_seq;

CREATE TABLE assist_agencies (
    agency_id    text PRIMARY KEY,
    name         text NOT NULL DEFAULT '',
    jurisdiction text NOT NULL DEFAULT ''
);

CREATE TABLE assist_vendors (
    vendor_id       text PRIMARY KEY,
    legal_name      text    NOT NULL DEFAULT '',
    status          text    NOT NULL DEFAULT 'draft',
    excluded        boolean NOT NULL DEFAULT false,
    state           text    NOT NULL DEFAULT '',
    commodity_codes text[]  NOT NULL DEFAULT '{}',
    local_agencies  text[]  NOT NULL DEFAULT '{}',
    capability      text    NOT NULL DEFAULT '',
    users           text[]  NOT NULL DEFAULT '{}',
    embedding       bytea,
    seq             bigint  NOT NULL DEFAULT nextval('assist_seq')
);
CREATE INDEX assist_vendors_seq ON assist_vendors (seq);

CREATE TABLE assist_vendor_certs (
    vendor_id      text NOT NULL,
    cert_id        text NOT NULL,
    program        text NOT NULL,
    effective_date date NOT NULL,
    expiry_date    date NOT NULL,
    status         text NOT NULL DEFAULT 'pending',
    PRIMARY KEY (vendor_id, cert_id)
);

CREATE TABLE assist_solicitations (
    solicitation_id     text PRIMARY KEY,
    agency_id           text    NOT NULL,
    solicitation_type   text    NOT NULL DEFAULT '',
    title               text    NOT NULL DEFAULT '',
    description         text    NOT NULL DEFAULT '',
    commodity_codes     text[]  NOT NULL DEFAULT '{}',
    set_aside           text,
    estimated_amount    bigint  NOT NULL DEFAULT 0,
    currency            text    NOT NULL DEFAULT 'USD',
    status              text    NOT NULL DEFAULT 'draft',
    published_at        timestamptz,
    submission_deadline timestamptz,
    embedding           bytea,
    seq                 bigint  NOT NULL DEFAULT nextval('assist_seq')
);
CREATE INDEX assist_solicitations_seq ON assist_solicitations (seq);

-- Past work: who bid on what, who won what, and how the contracts went.
CREATE TABLE assist_bidders (
    vendor_id       text NOT NULL,
    solicitation_id text NOT NULL,
    PRIMARY KEY (vendor_id, solicitation_id)
);

CREATE TABLE assist_contracts (
    contract_id     text PRIMARY KEY,
    solicitation_id text    NOT NULL,
    agency_id       text    NOT NULL,
    vendor_id       text    NOT NULL,
    status          text    NOT NULL DEFAULT 'pending',
    value_amount    bigint  NOT NULL DEFAULT 0,
    currency        text    NOT NULL DEFAULT 'USD',
    end_date        date,
    rating_total    integer NOT NULL DEFAULT 0,
    rating_count    integer NOT NULL DEFAULT 0,
    seq             bigint  NOT NULL DEFAULT nextval('assist_seq')
);
CREATE INDEX assist_contracts_vendor ON assist_contracts (vendor_id);
CREATE INDEX assist_contracts_seq ON assist_contracts (seq);

-- What people said of suggestions.
CREATE TABLE assist_dismissals (
    vendor_id       text NOT NULL,
    solicitation_id text NOT NULL,
    suggestion_id   text,
    reason          text NOT NULL DEFAULT '',
    dismissed_at    timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, solicitation_id)
);

CREATE TABLE assist_suggestions (
    suggestion_id text PRIMARY KEY,
    list_kind     text        NOT NULL,
    subject_id    text        NOT NULL,
    asked_by      text        NOT NULL,
    asked_role    text        NOT NULL,
    agency_id     text,
    model         text        NOT NULL,
    model_version text        NOT NULL,
    inputs_hash   text        NOT NULL,
    items         jsonb       NOT NULL,
    shown_at      timestamptz NOT NULL
);
CREATE INDEX assist_suggestions_subject ON assist_suggestions (subject_id, shown_at);

CREATE TABLE assist_decisions (
    event_id        text PRIMARY KEY,
    solicitation_id text        NOT NULL,
    decision        text        NOT NULL,  -- invited | proceed | use_existing_contract | withdraw
    suggestion_id   text,
    vendor_ids      text[]      NOT NULL DEFAULT '{}',
    detail          text        NOT NULL DEFAULT '',
    decided_by      text        NOT NULL,
    decided_at      timestamptz NOT NULL
);
CREATE INDEX assist_decisions_solicitation ON assist_decisions (solicitation_id, decided_at);
