-- The solicitation facts other contexts decide on, one row per solicitation (its events
-- folded), applied in the append's transaction (services/solicitations/readmodel/facts.py,
-- an inline projection) and read through services/solicitations/facts.py. It also serves
-- the splitting check, which read the events' payloads before: that index goes.
CREATE TABLE solicitation_facts (
    solicitation_id text PRIMARY KEY,
    agency_id       text NOT NULL,
    published_at    timestamptz,
    facts           jsonb NOT NULL
);
CREATE INDEX solicitation_facts_published ON solicitation_facts (agency_id, published_at)
    WHERE published_at IS NOT NULL;

DROP INDEX IF EXISTS events_solicitation_published_by_agency;
