-- Deliverable outcomes in vendor scorecards (projections/scorecard): each buyer decision on a
-- submission (accepted or rejected) and each overdue notice, keyed by its event so replays add nothing.
CREATE TABLE scorecard_deliverables (
    event_id        text PRIMARY KEY,
    contract_id     text NOT NULL,
    vendor_id       text NOT NULL,
    deliverable_id  text NOT NULL,
    outcome         text NOT NULL,  -- accepted | rejected | overdue
    happened_on     date NOT NULL
);
CREATE INDEX scorecard_deliverables_vendor ON scorecard_deliverables (vendor_id);
