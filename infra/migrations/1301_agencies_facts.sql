-- Each registered agency's jurisdiction and local ZIP prefixes, for other contexts'
-- decisions (services/agencies/readmodel.py, inline; read through facts.py).
CREATE TABLE agency_facts (
    agency_id          text PRIMARY KEY,
    jurisdiction       text NOT NULL,
    local_zip_prefixes text[] NOT NULL DEFAULT '{}'
);
