-- The agency's jurisdiction (its rule pack's prompt-payment rule) and whether it agreed a
-- late-interest rate of its own; the solicitation a contract came from (what it buys).
-- Rows written before read as an agreed rate and no pack, as they were paid then.
ALTER TABLE payments_agency_terms ADD COLUMN jurisdiction text NOT NULL DEFAULT '';
ALTER TABLE payments_agency_terms ADD COLUMN interest_rate_agreed boolean NOT NULL DEFAULT true;
ALTER TABLE payments_contracts ADD COLUMN solicitation_id text NOT NULL DEFAULT '';
CREATE INDEX payments_contracts_solicitation ON payments_contracts (solicitation_id);
