-- The working calendar and the time limits as an administrator set them (`gridd calendar
-- import`, `PUT /api/calendar`). Until the calendar is first replaced (a row 'calendar' in
-- settings), the shipped files in data/calendar/ are the calendar; limits stored here
-- override the defaults pair by pair.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL DEFAULT ''
);
CREATE TABLE time_limits (
    category text NOT NULL,
    urgency  text NOT NULL,
    unit     text NOT NULL,
    amount   integer NOT NULL CHECK (amount > 0),
    PRIMARY KEY (category, urgency)
);
