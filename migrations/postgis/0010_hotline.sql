-- 12345 hotline orders: the order number (工单号) a hotline report carries is unique, so
-- posting the same order again finds the case instead of making a second one; every status
-- change of such a case is appended to an ordered outbox the hotline system reads.
ALTER TABLE incidents ADD COLUMN order_no TEXT;
CREATE UNIQUE INDEX incidents_order_no ON incidents (order_no) WHERE order_no IS NOT NULL;
CREATE TABLE outbox (
    seq         bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id),
    order_no    text NOT NULL,
    reported_by text,
    at          timestamptz NOT NULL,
    action      text NOT NULL,
    status      text NOT NULL,
    note        text NOT NULL DEFAULT ''
);
