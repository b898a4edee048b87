-- One data key per person whose personal data events hold (crypto-shredding, see
-- infra/personal.py). ``forget`` sets key and subject_digest to NULL: the encrypted fields
-- of every event become unreadable, and the row stays as the record of when.
CREATE TABLE personal_keys (
    key_id          text        PRIMARY KEY,
    subject_digest  text        UNIQUE,          -- sha256 of "<kind>:<name>"; NULL once forgotten
    kind            text        NOT NULL,        -- contact | user | vendor | exclusion
    key             bytea,                       -- AES-256 key; NULL once forgotten
    holders         text[]      NOT NULL DEFAULT '{}',  -- vendors whose records hold the data
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    forgotten_at    timestamptz,
    CHECK ((key IS NULL) = (forgotten_at IS NOT NULL))
);
