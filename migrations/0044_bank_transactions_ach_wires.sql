-- ACH originations and wires on the bank side of a pocket (docs/ACH.md, docs/WIRES.md "Activity"):
-- Jiko's Transaction types WIRE and WIRE_FEE with their wire_transaction details, and the
-- origination behind an ACH row. The list of transaction types becomes a shape check, as the
-- ledger's did (0036): each rail adds its own types (WIRE, WIRE_FEE here; CARD in 0048).
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE contype = 'c' AND conrelid = 'bank_transactions'::regclass
              AND pg_get_constraintdef(oid) LIKE '%''ACH''%' AND pg_get_constraintdef(oid) NOT LIKE '%on_us_transfer_id%'
  LOOP
    EXECUTE format('ALTER TABLE bank_transactions DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE bank_transactions ADD CONSTRAINT bank_transactions_type_shape CHECK (type ~ '^[A-Z][A-Z_]{0,39}$');
-- ACH: the origination a row settles or returns (NULL for money received through a portal).
ALTER TABLE bank_transactions ADD COLUMN ach_origination_id uuid;
-- WIRE and WIRE_FEE: Jiko's wire_transaction (wire id, counterparty name, reference number: the UETR).
ALTER TABLE bank_transactions ADD COLUMN wire_id uuid;
ALTER TABLE bank_transactions ADD COLUMN wire_counterparty_name text;
ALTER TABLE bank_transactions ADD COLUMN wire_reference_number text;
ALTER TABLE bank_transactions ADD CONSTRAINT bank_transactions_wire CHECK ((type IN ('WIRE', 'WIRE_FEE')) = (wire_id IS NOT NULL));
CREATE INDEX bank_transactions_wire ON bank_transactions (partner_id, wire_id) WHERE wire_id IS NOT NULL;
