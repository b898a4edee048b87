-- The marketplace (services/marketplace).
--
-- purchase_orders: one row per purchase order, applied in the append's transaction
-- (inline): the lists of orders, and what other contexts may know of an order.
CREATE TABLE purchase_orders (
    order_id        text PRIMARY KEY,
    contract_id     text        NOT NULL,
    agency_id       text        NOT NULL,
    lead_agency_id  text        NOT NULL,
    vendor_id       text        NOT NULL,
    status          text        NOT NULL,
    total_amount    bigint      NOT NULL,
    currency        text        NOT NULL,
    placed_at       timestamptz NOT NULL,
    -- the commodity codes of its lines (the splitting check across orders)
    commodity_codes text[]      NOT NULL DEFAULT '{}'
);
CREATE INDEX purchase_orders_by_agency ON purchase_orders (agency_id, placed_at DESC, order_id DESC);
CREATE INDEX purchase_orders_by_vendor ON purchase_orders (vendor_id, placed_at DESC, order_id DESC);
CREATE INDEX purchase_orders_by_pair ON purchase_orders (agency_id, vendor_id, placed_at);
CREATE INDEX purchase_orders_by_placement ON purchase_orders (placed_at DESC, order_id DESC);

-- marketplace_contracts: the public listing of cooperative contracts and their catalogs
-- (asynchronous), searched by text over the title and the catalog's items, faceted by
-- commodity code, lead agency and expiry, paged newest listing first with a keyset.
CREATE TABLE marketplace_contracts (
    contract_id      text PRIMARY KEY,
    title            text        NOT NULL,
    agency_id        text        NOT NULL,
    lead_agency_id   text        NOT NULL,
    vendor_id        text        NOT NULL,
    status           text        NOT NULL,
    currency         text        NOT NULL,
    value_amount     bigint      NOT NULL,
    -- what all orders may reach (the stated total ceiling, else the contract's value)
    ceiling_amount   bigint,
    committed_amount bigint      NOT NULL DEFAULT 0,
    start_date       date        NOT NULL,
    end_date         date        NOT NULL,
    commodity_codes  text[]      NOT NULL DEFAULT '{}',
    items_text       text        NOT NULL DEFAULT '',
    item_count       integer     NOT NULL DEFAULT 0,
    catalog          jsonb       NOT NULL DEFAULT '[]',
    cooperative      jsonb       NOT NULL,
    listed_at        timestamptz,
    document         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, items_text), 'B')
    ) STORED
);
CREATE INDEX marketplace_contracts_listing ON marketplace_contracts (listed_at DESC, contract_id DESC)
    WHERE status = 'active';
CREATE INDEX marketplace_contracts_document ON marketplace_contracts USING gin (document);
CREATE INDEX marketplace_contracts_codes ON marketplace_contracts USING gin (commodity_codes);
