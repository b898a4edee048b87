-- Read model of vendor scorecards (projections/scorecard). Rebuildable from events; every
-- row is keyed by the id of what it records, so replays add nothing.

-- Each contract's value and end date as first opened and as amended so far.
CREATE TABLE scorecard_contracts (
    contract_id     text PRIMARY KEY,
    agency_id       text   NOT NULL,
    vendor_id       text   NOT NULL,
    currency        text   NOT NULL,
    original_value  bigint NOT NULL,
    current_value   bigint NOT NULL,
    original_end    date   NOT NULL,
    current_end     date   NOT NULL
);
CREATE INDEX scorecard_contracts_vendor ON scorecard_contracts (vendor_id);

-- An amendment in force: the value and end date before and after it.
CREATE TABLE scorecard_amendments (
    contract_id   text    NOT NULL,
    number        integer NOT NULL,
    agency_id     text    NOT NULL,
    vendor_id     text    NOT NULL,
    kind          text    NOT NULL,
    currency      text    NOT NULL,
    value_before  bigint  NOT NULL,
    value_after   bigint  NOT NULL,
    original_value bigint NOT NULL,
    end_before    date    NOT NULL,
    end_after     date    NOT NULL,
    modified_on   date    NOT NULL,
    PRIMARY KEY (contract_id, number)
);
CREATE INDEX scorecard_amendments_vendor ON scorecard_amendments (vendor_id);

CREATE TABLE scorecard_ratings (
    rating_id      text PRIMARY KEY,
    contract_id    text     NOT NULL,
    agency_id      text     NOT NULL,
    vendor_id      text     NOT NULL,
    quality        smallint NOT NULL,
    timeliness     smallint NOT NULL,
    cost_control   smallint NOT NULL,
    communication  smallint NOT NULL,
    rated_on       date     NOT NULL
);
CREATE INDEX scorecard_ratings_vendor ON scorecard_ratings (vendor_id, rated_on);

CREATE TABLE scorecard_invoices (
    invoice_id   text PRIMARY KEY,
    contract_id  text NOT NULL,
    agency_id    text NOT NULL,
    vendor_id    text NOT NULL
);
CREATE INDEX scorecard_invoices_vendor ON scorecard_invoices (vendor_id);

CREATE TABLE scorecard_disputes (
    event_id     text PRIMARY KEY,
    invoice_id   text NOT NULL,
    disputed_on  date NOT NULL
);
CREATE INDEX scorecard_disputes_invoice ON scorecard_disputes (invoice_id);

-- Protests the vendor filed; ``outcome`` once decided: dismissed, sustained (upheld) or withdrawn.
CREATE TABLE scorecard_protests (
    protest_id       text PRIMARY KEY,
    vendor_id        text NOT NULL,
    award_id         text NOT NULL,
    solicitation_id  text NOT NULL,
    filed_on         date NOT NULL,
    outcome          text
);
CREATE INDEX scorecard_protests_vendor ON scorecard_protests (vendor_id);
