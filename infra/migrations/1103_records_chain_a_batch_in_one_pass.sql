-- A batched append chains its events in one pass. Each event's content part (every line
-- that ``event_hash`` hashes after the previous hash) is computed set-based, once per
-- event; only the SHA-256 of each link, which needs the hash before it, is sequential.
-- ``event_chain(prev, contents)`` returns ``prev`` followed by the hash of each event in
-- turn, so for the k-th event element k is its previous hash and element k + 1 its own:
--     hash(k) = sha256(hex(hash(k - 1)) || E'\n' || content(k))
-- exactly ``event_hash`` (migration 1100), which verification keeps using.
CREATE FUNCTION event_chain(prev bytea, contents bytea[]) RETURNS bytea[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    content bytea;
    chain bytea[] := ARRAY[prev];
BEGIN
    FOREACH content IN ARRAY contents LOOP
        prev := sha256(convert_to(coalesce(encode(prev, 'hex'), ''), 'UTF8') || '\x0a'::bytea || content);
        chain := chain || prev;
    END LOOP;
    RETURN chain;
END $$;
