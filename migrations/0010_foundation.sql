-- Foundation of the module layout (issue 6): tenant clocks owned by tenancy, one scheduler cursor
-- per (tenant, task), ledger holds (pending entries) with posted and available balances, and
-- system accounts that carry no running balance (no tenant-wide row is locked by a transfer).

-- Tenancy: the test clock of each tenant and the earliest instant some scheduler task is due.
CREATE TABLE tenant_clocks (
  partner_id uuid PRIMARY KEY REFERENCES partners (id),
  -- Tenant time = wall time + clock_offset_ms (sandbox only; 0 in production).
  clock_offset_ms bigint NOT NULL DEFAULT 0,
  -- Tenant-clock instant from which the scheduler has work; NULL while nothing is enrolled.
  next_due_at timestamptz
);
INSERT INTO tenant_clocks (partner_id, clock_offset_ms) SELECT id, clock_offset_ms FROM partners;
ALTER TABLE partners DROP COLUMN clock_offset_ms;

-- Scheduler: per tenant and task, the last business date whose run is done.
CREATE TABLE scheduler_cursors (
  partner_id uuid NOT NULL REFERENCES partners (id),
  task text NOT NULL,
  done_through date NOT NULL,
  PRIMARY KEY (partner_id, task)
);
INSERT INTO scheduler_cursors (partner_id, task, done_through)
  SELECT partner_id, 'portfolio.start-of-day', start_of_day_through FROM scheduler_tenants;
INSERT INTO scheduler_cursors (partner_id, task, done_through)
  SELECT partner_id, 'pockets.end-of-day', end_of_day_through FROM scheduler_tenants;
-- Enrolled tenants are checked on their next request, which recomputes the instant.
UPDATE tenant_clocks SET next_due_at = timestamptz '2000-01-01T00:00:00Z'
  WHERE partner_id IN (SELECT partner_id FROM scheduler_tenants);
DROP TABLE scheduler_tenants;

-- Ledger: an entry is pending (a hold) until posted or voided. Posted entries move balance_cents;
-- the debits of pending entries are held in pending_debit_cents: available = balance - held.
ALTER TABLE ledger_entries ADD COLUMN status text NOT NULL DEFAULT 'posted' CHECK (status IN ('pending', 'posted', 'voided'));
ALTER TABLE ledger_entries ADD COLUMN settled_at timestamptz;
ALTER TABLE ledger_accounts ADD COLUMN pending_debit_cents bigint NOT NULL DEFAULT 0 CHECK (pending_debit_cents >= 0);
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_available_not_negative
  CHECK (pocket_id IS NULL OR balance_cents - pending_debit_cents >= 0);
-- System accounts stand for the world outside the tenant's pockets; their balance is the sum of
-- their postings, so no transfer ever locks them.
UPDATE ledger_accounts SET balance_cents = 0 WHERE pocket_id IS NULL;

-- Entries stay immutable except for the one move of a pending entry to posted or voided.
DROP TRIGGER ledger_entries_immutable ON ledger_entries;
CREATE FUNCTION ledger_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'pending' AND NEW.status IN ('posted', 'voided')
     AND (to_jsonb(NEW) - 'status' - 'settled_at') = (to_jsonb(OLD) - 'status' - 'settled_at') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ledger rows are immutable; post a reversing entry instead';
END;
$$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_guard();
CREATE INDEX ledger_entries_pending ON ledger_entries (partner_id, id) WHERE status = 'pending';
