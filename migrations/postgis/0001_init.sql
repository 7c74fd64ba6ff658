-- Territory and incidents for PostgreSQL + PostGIS (>= 3). Real geometry columns in
-- EPSG:4326 with GiST indexes, so QGIS and plain SQL can use them.
-- street_code (first 9 digits of the grid code) is on every row: the distribution column
-- should this ever run on Citus (see DESIGN.md).

CREATE TABLE grids (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{9}([0-9]{3}){0,2}$'),
    level       smallint NOT NULL CHECK (level IN (1, 2, 3)),
    parent      text REFERENCES grids (code),
    street_code text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL,
    households  integer NOT NULL CHECK (households >= 0),
    population  integer NOT NULL CHECK (population >= 0),
    domains     text[] NOT NULL DEFAULT '{}',
    geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX grids_geom_gist ON grids USING gist (geom);
CREATE INDEX grids_level_parent ON grids (level, parent);

CREATE TABLE service_centres (
    fid   text PRIMARY KEY,
    name  text NOT NULL,
    level text NOT NULL,
    geom  geometry(Point, 4326) NOT NULL
);
CREATE INDEX service_centres_geom_gist ON service_centres USING gist (geom);

CREATE TABLE compounds (
    fid            text PRIMARY KEY,
    name           text NOT NULL,
    address        text NOT NULL,
    households     integer NOT NULL CHECK (households >= 0),
    population     integer NOT NULL CHECK (population >= 0),
    party_org      text NOT NULL,
    party_branch   text,
    service_centre text REFERENCES service_centres (fid),
    grid_code      text REFERENCES grids (code),
    street_code    text,
    geom           geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX compounds_geom_gist ON compounds USING gist (geom);
CREATE INDEX compounds_grid ON compounds (grid_code text_pattern_ops);

CREATE TABLE buildings (
    fid          text PRIMARY KEY,
    address      text NOT NULL,
    floors       smallint NOT NULL CHECK (floors >= 1),
    households   integer NOT NULL CHECK (households >= 0),
    population   integer NOT NULL CHECK (population >= 0),
    compound_fid text REFERENCES compounds (fid),
    grid_code    text REFERENCES grids (code),
    street_code  text,
    geom         geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX buildings_geom_gist ON buildings USING gist (geom);
CREATE INDEX buildings_grid ON buildings (grid_code text_pattern_ops);

CREATE TABLE officers (
    fid   text PRIMARY KEY,
    name  text NOT NULL,
    role  text NOT NULL,
    phone text
);

CREATE TABLE officer_grids (
    officer_fid text NOT NULL REFERENCES officers (fid),
    grid_code   text NOT NULL REFERENCES grids (code),
    PRIMARY KEY (officer_fid, grid_code)
);
CREATE INDEX officer_grids_grid ON officer_grids (grid_code);

CREATE TABLE incidents (
    id           bigserial PRIMARY KEY,
    raw_lng      double precision NOT NULL,
    raw_lat      double precision NOT NULL,
    raw_crs      text NOT NULL,
    geom         geometry(Point, 4326) NOT NULL,
    category     text NOT NULL,
    description  text NOT NULL,
    channel      text NOT NULL,
    reported_at  timestamptz NOT NULL,
    status       text NOT NULL,
    grid1        text,
    grid2        text,
    grid3        text,
    compound_fid text,
    building_fid text,
    street_code  text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_geom_gist ON incidents USING gist (geom);
CREATE INDEX incidents_grid1 ON incidents (grid1);
CREATE INDEX incidents_grid2 ON incidents (grid2);
CREATE INDEX incidents_grid3 ON incidents (grid3);
CREATE INDEX incidents_reported_at ON incidents (reported_at);
