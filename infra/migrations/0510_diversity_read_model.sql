-- Read model for supplier-diversity reporting (projections/diversity). Rebuildable from events.
-- Reference rows remember the global position of the last event applied (src_tx, src_pos);
-- facts (payments, refunds, awards) are keyed by their own ids, so replays add nothing.

CREATE TABLE diversity_agencies (
    agency_id   text PRIMARY KEY,
    name        text,
    goals       jsonb  NOT NULL DEFAULT '[]',
    src_tx      bigint NOT NULL,
    src_pos     bigint NOT NULL
);

CREATE TABLE diversity_vendors (
    vendor_id        text PRIMARY KEY,
    status           text   NOT NULL DEFAULT 'draft',
    approved_on      date,
    commodity_codes  text[] NOT NULL DEFAULT '{}',
    src_tx           bigint NOT NULL,
    src_pos          bigint NOT NULL
);

-- A certification counts on day d when it is verified and not rejected, and
-- max(effective_date, verified_on) <= d <= expiry_date, and d < ended_on (the day its expiry
-- was recorded), if any.
CREATE TABLE diversity_certifications (
    vendor_id       text    NOT NULL,
    cert_id         text    NOT NULL,
    program         text    NOT NULL,
    effective_date  date    NOT NULL,
    expiry_date     date    NOT NULL,
    verified_on     date,
    ended_on        date,
    rejected        boolean NOT NULL DEFAULT false,
    src_tx          bigint  NOT NULL,
    src_pos         bigint  NOT NULL,
    PRIMARY KEY (vendor_id, cert_id)
);

CREATE FUNCTION diversity_programs_on(vendor text, day date) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT c.program ORDER BY c.program), '{}')
    FROM diversity_certifications c
    WHERE c.vendor_id = vendor AND NOT c.rejected AND c.verified_on IS NOT NULL
      AND day >= greatest(c.effective_date, c.verified_on) AND day <= c.expiry_date
      AND (c.ended_on IS NULL OR day < c.ended_on)
$$;

CREATE TABLE diversity_solicitations (
    solicitation_id  text PRIMARY KEY,
    agency_id        text   NOT NULL,
    -- first two digits of the first commodity code; '' when it has none
    category         text   NOT NULL,
    src_tx           bigint NOT NULL,
    src_pos          bigint NOT NULL
);

CREATE TABLE diversity_contracts (
    contract_id      text PRIMARY KEY,
    solicitation_id  text NOT NULL,
    agency_id        text NOT NULL,
    vendor_id        text NOT NULL
);

-- One row per bidder and solicitation (a replaced bid is still one bid). Agency and category
-- are the solicitation's; ``won`` follows the awards (finalized and not cancelled).
CREATE TABLE diversity_bids (
    solicitation_id  text    NOT NULL,
    vendor_id        text    NOT NULL,
    agency_id        text    NOT NULL,
    category         text    NOT NULL,
    received_on      date    NOT NULL,
    programs         text[]  NOT NULL,
    withdrawn        boolean NOT NULL DEFAULT false,
    won              boolean NOT NULL DEFAULT false,
    src_tx           bigint  NOT NULL,
    src_pos          bigint  NOT NULL,
    PRIMARY KEY (solicitation_id, vendor_id)
);
CREATE INDEX diversity_bids_agency_received ON diversity_bids (agency_id, received_on);
CREATE INDEX diversity_bids_received ON diversity_bids (received_on);

CREATE TABLE diversity_awards (
    award_id         text PRIMARY KEY,
    solicitation_id  text    NOT NULL,
    agency_id        text    NOT NULL,
    vendor_id        text    NOT NULL,
    currency         text    NOT NULL,
    amount           bigint  NOT NULL,
    awarded_on       date    NOT NULL,
    category         text    NOT NULL,
    -- programs the vendor was certified in on the award date
    programs         text[]  NOT NULL,
    cancelled        boolean NOT NULL DEFAULT false
);
CREATE INDEX diversity_awards_agency_day ON diversity_awards (agency_id, awarded_on);
CREATE INDEX diversity_awards_day ON diversity_awards (awarded_on);
CREATE INDEX diversity_awards_solicitation ON diversity_awards (solicitation_id, vendor_id);

CREATE TABLE diversity_payments (
    payment_id   text PRIMARY KEY,
    agency_id    text   NOT NULL,
    vendor_id    text   NOT NULL,
    contract_id  text   NOT NULL,
    category     text   NOT NULL,
    currency     text,
    amount       bigint,
    paid_on      date,
    -- programs the vendor was certified in on the payment date
    programs     text[]
);

CREATE TABLE diversity_refunds (
    event_id     text PRIMARY KEY,
    payment_id   text   NOT NULL,
    amount       bigint NOT NULL,
    refunded_on  date   NOT NULL
);

-- Spend paid, pre-aggregated. ``program`` is a certification program, '_any' (paid to a vendor
-- certified in at least one program: each dollar once) or '_all' (all spend).
CREATE TABLE diversity_spend_daily (
    agency_id  text   NOT NULL,
    day        date   NOT NULL,
    category   text   NOT NULL,
    currency   text   NOT NULL,
    program    text   NOT NULL,
    amount     bigint NOT NULL,
    PRIMARY KEY (agency_id, day, category, currency, program)
);
CREATE INDEX diversity_spend_daily_day ON diversity_spend_daily (day);

-- The same by calendar month (``month`` is its first day): whole months of a report come from
-- here, only the partial months at its edges from the daily table.
CREATE TABLE diversity_spend_monthly (
    agency_id  text   NOT NULL,
    month      date   NOT NULL,
    category   text   NOT NULL,
    currency   text   NOT NULL,
    program    text   NOT NULL,
    amount     bigint NOT NULL,
    PRIMARY KEY (agency_id, month, category, currency, program)
);
CREATE INDEX diversity_spend_monthly_month ON diversity_spend_monthly (month);
