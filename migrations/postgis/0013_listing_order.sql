-- Incident listings page newest first by (reported_at, id): the next page starts below the
-- last row's pair, `(reported_at, id) < ($1, $2)`, which a btree on both columns answers
-- without sorting. It serves the plain reported_at ranges the old index served.
CREATE INDEX incidents_reported_at_id ON incidents (reported_at, id);
DROP INDEX incidents_reported_at;
