-- A sealed bid document records the bid master key version that sealed it, so documents
-- follow a rotation of the bid key and older ones still open (infra/keys.py).
ALTER TABLE documents ADD COLUMN key_version integer NOT NULL DEFAULT 1;
