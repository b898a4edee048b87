-- The store's appends compute the hash chain in their own statement (infra/eventstore.py);
-- the trigger now fills it only for rows inserted without it (and is not even called
-- for the others: a trigger call per row cost more than the hash itself).
DROP TRIGGER events_chain ON events;
CREATE TRIGGER events_chain BEFORE INSERT ON events
    FOR EACH ROW WHEN (NEW.hash IS NULL) EXECUTE FUNCTION events_chain();
