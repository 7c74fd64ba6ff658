-- Browser sessions, shared by every server on the store. The cookie holds a 256-bit random id;
-- the store keeps only its SHA-256. Idle and absolute timeouts are checked on every use.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,   -- unix ms
    last_seen_at INTEGER NOT NULL    -- unix ms
);
