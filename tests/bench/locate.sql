-- pgbench script for P2: the three grid codes holding a random point of the sample city's
-- bounding box, the lowest code on shared edges as the engine does. Coordinates are drawn
-- as integers in 1e-7° steps (pgbench's random() is integral) and scaled in SQL.
\set x random(1103600000, 1105200000)
\set y random(354100000, 355300000)
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:x::float8 / 10000000.0::float8, :y::float8 / 10000000.0::float8), 4326) AS geom)
SELECT (SELECT g.code FROM grids g, p WHERE g.level = 1 AND ST_Intersects(g.geom, p.geom) ORDER BY g.code LIMIT 1) AS level1,
       (SELECT g.code FROM grids g, p WHERE g.level = 2 AND ST_Intersects(g.geom, p.geom) ORDER BY g.code LIMIT 1) AS level2,
       (SELECT g.code FROM grids g, p WHERE g.level = 3 AND ST_Intersects(g.geom, p.geom) ORDER BY g.code LIMIT 1) AS level3;
