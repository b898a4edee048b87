-- Where an award or a protest lives (services/awards/readmodel.py, inline), instead of
-- the events' payloads and their indexes. The evaluation now reads the solicitations'
-- and bids' facts, so its own copy of their events goes too.
CREATE TABLE award_index (
    id              text PRIMARY KEY,
    kind            text NOT NULL,  -- 'award' | 'protest'
    solicitation_id text NOT NULL
);

DROP INDEX IF EXISTS events_award_id;
DROP INDEX IF EXISTS events_protest_id;
DROP TABLE IF EXISTS award_solicitations;
DROP TABLE IF EXISTS award_bids;
DELETE FROM projection_checkpoints WHERE name = 'awards.evaluation_inputs';
