-- Ledger: double-entry accounts, journal entries and postings. Amounts are bigint cents, signed:
-- a positive posting adds to the account (debit), a negative one takes from it (credit). Pocket
-- accounts hold what the pocket owns (never below zero); the tenant's system accounts hold the
-- other side, so the sum over every account of a tenant is zero. Postings are immutable;
-- corrections are new entries that reverse old ones. docs/ENGINE.md lists the postings per flow.

CREATE TABLE ledger_accounts (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- Set for a pocket's accounts, NULL for the tenant's system accounts.
  pocket_id uuid,
  kind text NOT NULL CHECK (kind IN (
    'bank_cash', 'brokerage_cash', 'securities_at_cost',
    'ach_clearing', 'realized_earnings'
  )),
  -- Sum of the account's postings, kept in step by the transaction that posts them (under a row
  -- lock taken in ascending id order).
  balance_cents bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  CHECK ((pocket_id IS NULL) = (kind IN ('ach_clearing', 'realized_earnings'))),
  -- A pocket never owns less than nothing.
  CHECK (pocket_id IS NULL OR balance_cents >= 0),
  UNIQUE (partner_id, id)
);
CREATE UNIQUE INDEX ledger_accounts_pocket_kind ON ledger_accounts (pocket_id, kind) WHERE pocket_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_accounts_system_kind ON ledger_accounts (partner_id, kind) WHERE pocket_id IS NULL;

-- One business event's postings. entry_type names the flow (ACH_CREDIT, SWEEP, ON_US, BUY, SELL,
-- MATURITY, REVERSAL); reference_* point at the domain row that caused it.
CREATE TABLE ledger_entries (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  entry_type text NOT NULL CHECK (entry_type IN ('ACH_CREDIT', 'SWEEP', 'ON_US', 'BUY', 'SELL', 'MATURITY', 'REVERSAL')),
  description text NOT NULL DEFAULT '',
  reference_type text,
  reference_id uuid,
  -- The entry this one reverses (REVERSAL only).
  reverses_entry_id uuid REFERENCES ledger_entries (id),
  -- Tenant clock time of the event, and its New York business-calendar date.
  occurred_at timestamptz NOT NULL,
  book_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partner_id, id)
);
CREATE INDEX ledger_entries_partner_occurred ON ledger_entries (partner_id, occurred_at, id);
CREATE INDEX ledger_entries_reference ON ledger_entries (partner_id, reference_id) WHERE reference_id IS NOT NULL;

CREATE TABLE ledger_postings (
  id bigserial PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  entry_id uuid NOT NULL,
  account_id uuid NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  FOREIGN KEY (partner_id, entry_id) REFERENCES ledger_entries (partner_id, id),
  FOREIGN KEY (partner_id, account_id) REFERENCES ledger_accounts (partner_id, id)
);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, id);

-- Postings and entries are facts: the database refuses to change or delete them.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are immutable; post a reversing entry instead';
END;
$$;

CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
