-- Which streams make up each contracting process (projection "records.processes"): what a
-- records bundle gathers. Streams of bids are listed but only bundled once the
-- solicitation has been opened.
CREATE TABLE records_processes (
    solicitation_id text PRIMARY KEY,
    agency_id       text NOT NULL,
    opened          boolean NOT NULL DEFAULT false
);

CREATE TABLE records_process_streams (
    solicitation_id text NOT NULL,
    stream_id       text NOT NULL,
    kind            text NOT NULL,  -- solicitation | bid | evaluation | contract | billing | invoice | payment
    PRIMARY KEY (solicitation_id, stream_id)
);

-- A contract's process (its invoices and payments name only the contract).
CREATE TABLE records_contract_processes (
    contract_id     text PRIMARY KEY,
    solicitation_id text NOT NULL
);
