-- Read model of the spend cube, payment equity and the forecast (projections/spend).
-- Rebuildable from events. Reference rows remember the global position of the last event
-- applied (src_tx, src_pos); payments and refunds are keyed by their own ids, so replays
-- add nothing.

CREATE TABLE spend_vendors (
    vendor_id        text PRIMARY KEY,
    status           text   NOT NULL DEFAULT 'draft',
    commodity_codes  text[] NOT NULL DEFAULT '{}',
    -- agencies whose jurisdiction the business is local to
    local_agencies   text[] NOT NULL DEFAULT '{}',
    src_tx           bigint NOT NULL,
    src_pos          bigint NOT NULL
);
CREATE INDEX spend_vendors_codes ON spend_vendors USING gin (commodity_codes);

-- A certification counts on day d when it is verified and not rejected, and
-- max(effective_date, verified_on) <= d <= expiry_date, and d < ended_on, if any.
CREATE TABLE spend_certifications (
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

CREATE FUNCTION spend_programs_on(vendor text, day date) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT c.program ORDER BY c.program), '{}')
    FROM spend_certifications c
    WHERE c.vendor_id = vendor AND NOT c.rejected AND c.verified_on IS NOT NULL
      AND day >= greatest(c.effective_date, c.verified_on) AND day <= c.expiry_date
      AND (c.ended_on IS NULL OR day < c.ended_on)
$$;

CREATE TABLE spend_solicitations (
    solicitation_id  text PRIMARY KEY,
    agency_id        text   NOT NULL,
    -- first two digits of the first commodity code; '' when it has none
    category         text   NOT NULL,
    src_tx           bigint NOT NULL,
    src_pos          bigint NOT NULL
);

-- Contracts with their term: the forecast's re-competitions are the end dates.
CREATE TABLE spend_contracts (
    contract_id      text PRIMARY KEY,
    solicitation_id  text   NOT NULL,
    agency_id        text   NOT NULL,
    vendor_id        text   NOT NULL,
    category         text   NOT NULL,
    currency         text   NOT NULL,
    value            bigint NOT NULL,
    start_date       date   NOT NULL,
    end_date         date   NOT NULL,
    status           text   NOT NULL DEFAULT 'pending',
    src_tx           bigint NOT NULL,
    src_pos          bigint NOT NULL
);
CREATE INDEX spend_contracts_agency_end ON spend_contracts (agency_id, end_date);

-- When each invoice was (last) received: days to pay count from here.
CREATE TABLE spend_invoices (
    invoice_id   text PRIMARY KEY,
    received_on  date   NOT NULL,
    src_tx       bigint NOT NULL,
    src_pos      bigint NOT NULL
);

CREATE TABLE spend_payments (
    payment_id   text PRIMARY KEY,
    agency_id    text    NOT NULL,
    vendor_id    text    NOT NULL,
    contract_id  text    NOT NULL,
    invoice_id   text    NOT NULL,
    category     text    NOT NULL,
    currency     text    NOT NULL,
    amount       bigint  NOT NULL,
    due_date     date,
    paid_on      date,
    interest     bigint,
    -- programs the vendor was certified in on the payment date; local to the paying agency then
    programs     text[],
    local        boolean,
    days_to_pay  integer
);

CREATE TABLE spend_refunds (
    event_id     text PRIMARY KEY,
    payment_id   text   NOT NULL,
    amount       bigint NOT NULL,
    refunded_on  date   NOT NULL
);

-- Spend paid by agency, calendar month (its first day), category, vendor, currency, the
-- vendor's programs on the payment date and whether it was local. ``amount`` is principal net
-- of refunds (a refund counts in the month it was made, with payments 0); ``payments``,
-- ``late``, ``timed``, ``days_to_pay`` and ``interest`` describe the payments made.
CREATE TABLE spend_cube (
    agency_id    text    NOT NULL,
    month        date    NOT NULL,
    category     text    NOT NULL,
    vendor_id    text    NOT NULL,
    currency     text    NOT NULL,
    programs     text[]  NOT NULL,
    local        boolean NOT NULL,
    amount       bigint  NOT NULL,
    payments     integer NOT NULL,
    late         integer NOT NULL,
    -- payments whose invoice receipt is known, and their days from receipt to payment (a sum)
    timed        integer NOT NULL,
    days_to_pay  bigint  NOT NULL,
    interest     bigint  NOT NULL,
    PRIMARY KEY (agency_id, month, category, vendor_id, currency, programs, local)
);
CREATE INDEX spend_cube_month ON spend_cube (month);

-- The same sums without the vendor (what most of a report reads) and without the agency
-- (vendors across all agencies: top vendors and concentration), so that a report reads the
-- smallest table that has the dimensions it needs.
CREATE TABLE spend_cube_agency (
    agency_id    text    NOT NULL,
    month        date    NOT NULL,
    category     text    NOT NULL,
    currency     text    NOT NULL,
    programs     text[]  NOT NULL,
    local        boolean NOT NULL,
    amount       bigint  NOT NULL,
    payments     integer NOT NULL,
    late         integer NOT NULL,
    timed        integer NOT NULL,
    days_to_pay  bigint  NOT NULL,
    interest     bigint  NOT NULL,
    PRIMARY KEY (agency_id, month, category, currency, programs, local)
);
CREATE INDEX spend_cube_agency_month ON spend_cube_agency (month);

CREATE TABLE spend_cube_vendor (
    month        date    NOT NULL,
    category     text    NOT NULL,
    vendor_id    text    NOT NULL,
    currency     text    NOT NULL,
    programs     text[]  NOT NULL,
    local        boolean NOT NULL,
    amount       bigint  NOT NULL,
    payments     integer NOT NULL,
    late         integer NOT NULL,
    timed        integer NOT NULL,
    days_to_pay  bigint  NOT NULL,
    interest     bigint  NOT NULL,
    PRIMARY KEY (month, category, vendor_id, currency, programs, local)
);
