-- Read model of vendor standing, used by bids and awards to decide who may take part.
-- Rebuildable from the event store (projections/vendor_standing).
CREATE TABLE vendor_standing (
    vendor_id        text PRIMARY KEY,
    owner            text        NOT NULL,
    legal_name       text        NOT NULL,
    name_key         text        NOT NULL,
    tax_key          text,
    status           text        NOT NULL,
    approved_at      timestamptz,
    expires_at       timestamptz,
    flagged_excluded boolean     NOT NULL DEFAULT false,
    local_agencies   text[]      NOT NULL DEFAULT '{}',
    commodity_codes  text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX vendor_standing_tax_key ON vendor_standing (tax_key);
CREATE INDEX vendor_standing_name_key ON vendor_standing (name_key);

CREATE TABLE vendor_standing_users (
    vendor_id   text NOT NULL,
    sub         text NOT NULL,
    PRIMARY KEY (vendor_id, sub)
);
CREATE INDEX vendor_standing_users_sub ON vendor_standing_users (sub);

CREATE TABLE vendor_standing_certifications (
    vendor_id       text NOT NULL,
    cert_id         text NOT NULL,
    program         text NOT NULL,
    status          text NOT NULL,
    effective_date  date NOT NULL,
    expiry_date     date NOT NULL,
    verified_at     timestamptz,
    PRIMARY KEY (vendor_id, cert_id)
);

-- The exclusion (debarment) list, matched by tax id digits or normalised legal name.
CREATE TABLE vendor_exclusions (
    exclusion_id  text PRIMARY KEY,
    name          text        NOT NULL,
    name_key      text        NOT NULL,
    tax_id        text,
    tax_key       text,
    reason        text        NOT NULL,
    from_date     date        NOT NULL,
    to_date       date,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX vendor_exclusions_tax_key ON vendor_exclusions (tax_key);
CREATE INDEX vendor_exclusions_name_key ON vendor_exclusions (name_key);
