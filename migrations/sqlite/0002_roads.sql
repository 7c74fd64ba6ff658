-- Roads of the basemap: reference data drawn under the grids, not a governance unit.
-- Geometry is a little-endian WKB MultiLineString; the server keeps roads in memory for
-- its tiles, so no R*Tree is needed here.

CREATE TABLE roads (
    fid   TEXT PRIMARY KEY,
    name  TEXT NOT NULL DEFAULT '',
    class TEXT NOT NULL CHECK (class IN ('arterial', 'street', 'lane')),
    geom  BLOB NOT NULL
);
