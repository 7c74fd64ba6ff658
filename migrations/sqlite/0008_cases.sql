-- The closed loop: departments that handle cases, each case's state beyond its status
-- (urgency, handler, due time, flags and counts), and the history of every transition.
-- Times are Unix milliseconds (UTC).
CREATE TABLE departments (
    name       TEXT PRIMARY KEY,
    categories TEXT NOT NULL DEFAULT ''
);
ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE incidents ADD COLUMN department TEXT;
ALTER TABLE incidents ADD COLUMN dispatched_at INTEGER;
ALTER TABLE incidents ADD COLUMN due_at INTEGER;
ALTER TABLE incidents ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN extension_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN outcome TEXT;
ALTER TABLE incidents ADD COLUMN supervised INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN self_handled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN returns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN reworks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN duplicate_of INTEGER REFERENCES incidents (id);
CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    due_at      INTEGER
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);
