-- Wires (docs/WIRES.md): outgoing wires to LINKED wire and international_wire counterparties,
-- their pacs.008 message, and the ledger accounts and entry types they post to.

-- The ledger's lists of system account kinds and entry types become shape checks: each rail adds
-- its own kinds and types (the TypeScript unions in ledger.domain.ts are the lists), and a rail's
-- migration need not know the others'. Pocket accounts stay the three of every pocket.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname, conrelid::regclass AS tbl FROM pg_constraint
            WHERE contype = 'c' AND conrelid IN ('ledger_accounts'::regclass, 'ledger_entries'::regclass)
              AND (pg_get_constraintdef(oid) LIKE '%ach_clearing%' OR pg_get_constraintdef(oid) LIKE '%ACH_CREDIT%')
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
  END LOOP;
END $$;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_shape CHECK (kind ~ '^[a-z][a-z_]{0,39}$');
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_pocket_kinds
  CHECK ((pocket_id IS NULL) = (kind NOT IN ('bank_cash', 'brokerage_cash', 'securities_at_cost')));
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_entry_type_shape CHECK (entry_type ~ '^[A-Z][A-Z_]{0,39}$');

-- The wire rail's system accounts for tenants that exist already (new tenants get them with their
-- first pocket): wire_clearing (settlement with the Fed for wires) and fee_income.
INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at)
SELECT gen_random_uuid(), a.partner_id, NULL, k.kind, a.created_at
  FROM ledger_accounts a CROSS JOIN (VALUES ('wire_clearing'), ('fee_income')) AS k(kind)
 WHERE a.pocket_id IS NULL AND a.kind = 'ach_clearing'
ON CONFLICT DO NOTHING;

CREATE TABLE wires (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- The client's id of the wire (Jiko's wire_id; the id itself when the client gave none).
  wire_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
  -- PENDING: held, waiting for its Fedwire business day; PROCESSING: sent; COMPLETED: settled;
  -- REJECTED: refused or returned, the hold released.
  status text NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'REJECTED')),
  pocket_id uuid NOT NULL,
  customer_id uuid,
  counterparty_id uuid,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  fee_cents bigint NOT NULL CHECK (fee_cents >= 0),
  description text,
  created_by text,
  uetr uuid NOT NULL,
  -- The Fedwire business date the wire is sent and settles on.
  settlement_date date NOT NULL,
  -- The WIRE_OUT entry: pending (a hold on amount + fee) until the wire is sent, then posted.
  hold_entry_id uuid,
  -- The ISO 20022 pacs.008.001.08 document, written when the wire is sent.
  pacs008 text,
  -- A returned wire: ISO's return reason code and the pacs.004.001.10 that carried it back.
  return_reason text CHECK (return_reason ~ '^[A-Z0-9]{4}$'),
  pacs004 text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  completed_at timestamptz,
  UNIQUE (partner_id, wire_id)
);
CREATE INDEX wires_list ON wires (partner_id, created_at, id);
CREATE INDEX wires_due ON wires (partner_id, settlement_date) WHERE status = 'PENDING';
