-- Rate-limit buckets shared by every API process: one row per key (an address, a token
-- digest, a vendor for one kind of action). ``rate_limit_take`` refills and draws from
-- every bucket of a request in one statement, all or none, so N processes admit what one
-- process would (see infra/http/ratelimit.py).
CREATE UNLOGGED TABLE rate_limit_buckets (
    key        text PRIMARY KEY,
    units      double precision NOT NULL,
    updated_at timestamptz      NOT NULL
);

CREATE INDEX rate_limit_buckets_updated ON rate_limit_buckets (updated_at);

-- Take one unit from the bucket of every key (capacity units, refilled at rate_per_s),
-- or none when any is short. Returns 0 when taken, else the seconds until every bucket
-- holds a unit again. Rows are locked in key order, so concurrent callers never deadlock.
CREATE FUNCTION rate_limit_take(keys text[], capacity double precision, rate_per_s double precision,
                                now_at timestamptz DEFAULT NULL)
RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    short double precision;
BEGIN
    now_at := coalesce(now_at, clock_timestamp());  -- tests pass a stopped clock
    INSERT INTO rate_limit_buckets (key, units, updated_at)
    SELECT k, capacity, now_at FROM unnest(keys) AS k ORDER BY k
    ON CONFLICT (key) DO NOTHING;
    PERFORM 1 FROM rate_limit_buckets WHERE key = ANY(keys) ORDER BY key FOR UPDATE;
    SELECT max(1.0 - least(capacity, units + greatest(0, extract(epoch FROM now_at - updated_at)) * rate_per_s))
      INTO short FROM rate_limit_buckets WHERE key = ANY(keys);
    IF short > 0 THEN
        RETURN short / rate_per_s;
    END IF;
    UPDATE rate_limit_buckets
       SET units = least(capacity, units + greatest(0, extract(epoch FROM now_at - updated_at)) * rate_per_s) - 1.0,
           updated_at = now_at
     WHERE key = ANY(keys);
    -- A full bucket is the same as no row: forget rows idle long enough to have refilled.
    IF random() < 0.001 THEN
        DELETE FROM rate_limit_buckets
         WHERE updated_at < now_at - make_interval(secs => capacity / rate_per_s);
    END IF;
    RETURN 0;
END $$;
