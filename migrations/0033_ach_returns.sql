-- ACH returns (module rails/ach, docs/ACH.md): a settled origination that came back, its return
-- reason code, and what the pocket could not give back (a returned pull whose money was spent):
-- the receivable from the customer, reported on the origination.
ALTER TABLE ach_originations ADD COLUMN return_code text CHECK (return_code IN ('R01', 'R02', 'R03', 'R04', 'R10', 'R29'));
ALTER TABLE ach_originations ADD COLUMN returned_at timestamptz;
ALTER TABLE ach_originations ADD COLUMN receivable_cents bigint NOT NULL DEFAULT 0 CHECK (receivable_cents >= 0);
ALTER TABLE ach_originations ADD CONSTRAINT ach_originations_returned CHECK ((return_code IS NULL) = (returned_at IS NULL));
