-- ACH entries that are not originations (module rails/ach, docs/ACH.md): the micro-entries that
-- verify a counterparty (two ACCTVERIFY credits under $1 and their offsetting debit) and the
-- zero-dollar prenotes sent ahead of the first live entry to a counterparty. Each row is one entry
-- of one NACHA file.

-- The platform's own account that funds micro-entries: the credits leave it and the offsetting
-- debit brings the same sum back, so it nets to zero once both settle. Tenants that exist already
-- get it here; new tenants with their first pocket.
INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at)
SELECT gen_random_uuid(), a.partner_id, NULL, 'ach_verification', a.created_at
  FROM ledger_accounts a
 WHERE a.pocket_id IS NULL AND a.kind = 'ach_clearing'
ON CONFLICT DO NOTHING;

CREATE TABLE ach_verification_entries (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  counterparty_id uuid NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('micro_deposit', 'prenote')),
  -- Jiko's direction: CREDIT pushes to the counterparty, DEBIT pulls from it.
  direction text NOT NULL CHECK (direction IN ('CREDIT', 'DEBIT')),
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  status text NOT NULL CHECK (status IN ('IN_TRANSIT', 'PROCESSED')),
  transaction_code text NOT NULL CHECK (transaction_code ~ '^[23][2378]$'),
  receiver_routing_number text NOT NULL CHECK (receiver_routing_number ~ '^[0-9]{9}$'),
  receiver_account_number text NOT NULL,
  settlement_date date NOT NULL,
  ach_file_id uuid NOT NULL REFERENCES ach_files (id),
  trace_number text NOT NULL CHECK (trace_number ~ '^[0-9]{15}$'),
  -- The pending ledger entry of a micro-entry (a prenote moves no money).
  ledger_entry_id uuid,
  time_created timestamptz NOT NULL,
  time_settled timestamptz,
  CHECK ((purpose = 'prenote') = (amount_cents = 0)),
  CHECK ((purpose = 'prenote') = (ledger_entry_id IS NULL)),
  CHECK ((purpose = 'prenote') = (transaction_code IN ('23', '28', '33', '38')))
);
CREATE INDEX ach_verification_entries_counterparty ON ach_verification_entries (partner_id, counterparty_id);
CREATE INDEX ach_verification_entries_due ON ach_verification_entries (partner_id, settlement_date) WHERE status = 'IN_TRANSIT';
CREATE INDEX ach_verification_entries_file ON ach_verification_entries (ach_file_id);
