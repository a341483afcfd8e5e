-- End-of-day values are written by one statement per tenant and business day that reads the pocket
-- ids from `pockets` itself (pockets.repo.ts insertDailyValues), and pockets are never deleted: the
-- foreign key to `pockets` checked, row by row, what that statement guarantees, and cost about as
-- much as writing the rows (a tenant of 10,000 pockets writes 10,000 values a business day).
ALTER TABLE pocket_daily_values DROP CONSTRAINT IF EXISTS pocket_daily_values_partner_id_pocket_id_fkey;
