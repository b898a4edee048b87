-- Documents: the read model of attached documents (one row per document version) and
-- the blobs found corrupted by a download or a verification pass.
CREATE TABLE IF NOT EXISTS documents (
    document_id   text PRIMARY KEY,
    parent_type   text NOT NULL,
    parent_id     text NOT NULL,
    kind          text NOT NULL,
    title         text NOT NULL,
    filename      text NOT NULL,
    media_type    text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL,
    blob          text NOT NULL,
    blob_size     bigint NOT NULL,
    sealed        boolean NOT NULL,
    solicitation_id text,
    agency_id     text,
    vendor_id     text,
    scan          text NOT NULL,
    supersedes    text,
    superseded_by text,
    superseded_at timestamptz,
    expires_on    date,
    uploaded_by   text NOT NULL,
    attached_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_parent ON documents (parent_type, parent_id, attached_at);
CREATE INDEX IF NOT EXISTS documents_by_blob ON documents (blob);

CREATE TABLE IF NOT EXISTS document_blob_faults (
    blob        text PRIMARY KEY,
    reason      text NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now()
);
