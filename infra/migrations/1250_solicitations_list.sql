-- The solicitations list (GET /api/v1/solicitations): one row per solicitation with the
-- status its own stream gives it, paged by creation (newest first) with a keyset.
CREATE TABLE solicitations_list (
    solicitation_id     text PRIMARY KEY,
    agency_id           text        NOT NULL,
    status              text        NOT NULL,
    solicitation_type   text        NOT NULL,
    title               text        NOT NULL,
    created_at          timestamptz NOT NULL,
    published_at        timestamptz,
    submission_deadline timestamptz NOT NULL,
    version             integer     NOT NULL
);

CREATE INDEX solicitations_list_by_agency ON solicitations_list (agency_id, created_at DESC, solicitation_id DESC);
CREATE INDEX solicitations_list_by_creation ON solicitations_list (created_at DESC, solicitation_id DESC);
