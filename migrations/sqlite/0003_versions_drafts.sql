-- Versions of the grid set and planners' drafts.
-- `grids` keeps the live grids only; a grid a publish replaces moves to `grid_history` with the
-- version it was retired in, so its code is never given out again and `locate?at=` can still
-- answer for the time it was in force. Version 1 is the imported city.

ALTER TABLE grids ADD COLUMN since_version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE grid_versions (
    version      INTEGER PRIMARY KEY,
    valid_from   INTEGER NOT NULL,          -- unix ms: from when its boundaries apply
    published_at INTEGER NOT NULL,          -- unix ms
    draft_id     INTEGER,
    note         TEXT NOT NULL DEFAULT '',
    retired      TEXT NOT NULL DEFAULT '',  -- codes retired, comma-separated
    created      TEXT NOT NULL DEFAULT ''   -- codes created, comma-separated
);
INSERT INTO grid_versions (version, valid_from, published_at, note) VALUES (1, 0, 0, 'imported city');

CREATE TABLE grid_history (
    code            TEXT PRIMARY KEY,
    level           INTEGER NOT NULL,
    parent          TEXT,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    households      INTEGER NOT NULL,
    population      INTEGER NOT NULL,
    domains         TEXT NOT NULL DEFAULT '',
    geom            BLOB NOT NULL,
    since_version   INTEGER NOT NULL,
    retired_version INTEGER NOT NULL REFERENCES grid_versions (version)
);

CREATE TABLE drafts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    base_version INTEGER NOT NULL REFERENCES grid_versions (version),
    state        TEXT NOT NULL,             -- JSON: the operations and the undo cursor
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
