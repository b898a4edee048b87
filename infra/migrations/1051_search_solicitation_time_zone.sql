-- The agency's IANA zone of each solicitation, so a search hit shows its deadline in local
-- time beside the instant. Rows written before read as UTC until the projection is rebuilt.
ALTER TABLE search_solicitations ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
