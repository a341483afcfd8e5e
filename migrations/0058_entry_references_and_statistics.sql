-- Ledger entries are immutable and never deleted (ledger_entries_guard), and the rows that point
-- at them are written in the transaction that makes them: an entry's postings in the same
-- statement (ledger.repo.ts writeEntries), a bank transaction in the same movement, after the
-- entry it names (movements.ts). The foreign keys checked that row by row, some fourteen lookups
-- of an on-us transfer; checkLedgerInvariants and checkMovementInvariants verify it instead, as
-- migration 0052 did for trades and lots.
ALTER TABLE ledger_postings DROP CONSTRAINT IF EXISTS ledger_postings_partner_id_entry_id_fkey;
ALTER TABLE bank_transactions DROP CONSTRAINT IF EXISTS bank_transactions_partner_id_ledger_entry_id_fkey;

-- Columns no statement filters, joins or groups on: the planner never reads their statistics, and
-- ANALYZE (the statistics keeper's, or autovacuum's) skips a column whose target is 0. Free text,
-- JSON payloads and stored responses were most of the work of analyzing the tables a transfer
-- writes.
ALTER TABLE events
  ALTER COLUMN payload SET STATISTICS 0,
  ALTER COLUMN is_test SET STATISTICS 0,
  ALTER COLUMN created_at SET STATISTICS 0;
ALTER TABLE ledger_entries
  ALTER COLUMN description SET STATISTICS 0,
  ALTER COLUMN occurred_at SET STATISTICS 0,
  ALTER COLUMN created_at SET STATISTICS 0;
ALTER TABLE ledger_postings
  ALTER COLUMN id SET STATISTICS 0,
  ALTER COLUMN amount_cents SET STATISTICS 0;
ALTER TABLE bank_transactions
  ALTER COLUMN description SET STATISTICS 0,
  ALTER COLUMN title SET STATISTICS 0,
  ALTER COLUMN ach_company_name SET STATISTICS 0,
  ALTER COLUMN ach_trace_number SET STATISTICS 0,
  ALTER COLUMN wire_counterparty_name SET STATISTICS 0,
  ALTER COLUMN wire_reference_number SET STATISTICS 0,
  ALTER COLUMN card_counterparty SET STATISTICS 0,
  ALTER COLUMN card_merchant_type SET STATISTICS 0,
  ALTER COLUMN card_pre_authorization SET STATISTICS 0,
  ALTER COLUMN created_at SET STATISTICS 0;
ALTER TABLE trades
  ALTER COLUMN description SET STATISTICS 0,
  ALTER COLUMN quantity SET STATISTICS 0,
  ALTER COLUMN price_per_100 SET STATISTICS 0,
  ALTER COLUMN notional_cents SET STATISTICS 0,
  ALTER COLUMN yield_to_maturity SET STATISTICS 0,
  ALTER COLUMN realized_gain_cents SET STATISTICS 0,
  ALTER COLUMN created_at SET STATISTICS 0;
ALTER TABLE idempotency_keys
  ALTER COLUMN request_hash SET STATISTICS 0,
  ALTER COLUMN attempt_id SET STATISTICS 0,
  ALTER COLUMN status_code SET STATISTICS 0,
  ALTER COLUMN content_type SET STATISTICS 0,
  ALTER COLUMN response_body SET STATISTICS 0,
  ALTER COLUMN started_at SET STATISTICS 0;
ALTER TABLE on_us_transfers
  ALTER COLUMN reason SET STATISTICS 0,
  ALTER COLUMN requested_amount_cents SET STATISTICS 0,
  ALTER COLUMN amount_cents SET STATISTICS 0,
  ALTER COLUMN description SET STATISTICS 0,
  ALTER COLUMN source SET STATISTICS 0,
  ALTER COLUMN target SET STATISTICS 0;
ALTER TABLE pocket_lots
  ALTER COLUMN units_bought SET STATISTICS 0,
  ALTER COLUMN cost_cents SET STATISTICS 0,
  ALTER COLUMN price_per_100 SET STATISTICS 0,
  ALTER COLUMN created_at SET STATISTICS 0;
