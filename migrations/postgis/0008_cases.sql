-- The closed loop: departments that handle cases, each case's state beyond its status
-- (urgency, handler, due time, flags and counts), and the history of every transition.
CREATE TABLE departments (
    name       text PRIMARY KEY,
    categories text NOT NULL DEFAULT ''
);
ALTER TABLE incidents
    ADD COLUMN version bigint NOT NULL DEFAULT 1,
    ADD COLUMN urgency text NOT NULL DEFAULT 'normal',
    ADD COLUMN department text,
    ADD COLUMN dispatched_at timestamptz,
    ADD COLUMN due_at timestamptz,
    ADD COLUMN signed boolean NOT NULL DEFAULT false,
    ADD COLUMN extension_pending boolean NOT NULL DEFAULT false,
    ADD COLUMN outcome text,
    ADD COLUMN supervised boolean NOT NULL DEFAULT false,
    ADD COLUMN self_handled boolean NOT NULL DEFAULT false,
    ADD COLUMN returns integer NOT NULL DEFAULT 0,
    ADD COLUMN reworks integer NOT NULL DEFAULT 0,
    ADD COLUMN duplicate_of bigint REFERENCES incidents (id);
CREATE TABLE incident_events (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id),
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    note        text NOT NULL DEFAULT '',
    due_at      timestamptz
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);
