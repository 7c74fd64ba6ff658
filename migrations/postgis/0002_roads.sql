-- Roads of the basemap: reference data drawn under the grids, not a governance unit.

CREATE TABLE roads (
    fid   text PRIMARY KEY,
    name  text NOT NULL DEFAULT '',
    class text NOT NULL CHECK (class IN ('arterial', 'street', 'lane')),
    geom  geometry(MultiLineString, 4326) NOT NULL
);
CREATE INDEX roads_geom_gist ON roads USING gist (geom);
