-- Trades and lots are written only by the portfolio engine (portfolio.repo.ts writePortfolio), in
-- the transaction that has locked their pockets, together with the ledger entries they point at,
-- whose ids the same run made; pockets and entries are never deleted. The foreign keys checked,
-- row by row, what that write guarantees: a business day of a tenant of 10,000 pockets matures and
-- rebuys 20,000 trades and 10,000 lots, and the checks cost a third as much as the inserts.
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_partner_id_pocket_id_fkey;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_partner_id_ledger_entry_id_fkey;
ALTER TABLE pocket_lots DROP CONSTRAINT IF EXISTS pocket_lots_partner_id_pocket_id_fkey;
-- A trade's id is its primary key already; no foreign key points at (partner_id, id), and the
-- second unique index was one more index entry for every trade.
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_partner_id_id_key;
