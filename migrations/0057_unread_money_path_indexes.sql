-- Indexes no statement reads, which every money movement kept up to date. A transfer writes about
-- six ledger entries and two bank transactions, and a business day an entry or two per pocket:
-- ledger_entries_partner_occurred and ledger_entries_reference (no query finds entries by time or
-- by reference: entries are read through their postings, their status, or the rows that point at
-- them), and bank_transactions' second unique index on (partner_id, id), which no foreign key
-- points at (its id is the primary key already; as trades in 0052).
DROP INDEX IF EXISTS ledger_entries_partner_occurred;
DROP INDEX IF EXISTS ledger_entries_reference;
ALTER TABLE bank_transactions DROP CONSTRAINT IF EXISTS bank_transactions_partner_id_id_key;
