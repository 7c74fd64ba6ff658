-- Who a draft belongs to: the planner who made it and the scope they worked in, so a
-- planner sees and edits only drafts within their own scope (an admin: all).
ALTER TABLE drafts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN scope TEXT NOT NULL DEFAULT '*';
-- Who posted an incident (an account login or token:<name>), so an outside system can
-- read back its own reports; and the reporter's name and phone, shown only to the
-- dispatcher, the admin and the department handling the case.
ALTER TABLE incidents ADD COLUMN reported_by TEXT;
ALTER TABLE incidents ADD COLUMN reporter_name TEXT;
ALTER TABLE incidents ADD COLUMN reporter_phone TEXT;
