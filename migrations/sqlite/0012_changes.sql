-- The change feed: every write another server (or a running server, after a CLI command)
-- must mirror in memory appends one line here in the same transaction. `seq` only grows
-- (AUTOINCREMENT never reuses a number) and SQLite has one writer, so sequence order is
-- commit order. A line names what to read again: incidents or cases with ids in
-- [first_id, last_id], the whole city (import, publish), the calendar, or accounts.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL CHECK (kind IN ('incidents', 'cases', 'city', 'deadlines', 'accounts')),
    first_id INTEGER NOT NULL DEFAULT 0,
    last_id  INTEGER NOT NULL DEFAULT 0,
    -- The process that wrote it (a random id per opened store), so a server skips its own.
    origin   TEXT NOT NULL,
    at       INTEGER NOT NULL
);
