-- A hash chain over every event, per stream. Each event stores the SHA-256 of its content
-- (every stored column but the position and transaction id) together with the previous
-- event of its stream's hash. Computed by PostgreSQL as the row is inserted, from the
-- stored (jsonb) form, so the hash is exactly what verification recomputes later. The
-- previous event of a stream is already serialised by optimistic concurrency (the
-- primary key on (stream_id, version)): no global lock is taken.
ALTER TABLE events ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- The content is each column's text, one per line (JSON is jsonb's own canonical text, in
-- which a line break is always escaped; times are microseconds since the epoch, so the
-- session's time zone does not matter).
CREATE FUNCTION event_hash(
    prev bytea, event_id uuid, stream_id text, version integer, type text, schema_version smallint,
    data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz
) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(convert_to(concat_ws(E'\n',
        coalesce(encode(prev, 'hex'), ''), event_id, stream_id, version, type, schema_version, data, metadata,
        (extract(epoch FROM occurred_at) * 1000000)::bigint,
        (extract(epoch FROM recorded_at) * 1000000)::bigint), 'UTF8'))
$$;

CREATE FUNCTION events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.prev_hash := NULL;
    IF NEW.version > 1 THEN
        SELECT e.hash INTO NEW.prev_hash FROM events e
        WHERE e.stream_id = NEW.stream_id AND e.version = NEW.version - 1;
    END IF;
    NEW.hash := event_hash(NEW.prev_hash, NEW.event_id, NEW.stream_id, NEW.version, NEW.type,
                           NEW.schema_version, NEW.data, NEW.metadata, NEW.occurred_at, NEW.recorded_at);
    RETURN NEW;
END $$;

-- Events stored before the chain existed are chained once, stream by stream, in version order.
DO $$
DECLARE
    r record;
    prev bytea;
    last_stream text;
BEGIN
    ALTER TABLE events DISABLE TRIGGER events_no_update;
    FOR r IN SELECT * FROM events ORDER BY stream_id, version LOOP
        IF r.stream_id IS DISTINCT FROM last_stream THEN
            prev := NULL;
        END IF;
        UPDATE events SET prev_hash = prev,
            hash = event_hash(prev, r.event_id, r.stream_id, r.version, r.type, r.schema_version,
                              r.data, r.metadata, r.occurred_at, r.recorded_at)
        WHERE stream_id = r.stream_id AND version = r.version
        RETURNING hash INTO prev;
        last_stream := r.stream_id;
    END LOOP;
    ALTER TABLE events ENABLE TRIGGER events_no_update;
END $$;

ALTER TABLE events ALTER COLUMN hash SET NOT NULL;

CREATE TRIGGER events_chain BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_chain();

-- Checkpoints over the global order: each seals the hashes of every event committed
-- after the previous checkpoint, in global order, chained to the previous checkpoint.
CREATE TABLE event_checkpoints (
    seq              bigint      PRIMARY KEY,
    transaction_id   xid8        NOT NULL,
    position         bigint      NOT NULL,
    events           bigint      NOT NULL,
    prev_hash        bytea,
    hash             bytea       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER event_checkpoints_no_update BEFORE UPDATE OR DELETE ON event_checkpoints
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
