-- 12345 hotline orders: the order number (工单号) a hotline report carries is unique, so
-- posting the same order again finds the case instead of making a second one; every status
-- change of such a case is appended to an ordered outbox the hotline system reads.
ALTER TABLE incidents ADD COLUMN order_no TEXT;
CREATE UNIQUE INDEX incidents_order_no ON incidents (order_no) WHERE order_no IS NOT NULL;
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    order_no    TEXT NOT NULL,
    reported_by TEXT,
    at          INTEGER NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
