-- The agency's IANA zone beside its payment terms: deemed acceptance and due dates are
-- counted on its local dates. Agencies registered before zones existed are on UTC.
ALTER TABLE payments_agency_terms ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
