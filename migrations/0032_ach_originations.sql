-- ACH originations (module rails/ach): entries a pocket sends to or pulls from a verified ach
-- counterparty, and the NACHA files the rail writes at each window (docs/ACH.md).

-- Money pushed out of a pocket by ACH is held by a pending ACH_DEBIT entry from request to
-- settlement (a pull is an ACH_CREDIT, pending until it settles).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_entry_type_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_entry_type_check
  CHECK (entry_type IN ('ACH_CREDIT', 'ACH_DEBIT', 'SWEEP', 'ON_US', 'BUY', 'SELL', 'MATURITY', 'REVERSAL'));

-- One file per (tenant, window): the exact text as sent, and its totals.
CREATE TABLE ach_files (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- The New York business date of the window (the entries' effective entry date).
  window_date date NOT NULL,
  file_id_modifier text NOT NULL CHECK (file_id_modifier ~ '^[A-Z0-9]$'),
  entry_count integer NOT NULL CHECK (entry_count > 0),
  total_debit_cents bigint NOT NULL CHECK (total_debit_cents >= 0),
  total_credit_cents bigint NOT NULL CHECK (total_credit_cents >= 0),
  content text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partner_id, window_date, file_id_modifier)
);
CREATE INDEX ach_files_partner_created ON ach_files (partner_id, created_at, id);

-- PENDING -> IN_TRANSIT (in a file) -> PROCESSED (settled); the Receiver's bank details are the
-- counterparty's at request time (what the customer authorized).
CREATE TABLE ach_originations (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  customer_id uuid,
  counterparty_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('DEBIT', 'CREDIT')),
  sec_code text NOT NULL CHECK (sec_code IN ('CCD', 'PPD', 'WEB')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  company_entry_description text NOT NULL CHECK (company_entry_description ~ '^[ a-zA-Z0-9]{1,10}$'),
  payment_related_information jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('PENDING', 'IN_TRANSIT', 'PROCESSED', 'REJECTED', 'FAILED', 'CANCELLED')),
  receiver_name text NOT NULL,
  receiver_routing_number text NOT NULL CHECK (receiver_routing_number ~ '^[0-9]{9}$'),
  receiver_account_number text NOT NULL,
  receiver_account_type text NOT NULL CHECK (receiver_account_type IN ('CHECKING', 'SAVINGS')),
  -- The New York business date the entry settles on (its window).
  settlement_date date NOT NULL,
  -- The pending ledger entry that holds (CREDIT) or awaits (DEBIT) the money.
  ledger_entry_id uuid NOT NULL,
  ach_file_id uuid REFERENCES ach_files (id),
  trace_number text CHECK (trace_number ~ '^[0-9]{15}$'),
  time_created timestamptz NOT NULL,
  time_settled timestamptz
);
CREATE INDEX ach_originations_pocket ON ach_originations (partner_id, pocket_id, time_created, id);
CREATE INDEX ach_originations_due ON ach_originations (partner_id, settlement_date) WHERE status IN ('PENDING', 'IN_TRANSIT');
