-- The working calendar and the time limits as an administrator set them (`gridd calendar
-- import`, `PUT /api/calendar`). Until the calendar is first replaced (a row 'calendar' in
-- settings), the shipped files in data/calendar/ are the calendar; limits stored here
-- override the defaults pair by pair.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE time_limits (
    category TEXT NOT NULL,
    urgency  TEXT NOT NULL,
    unit     TEXT NOT NULL,
    amount   INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (category, urgency)
);
