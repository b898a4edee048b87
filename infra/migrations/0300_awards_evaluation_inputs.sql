-- What an evaluation decides on: each solicitation's criteria and type, and the content
-- of its bids once unsealed (never before). Projected by services/awards/readmodel.py.
CREATE TABLE award_solicitations (
    solicitation_id         text PRIMARY KEY,
    agency_id               text    NOT NULL,
    solicitation_type       text    NOT NULL,
    title                   text    NOT NULL DEFAULT '',
    criteria                jsonb   NOT NULL DEFAULT '[]',
    allows_multiple_awards  boolean NOT NULL DEFAULT false,
    opened                  boolean NOT NULL DEFAULT false,
    cancelled               boolean NOT NULL DEFAULT false,
    bidders                 text[]  NOT NULL DEFAULT '{}'
);

CREATE TABLE award_bids (
    bid_id          text PRIMARY KEY,
    solicitation_id text    NOT NULL,
    vendor_id       text    NOT NULL,
    price_amount    bigint  NOT NULL,
    price_currency  text    NOT NULL,
    responses       jsonb   NOT NULL DEFAULT '[]',
    counts          boolean NOT NULL DEFAULT true
);
CREATE INDEX award_bids_solicitation ON award_bids (solicitation_id);

-- Awards and protests are found by their id in the store itself, so a client can use an
-- id the moment it is answered (no read model lag).
CREATE INDEX events_award_id ON events ((data->>'award_id'))
    WHERE type = 'awards.AwardRecommended.v1';
CREATE INDEX events_protest_id ON events ((data->>'protest_id'))
    WHERE type = 'awards.ProtestFiled.v1';
