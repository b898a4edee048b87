-- Every bid of a solicitation and its content once unsealed (never before), applied in
-- the append's transaction (services/bids/readmodel.py, inline; read through facts.py).
-- The opening read the bids from the events' payloads before: that index goes.
CREATE TABLE bid_facts (
    bid_id          text PRIMARY KEY,
    solicitation_id text    NOT NULL,
    vendor_id       text    NOT NULL,
    active          boolean NOT NULL,
    unsealed        jsonb
);
CREATE INDEX bid_facts_solicitation ON bid_facts (solicitation_id);

DROP INDEX IF EXISTS events_bid_submitted_by_solicitation;
