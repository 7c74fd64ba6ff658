-- How the reporter (or the 12345 return call 回访) rated the handling of a closed case:
-- satisfied (满意), basic (基本满意) or dissatisfied (不满意).
ALTER TABLE incidents ADD COLUMN satisfaction TEXT;
