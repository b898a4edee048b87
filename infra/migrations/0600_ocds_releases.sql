-- OCDS open data (projection "ocds"): immutable releases and what building them needs.

-- One row per public change of a contracting process. The JSON is stored as text so the
-- release served is byte for byte the release written; rows are never updated or deleted
-- (a correction is a new release), only emptied by a rebuild (TRUNCATE).
CREATE TABLE ocds_releases (
    release_id  text PRIMARY KEY,
    ocid        text        NOT NULL,
    date        timestamptz NOT NULL,
    -- the global position of the event the release comes from: a stable order on rebuild
    tx          bigint      NOT NULL,
    pos         bigint      NOT NULL,
    release     json        NOT NULL
);
CREATE INDEX ocds_releases_feed ON ocds_releases (date, tx, pos);
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, date, tx, pos);

CREATE FUNCTION ocds_releases_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'OCDS releases are immutable; publish a new release instead';
END $$;
CREATE TRIGGER ocds_releases_immutable BEFORE UPDATE OR DELETE ON ocds_releases
    FOR EACH ROW EXECUTE FUNCTION ocds_releases_immutable();

-- The working state of each contracting process (draft tender, roles, signatures...).
CREATE TABLE ocds_processes (
    ocid            text PRIMARY KEY,
    solicitation_id text   NOT NULL UNIQUE,
    -- position of the first release: records are listed in the order processes went public
    first_tx        bigint,
    first_pos       bigint,
    state           jsonb  NOT NULL
);
CREATE INDEX ocds_processes_public ON ocds_processes (first_tx, first_pos) WHERE first_tx IS NOT NULL;

-- Public facts about organisations (names, locality, scale, verified certifications).
CREATE TABLE ocds_organisations (
    org_id  text PRIMARY KEY,
    facts   jsonb NOT NULL
);

-- Which process a contract or payment belongs to (their later events name only their id).
CREATE TABLE ocds_references (
    ref     text PRIMARY KEY,
    ocid    text  NOT NULL,
    facts   jsonb NOT NULL DEFAULT '{}'
);
