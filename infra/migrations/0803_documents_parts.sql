-- Documents: the part of the parent a document belongs to (an addendum, an answered
-- question, a contract amendment, a vendor certification); NULL: the parent itself.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS part text;
