-- A sale reduces a lot's units in place. Indexes whose predicate reads `units` made every such
-- update a new row version with new entries in each of the table's indexes, which bloated them
-- (a busy pocket's oldest lot is reduced by every payment) until the next VACUUM. The open lots'
-- indexes now read a stored flag that changes only when a lot closes, so a sale that leaves some
-- units is a HOT update (PostgreSQL documentation, "Heap-Only Tuples"): the new version on the
-- same page, no index entry. Pages keep room for it.
ALTER TABLE pocket_lots ADD COLUMN open boolean GENERATED ALWAYS AS (units > 0) STORED;
ALTER TABLE pocket_lots ALTER COLUMN open SET STATISTICS 0;
ALTER TABLE pocket_lots SET (fillfactor = 80);
DROP INDEX IF EXISTS pocket_lots_open_by_pocket;
DROP INDEX IF EXISTS pocket_lots_open_by_maturity;
CREATE INDEX pocket_lots_open_by_pocket ON pocket_lots (partner_id, pocket_id, maturity_date, trade_date, id) WHERE open;
CREATE INDEX pocket_lots_open_by_maturity ON pocket_lots (partner_id, maturity_date) WHERE open;
