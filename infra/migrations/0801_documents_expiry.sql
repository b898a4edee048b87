-- Documents: when a document's expiry date passed (an insurance certificate).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS expired_at timestamptz;
