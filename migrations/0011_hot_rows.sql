-- No shared row on the money path. A foreign key check takes a KEY SHARE lock on the referenced
-- row: when every transfer of a tenant checks the same row (the tenant's partners row, a system
-- ledger account, a subscription), concurrent transfers pile up lockers on it (multixacts) and
-- serialise. Rows written on every transfer therefore reach their tenant through their parent
-- (a posting through its entry, a trade through its pocket, which the transfer has locked anyway)
-- and the code that writes them: the partner id a row carries is the one of the rows it was
-- derived from, and accounts and partners are never deleted.
ALTER TABLE idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_partner_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_partner_id_fkey;
ALTER TABLE ledger_postings DROP CONSTRAINT IF EXISTS ledger_postings_partner_id_fkey;
-- A posting's account is found by the posting statement itself (pocket id and kind, or the
-- tenant's system account of that kind); a missing account leaves account_id NULL, which the
-- NOT NULL constraint refuses.
ALTER TABLE ledger_postings DROP CONSTRAINT IF EXISTS ledger_postings_partner_id_account_id_fkey;
ALTER TABLE pocket_lots DROP CONSTRAINT IF EXISTS pocket_lots_partner_id_fkey;
ALTER TABLE trades DROP CONSTRAINT IF EXISTS trades_partner_id_fkey;
ALTER TABLE pocket_daily_values DROP CONSTRAINT IF EXISTS pocket_daily_values_partner_id_fkey;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_partner_id_fkey;
ALTER TABLE event_sequences DROP CONSTRAINT IF EXISTS event_sequences_partner_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_partner_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_subscription_id_fkey;
ALTER TABLE webhook_delivery_attempts DROP CONSTRAINT IF EXISTS webhook_delivery_attempts_partner_id_fkey;
ALTER TABLE on_us_transfers DROP CONSTRAINT IF EXISTS on_us_transfers_partner_id_fkey;
ALTER TABLE bank_transactions DROP CONSTRAINT IF EXISTS bank_transactions_partner_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_partner_id_fkey;
