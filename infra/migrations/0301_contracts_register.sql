-- The contract register: one row per contract for lists (a vendor's contracts, an
-- agency's contracts). Projected by services/contracts/register.py.
CREATE TABLE contract_register (
    contract_id     text PRIMARY KEY,
    award_id        text        NOT NULL,
    solicitation_id text        NOT NULL,
    agency_id       text        NOT NULL,
    vendor_id       text        NOT NULL,
    value_amount    bigint      NOT NULL,
    currency        text        NOT NULL,
    start_date      date        NOT NULL,
    end_date        date        NOT NULL,
    status          text        NOT NULL,
    opened_at       timestamptz
);
CREATE INDEX contract_register_vendor ON contract_register (vendor_id, start_date DESC);
CREATE INDEX contract_register_agency ON contract_register (agency_id, start_date DESC);
CREATE UNIQUE INDEX contract_register_award ON contract_register (award_id);
