-- Read model for marketplace search (projections/search). Rebuildable from the event store.
-- Every row remembers the global position of the last event applied to it (src_tx, src_pos):
-- an event at or before it is a replay and changes nothing.

CREATE TABLE search_agencies (
    agency_id   text PRIMARY KEY,
    name        text   NOT NULL,
    src_tx      bigint NOT NULL,
    src_pos     bigint NOT NULL
);

CREATE TABLE search_solicitations (
    solicitation_id     text PRIMARY KEY,
    agency_id           text        NOT NULL,
    kind                text        NOT NULL,
    title               text        NOT NULL,
    description         text        NOT NULL DEFAULT '',
    commodity_codes     text[]      NOT NULL DEFAULT '{}',
    -- every prefix of every code, so that "code starts with" is an indexed containment test
    commodity_prefixes  text[]      NOT NULL DEFAULT '{}',
    commodity_text      text        NOT NULL DEFAULT '',
    addenda_text        text        NOT NULL DEFAULT '',
    value_amount        bigint,
    value_currency      text,
    set_aside           text        NOT NULL DEFAULT 'none',
    method              text,
    published           boolean     NOT NULL DEFAULT false,
    -- lifecycle from events: draft, open, closed, evaluation, awarded, unsuccessful, cancelled;
    -- "open" past its deadline is reported as closed (the deadline is compared with the clock
    -- at query time, never stored as a status)
    stage               text        NOT NULL DEFAULT 'draft',
    deadline            timestamptz NOT NULL,
    published_at        timestamptz,
    src_tx              bigint      NOT NULL,
    src_pos             bigint      NOT NULL,
    document            tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, commodity_text), 'B') ||
        setweight(to_tsvector('english'::regconfig, description), 'C') ||
        setweight(to_tsvector('english'::regconfig, addenda_text), 'D')
    ) STORED
);
CREATE INDEX search_solicitations_document ON search_solicitations USING gin (document);
CREATE INDEX search_solicitations_prefixes ON search_solicitations USING gin (commodity_prefixes);
CREATE INDEX search_solicitations_stage_deadline ON search_solicitations (stage, deadline);
CREATE INDEX search_solicitations_agency ON search_solicitations (agency_id, stage);
CREATE INDEX search_solicitations_published_at ON search_solicitations (published_at);

CREATE TABLE search_vendors (
    vendor_id           text PRIMARY KEY,
    legal_name          text        NOT NULL,
    dba                 text        NOT NULL DEFAULT '',
    city                text        NOT NULL DEFAULT '',
    state               text        NOT NULL DEFAULT '',
    zip                 text        NOT NULL DEFAULT '',
    commodity_codes     text[]      NOT NULL DEFAULT '{}',
    commodity_prefixes  text[]      NOT NULL DEFAULT '{}',
    -- draft, submitted, approved, rejected, expired; "approved" past expires_at reads as expired
    status              text        NOT NULL DEFAULT 'draft',
    approved_at         timestamptz,
    expires_at          timestamptz,
    excluded            boolean     NOT NULL DEFAULT false,
    src_tx              bigint      NOT NULL,
    src_pos             bigint      NOT NULL,
    name_document       tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, legal_name || ' ' || dba)
    ) STORED
);
CREATE INDEX search_vendors_name ON search_vendors USING gin (name_document);
CREATE INDEX search_vendors_prefixes ON search_vendors USING gin (commodity_prefixes);
CREATE INDEX search_vendors_location ON search_vendors (state, city);
CREATE INDEX search_vendors_zip ON search_vendors (zip);

CREATE TABLE search_vendor_certifications (
    vendor_id       text   NOT NULL,
    cert_id         text   NOT NULL,
    program         text   NOT NULL,
    effective_date  date   NOT NULL,
    expiry_date     date   NOT NULL,
    verified_at     timestamptz,
    ended_on        date,
    rejected        boolean NOT NULL DEFAULT false,
    src_tx          bigint NOT NULL,
    src_pos         bigint NOT NULL,
    PRIMARY KEY (vendor_id, cert_id)
);
CREATE INDEX search_vendor_certifications_program ON search_vendor_certifications (program, vendor_id);
CREATE INDEX search_vendors_sort ON search_vendors (lower(legal_name), vendor_id);
