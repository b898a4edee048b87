-- Filters of solicitation search as index terms beside the text: one GIN index answers
-- "these words, at this agency, of this type, under this code" in a single scan, instead of
-- intersecting the text matches with large B-tree ranges.
CREATE FUNCTION search_filter_terms(stage text, kind text, agency text, set_aside text, published boolean,
                                    prefixes text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(
        ARRAY['stage:' || stage, 'type:' || kind, 'agency:' || agency, 'set_aside:' || set_aside,
              CASE WHEN published THEN 'published' ELSE 'unpublished' END]
        || ARRAY(SELECT 'code:' || p FROM unnest(prefixes) AS p))
$$;

ALTER TABLE search_solicitations ADD COLUMN terms tsvector GENERATED ALWAYS AS (
    search_filter_terms(stage, kind, agency_id, set_aside, published, commodity_prefixes)) STORED;

DROP INDEX search_solicitations_document;
DROP INDEX search_solicitations_prefixes;
DROP INDEX search_solicitations_agency;
CREATE INDEX search_solicitations_text_and_terms ON search_solicitations USING gin (document, terms);
-- Ordered scans for "open, by deadline" browsing; the stage itself is an index term now.
DROP INDEX search_solicitations_stage_deadline;
CREATE INDEX search_solicitations_deadline ON search_solicitations (deadline);
