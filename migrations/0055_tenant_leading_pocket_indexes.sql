-- The transfer path reads a pocket's open lots and ledger accounts, and updates them, by
-- (partner_id, pocket_id). The indexes led with pocket_id alone, while another index led with
-- partner_id alone: on tables the planner has no statistics for yet (a new database, PGlite, where
-- no autovacuum runs), it took the partner-wide index and filtered every lot or account of the
-- tenant on each transfer, a cost that grew with the tenant. An index that matches both columns
-- is chosen whatever the statistics say.
DROP INDEX IF EXISTS pocket_lots_open_by_pocket;
CREATE INDEX pocket_lots_open_by_pocket ON pocket_lots (partner_id, pocket_id, maturity_date, trade_date, id) WHERE units > 0;
DROP INDEX IF EXISTS ledger_accounts_pocket_kind;
CREATE UNIQUE INDEX ledger_accounts_pocket_kind ON ledger_accounts (partner_id, pocket_id, kind) WHERE pocket_id IS NOT NULL;
