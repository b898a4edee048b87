-- The same hashes for less work. ``concat_ws`` looks up each argument's output function
-- on every call; casts joined by ``||`` are resolved once, when the statement is planned.
-- No argument but ``prev`` (coalesced) can be NULL, so the bytes hashed are exactly
-- migration 1100's and every stored hash still verifies.
CREATE OR REPLACE FUNCTION event_hash(
    prev bytea, event_id uuid, stream_id text, version integer, type text, schema_version smallint,
    data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz
) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(convert_to(
        coalesce(encode(prev, 'hex'), '') || E'\n' || event_id::text || E'\n' || stream_id || E'\n'
        || version::text || E'\n' || type || E'\n' || schema_version::text || E'\n' || data::text
        || E'\n' || metadata::text || E'\n' || ((extract(epoch FROM occurred_at) * 1000000)::bigint)::text
        || E'\n' || ((extract(epoch FROM recorded_at) * 1000000)::bigint)::text, 'UTF8'))
$$;

-- A batch's links (migration 1103), each written into its place in the result rather
-- than by concatenating a new copy of the array on every turn.
CREATE OR REPLACE FUNCTION event_chain(prev bytea, contents bytea[]) RETURNS bytea[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    content bytea;
    i integer := 1;
    chain bytea[] := array_fill(NULL::bytea, ARRAY[cardinality(contents) + 1]);
BEGIN
    chain[1] := prev;
    FOREACH content IN ARRAY contents LOOP
        prev := sha256(convert_to(coalesce(encode(prev, 'hex'), ''), 'UTF8') || '\x0a'::bytea || content);
        i := i + 1;
        chain[i] := prev;
    END LOOP;
    RETURN chain;
END $$;
