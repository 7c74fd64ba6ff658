-- Incident listings page newest first by (reported_at, id). SQLite's index on reported_at
-- already ends in the rowid, which is id, so `(reported_at, id) < (?, ?)` walks it as it is;
-- the index is named here to keep the two stores' migrations in step.
CREATE INDEX IF NOT EXISTS incidents_reported_at ON incidents (reported_at);
