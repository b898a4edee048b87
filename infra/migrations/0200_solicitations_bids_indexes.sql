-- Bids of a solicitation, read straight from the store (strongly consistent: the opening
-- and the deadline checks must never miss a bid that a lagging read model has not seen).
CREATE INDEX IF NOT EXISTS events_bid_submitted_by_solicitation
    ON events ((data->>'solicitation_id'))
    WHERE type = 'bids.BidSubmitted.v1';

-- An agency's recent publications, for the splitting check.
CREATE INDEX IF NOT EXISTS events_solicitation_published_by_agency
    ON events ((data->>'agency_id'))
    WHERE type = 'solicitations.SolicitationPublished.v1';
