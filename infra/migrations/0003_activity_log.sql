-- The activity log: who did what to which stream, when (read model of projections/activity).
CREATE TABLE activity_log (
    transaction_id  xid8        NOT NULL,
    position        bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL,
    type            text        NOT NULL,
    actor           text,
    actor_role      text,
    agency          text,
    command_id      text,
    correlation_id  text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (transaction_id, position)
);
CREATE INDEX activity_log_stream ON activity_log (stream_id, transaction_id, position);
CREATE INDEX activity_log_agency ON activity_log (agency, transaction_id, position)
    WHERE agency IS NOT NULL;
