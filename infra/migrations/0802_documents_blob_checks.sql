-- Documents: the fingerprint (file inode, size and time; object ETag and date) of each blob
-- at the moment its hash was last verified. A download re-reads a blob before serving it
-- only when its fingerprint has changed since; the stream is hashed on the way regardless.
CREATE TABLE IF NOT EXISTS document_blob_checks (
    blob        text PRIMARY KEY,
    fingerprint text NOT NULL,
    verified_at timestamptz NOT NULL DEFAULT now()
);
