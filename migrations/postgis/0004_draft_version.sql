-- Drafts carry a version that every saved edit increments, so an edit made on an older
-- version is refused (409) instead of silently overwriting another planner's edit.
ALTER TABLE drafts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
