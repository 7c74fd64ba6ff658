-- Territory and incidents for the embedded store. Geometry is little-endian WKB in BLOBs;
-- each spatial table has an R*Tree over its envelopes (SQLite's rtree module).
-- street_code (first 9 digits of the grid code) is on every row, as in the PostGIS schema.

CREATE TABLE grids (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    level       INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    parent      TEXT REFERENCES grids (code),
    street_code TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    households  INTEGER NOT NULL CHECK (households >= 0),
    population  INTEGER NOT NULL CHECK (population >= 0),
    domains     TEXT NOT NULL DEFAULT '',
    geom        BLOB NOT NULL
);
CREATE INDEX grids_level_parent ON grids (level, parent);
CREATE VIRTUAL TABLE grids_rtree USING rtree (id, min_lng, max_lng, min_lat, max_lat);

CREATE TABLE service_centres (
    fid   TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    level TEXT NOT NULL,
    lng   REAL NOT NULL,
    lat   REAL NOT NULL
);

CREATE TABLE compounds (
    id             INTEGER PRIMARY KEY,
    fid            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    address        TEXT NOT NULL,
    households     INTEGER NOT NULL CHECK (households >= 0),
    population     INTEGER NOT NULL CHECK (population >= 0),
    party_org      TEXT NOT NULL,
    party_branch   TEXT,
    service_centre TEXT REFERENCES service_centres (fid),
    grid_code      TEXT REFERENCES grids (code),
    street_code    TEXT,
    geom           BLOB NOT NULL
);
CREATE INDEX compounds_grid ON compounds (grid_code);
CREATE VIRTUAL TABLE compounds_rtree USING rtree (id, min_lng, max_lng, min_lat, max_lat);

CREATE TABLE buildings (
    id           INTEGER PRIMARY KEY,
    fid          TEXT NOT NULL UNIQUE,
    address      TEXT NOT NULL,
    floors       INTEGER NOT NULL CHECK (floors >= 1),
    households   INTEGER NOT NULL CHECK (households >= 0),
    population   INTEGER NOT NULL CHECK (population >= 0),
    compound_fid TEXT REFERENCES compounds (fid),
    grid_code    TEXT REFERENCES grids (code),
    street_code  TEXT,
    geom         BLOB NOT NULL
);
CREATE INDEX buildings_grid ON buildings (grid_code);
CREATE VIRTUAL TABLE buildings_rtree USING rtree (id, min_lng, max_lng, min_lat, max_lat);

CREATE TABLE officers (
    fid   TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    role  TEXT NOT NULL,
    phone TEXT
);

CREATE TABLE officer_grids (
    officer_fid TEXT NOT NULL REFERENCES officers (fid),
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    PRIMARY KEY (officer_fid, grid_code)
);
CREATE INDEX officer_grids_grid ON officer_grids (grid_code);

-- Incidents keep the coordinate as reported, the WGS84 point and the grids at report time.
-- Times are Unix milliseconds (UTC).
CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    raw_lng      REAL NOT NULL,
    raw_lat      REAL NOT NULL,
    raw_crs      TEXT NOT NULL,
    lng          REAL NOT NULL,
    lat          REAL NOT NULL,
    category     TEXT NOT NULL,
    description  TEXT NOT NULL,
    channel      TEXT NOT NULL,
    reported_at  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    grid1        TEXT,
    grid2        TEXT,
    grid3        TEXT,
    compound_fid TEXT,
    building_fid TEXT,
    street_code  TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX incidents_grid1 ON incidents (grid1);
CREATE INDEX incidents_grid2 ON incidents (grid2);
CREATE INDEX incidents_grid3 ON incidents (grid3);
CREATE INDEX incidents_reported_at ON incidents (reported_at);
CREATE INDEX incidents_lng_lat ON incidents (lng, lat);
