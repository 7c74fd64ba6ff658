-- Versions of the grid set and planners' drafts.
-- `grids` keeps the live grids only; a grid a publish replaces moves to `grid_history` with the
-- version it was retired in, so its code is never given out again and `locate?at=` can still
-- answer for the time it was in force. Version 1 is the imported city.

ALTER TABLE grids ADD COLUMN since_version integer NOT NULL DEFAULT 1;

CREATE TABLE grid_versions (
    version      integer PRIMARY KEY,
    valid_from   timestamptz NOT NULL,
    published_at timestamptz NOT NULL,
    draft_id     bigint,
    note         text NOT NULL DEFAULT '',
    retired      text[] NOT NULL DEFAULT '{}',
    created      text[] NOT NULL DEFAULT '{}'
);
INSERT INTO grid_versions (version, valid_from, published_at, note)
VALUES (1, 'epoch', 'epoch', 'imported city');

CREATE TABLE grid_history (
    code            text PRIMARY KEY,
    level           smallint NOT NULL,
    parent          text,
    name            text NOT NULL,
    kind            text NOT NULL,
    households      integer NOT NULL,
    population      integer NOT NULL,
    domains         text[] NOT NULL DEFAULT '{}',
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    since_version   integer NOT NULL,
    retired_version integer NOT NULL REFERENCES grid_versions (version)
);
CREATE INDEX grid_history_geom_gist ON grid_history USING gist (geom);

CREATE TABLE drafts (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    base_version integer NOT NULL REFERENCES grid_versions (version),
    state        text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
