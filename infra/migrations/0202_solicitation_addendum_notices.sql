-- Addenda are announced too: to the followers of the solicitation's codes and to its bidders.
ALTER TABLE solicitation_notices
    ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'published',
    ADD COLUMN IF NOT EXISTS addendum_number integer;

-- What an addendum notice repeats of its solicitation.
CREATE TABLE IF NOT EXISTS solicitation_notice_subjects (
    solicitation_id    text PRIMARY KEY,
    agency_id          text NOT NULL,
    title              text NOT NULL,
    solicitation_type  text NOT NULL,
    commodity_codes    text[] NOT NULL
);

-- Vendors that bid on a solicitation (never shown: it only addresses addendum notices).
CREATE TABLE IF NOT EXISTS solicitation_notice_bidders (
    solicitation_id  text NOT NULL,
    vendor_id        text NOT NULL,
    PRIMARY KEY (solicitation_id, vendor_id)
);
