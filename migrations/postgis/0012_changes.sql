-- The change feed: every write another server must mirror in memory appends one line here in
-- the same transaction, through gridd_change(), which
--   1. takes a transaction-level advisory lock, held until commit, so lines are numbered in
--      the order their transactions commit (a reader that has seen line n has seen every
--      line before it: it can keep one number, the last line applied);
--   2. appends the line;
--   3. NOTIFYs gridd_changes, which PostgreSQL delivers to listening servers at commit.
-- A line names what to read again: incidents or cases with ids in [first_id, last_id], the
-- whole city (import, publish), the calendar, or accounts.
CREATE TABLE changes (
    seq      bigserial PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('incidents', 'cases', 'city', 'deadlines', 'accounts')),
    first_id bigint NOT NULL DEFAULT 0,
    last_id  bigint NOT NULL DEFAULT 0,
    -- The process that wrote it (a random id per opened store), so a server skips its own.
    origin   text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);

-- The writer is told apart by its connection's application_name, which gridd sets to a
-- random id per opened store.
CREATE FUNCTION gridd_change(k text, f bigint, l bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7246002);
    INSERT INTO changes (kind, first_id, last_id, origin) VALUES (k, f, l, current_setting('application_name')) RETURNING seq INTO s;
    PERFORM pg_notify('gridd_changes', s::text);
    RETURN s;
END
$$;
