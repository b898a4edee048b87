-- The lines of each purchase order with what was received so far (services/marketplace,
-- applied inline with purchase_orders): the three-way match of invoices reads them
-- through services/marketplace/facts.py.
CREATE TABLE purchase_order_lines (
    order_id    text   NOT NULL,
    item_id     text   NOT NULL,
    description text   NOT NULL,
    quantity    bigint NOT NULL,
    unit_price  bigint NOT NULL,
    currency    text   NOT NULL,
    received    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, item_id)
);

-- The purchase order an invoice bills ('' for none): finance lists every invoice with its
-- three-way match status.
ALTER TABLE payments_invoices ADD COLUMN purchase_order_id text NOT NULL DEFAULT '';
