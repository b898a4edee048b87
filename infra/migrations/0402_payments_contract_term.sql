-- The contract term, so an invoice's service period can be checked against it.
ALTER TABLE payments_contracts ADD COLUMN start_date date;
ALTER TABLE payments_contracts ADD COLUMN end_date date;
