-- The facts each context publishes for other contexts' decisions, as inline projections
-- (infra/inline.py): applied in the transaction that appends their events, read only
-- through that context's facts.py. They replace the reads of event payloads, so the
-- payload indexes that served those reads go, and the evaluation's own copy of the
-- solicitations' and bids' events with them.

-- services/solicitations/readmodel/facts.py: one solicitation's facts, folded
CREATE TABLE solicitation_facts (
    solicitation_id text PRIMARY KEY,
    agency_id       text NOT NULL,
    published_at    timestamptz,
    facts           jsonb NOT NULL
);
CREATE INDEX solicitation_facts_published ON solicitation_facts (agency_id, published_at)
    WHERE published_at IS NOT NULL;

-- services/agencies/readmodel.py
CREATE TABLE agency_facts (
    agency_id    text PRIMARY KEY,
    jurisdiction text NOT NULL,
    local_zip_prefixes text[] NOT NULL DEFAULT '{}'
);

-- services/bids/readmodel.py: every bid of a solicitation, and its content once unsealed
CREATE TABLE bid_facts (
    bid_id          text PRIMARY KEY,
    solicitation_id text    NOT NULL,
    vendor_id       text    NOT NULL,
    active          boolean NOT NULL,
    unsealed        jsonb
);
CREATE INDEX bid_facts_solicitation ON bid_facts (solicitation_id);

-- services/awards/readmodel.py: where an award or a protest lives
CREATE TABLE award_index (
    id              text PRIMARY KEY,
    kind            text NOT NULL,  -- 'award' | 'protest'
    solicitation_id text NOT NULL
);

DROP INDEX IF EXISTS events_bid_submitted_by_solicitation;
DROP INDEX IF EXISTS events_solicitation_published_by_agency;
DROP INDEX IF EXISTS events_award_id;
DROP INDEX IF EXISTS events_protest_id;
DROP TABLE IF EXISTS award_solicitations;
DROP TABLE IF EXISTS award_bids;
DELETE FROM projection_checkpoints WHERE name = 'awards.evaluation_inputs';
