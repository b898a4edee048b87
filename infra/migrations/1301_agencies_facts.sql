-- Each registered agency's jurisdiction, time zone and local ZIP prefixes, for other contexts'
-- decisions (services/agencies/readmodel.py, inline; read through facts.py).
CREATE TABLE agency_facts (
    agency_id          text PRIMARY KEY,
    jurisdiction       text NOT NULL,
    time_zone          text NOT NULL DEFAULT 'UTC',
    local_zip_prefixes text[] NOT NULL DEFAULT '{}'
);
