-- P6a, the PostGIS side: the loop's KPI counts per level-3 grid over every case, from the
-- stored histories, as GET /api/stats/kpis?level=3 counts them (duplicates left out; a
-- response or closing is on time when it came by the due time then; overdue = open and past
-- due now; due = overdue + resolved). Working hours (平均处置时长) need the working
-- calendar and are not computed here.
WITH ev AS (
    SELECT incident_id,
           count(*) FILTER (WHERE action = 'register') AS registered,
           count(*) FILTER (WHERE action IN ('dispatch', 'self_handle')) AS dispatched,
           count(*) FILTER (WHERE action = 'return') AS returned,
           count(*) FILTER (WHERE action = 'respond') AS responded,
           count(*) FILTER (WHERE action = 'respond' AND (due_at IS NULL OR at <= due_at)) AS responded_on_time,
           count(*) FILTER (WHERE action = 'verify_fail') AS reworked,
           count(*) FILTER (WHERE action = 'verify_pass') AS closed,
           count(*) FILTER (WHERE action = 'verify_pass' AND (due_at IS NULL OR at <= due_at)) AS closed_on_time
    FROM incident_events
    GROUP BY incident_id
), c AS (
    SELECT i.grid3, i.status, i.outcome, i.due_at, i.satisfaction,
           (i.status NOT IN ('closed', 'evaluated') AND i.due_at < now()) AS late,
           ev.*
    FROM incidents i LEFT JOIN ev ON ev.incident_id = i.id
    WHERE i.grid3 IS NOT NULL AND i.outcome IS DISTINCT FROM 'duplicate'
)
SELECT grid3,
       count(*) AS reported,
       coalesce(sum(registered), 0) AS registered,
       coalesce(sum(dispatched), 0) AS dispatched,
       coalesce(sum(returned), 0) AS returned,
       coalesce(sum(responded), 0) AS responded,
       coalesce(sum(responded_on_time), 0) AS responded_on_time,
       count(*) FILTER (WHERE late OR outcome = 'resolved') AS due,
       coalesce(sum(closed), 0) AS closed,
       coalesce(sum(closed_on_time), 0) AS closed_on_time,
       coalesce(sum(reworked), 0) AS reworked,
       count(*) FILTER (WHERE late) AS overdue,
       count(satisfaction) AS evaluated,
       count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basic')) AS satisfied
FROM c
GROUP BY grid3
ORDER BY grid3;
