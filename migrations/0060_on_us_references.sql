-- An on-us transfer's bank transactions are written in the transaction that records the transfer,
-- after its row (rails/onus and movements), and transfers are never deleted. The foreign key
-- checked that twice a transfer; checkOnUsInvariants verifies it instead (as 0052 and 0058 did for
-- the rows that point at trades' and transfers' ledger entries). The second unique index on
-- (partner_id, id) existed only for that key: the id is the primary key already.
ALTER TABLE bank_transactions DROP CONSTRAINT IF EXISTS bank_transactions_partner_id_on_us_transfer_id_fkey;
ALTER TABLE on_us_transfers DROP CONSTRAINT IF EXISTS on_us_transfers_partner_id_id_key;
