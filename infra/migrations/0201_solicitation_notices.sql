-- Commodity codes each vendor follows, and the notices publishing produced for them.
CREATE TABLE IF NOT EXISTS solicitation_follows (
    vendor_id       text NOT NULL,
    commodity_code  text NOT NULL,
    followed_at     timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, commodity_code)
);
CREATE INDEX IF NOT EXISTS solicitation_follows_code ON solicitation_follows (commodity_code);

CREATE TABLE IF NOT EXISTS solicitation_notices (
    notice_id            text PRIMARY KEY,
    vendor_id            text NOT NULL,
    solicitation_id      text NOT NULL,
    agency_id            text NOT NULL,
    title                text NOT NULL,
    solicitation_type    text NOT NULL,
    matched_codes        text[] NOT NULL,
    submission_deadline  timestamptz NOT NULL,
    published_at         timestamptz NOT NULL,
    sent_at              timestamptz
);
CREATE INDEX IF NOT EXISTS solicitation_notices_vendor ON solicitation_notices (vendor_id, published_at DESC);
CREATE INDEX IF NOT EXISTS solicitation_notices_solicitation ON solicitation_notices (solicitation_id);
