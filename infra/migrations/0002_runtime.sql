-- Checkpoints of projections and reactors: the last global position applied.
CREATE TABLE projection_checkpoints (
    name            text PRIMARY KEY,
    transaction_id  xid8   NOT NULL DEFAULT '0',
    position        bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Events a projection could not apply: recorded with the error, skipped, visible in status.
CREATE TABLE parked_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    projection  text        NOT NULL,
    event_id    text,
    position    text,
    type        text,
    error       text        NOT NULL,
    payload     text,
    parked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parked_events_projection ON parked_events (projection);

-- How far the relay has published (informational; the stream itself is authoritative).
CREATE TABLE relay_checkpoint (
    name            text PRIMARY KEY,
    transaction_id  xid8   NOT NULL,
    position        bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Time-driven commands: written in the same transaction as the events that ask for them.
CREATE TABLE timers (
    timer_id    text PRIMARY KEY,
    kind        text        NOT NULL,
    stream_id   text        NOT NULL,
    due_at      timestamptz NOT NULL,
    payload     jsonb       NOT NULL DEFAULT '{}',
    fired_at    timestamptz,
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL;

-- The development clock (CIVIC_DEV_CLOCK=1): one row, shared by every process.
CREATE TABLE dev_clock (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    offset_us   bigint  NOT NULL DEFAULT 0
);
