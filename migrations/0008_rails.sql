-- Rails: portals (routing + account numbers of a pocket), bank transactions (the bank side of a
-- pocket: ACH credits and on-us moves), on-us transfers, and the scheduler's per-tenant progress.

CREATE TABLE portals (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  name text NOT NULL,
  -- ABA routing number (9 digits, valid check digit) and the pocket's own account number.
  routing_number text NOT NULL CHECK (routing_number ~ '^[0-9]{9}$'),
  account_number text NOT NULL CHECK (account_number ~ '^[0-9]{6,17}$'),
  status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  created_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  UNIQUE (routing_number, account_number),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id)
);
CREATE INDEX portals_pocket ON portals (pocket_id, created_at, id);

-- Transfers between two pockets of one tenant (Jiko's OnUsTransfer).
CREATE TABLE on_us_transfers (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- The client's transfer_id (or our id when absent): one transfer per value and tenant.
  transfer_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('PARTNER_CUSTOMER_FUNDING', 'PARTNER_CUSTOMER_DEFUNDING', 'INTERNAL_REALLOCATION')),
  status text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'REJECTED')),
  reason text CHECK (reason IN ('ACCOUNT_UNAVAILABLE', 'CANCELED', 'INSUFFICIENT_FUNDS', 'INVALID_CURRENCY', 'INVALID_TRANSFER', 'SANCTION_SCREEN_FAILED')),
  from_pocket_id uuid NOT NULL,
  to_pocket_id uuid NOT NULL,
  amount_type text NOT NULL CHECK (amount_type IN ('REQUESTED_AMOUNT', 'FULL_WITHDRAWAL')),
  -- What was asked (REQUESTED_AMOUNT) and what moved (NULL until COMPLETED).
  requested_amount_cents bigint CHECK (requested_amount_cents > 0),
  amount_cents bigint CHECK (amount_cents > 0),
  description text,
  source text,
  target text,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  CHECK (from_pocket_id <> to_pocket_id),
  CHECK ((amount_type = 'REQUESTED_AMOUNT') = (requested_amount_cents IS NOT NULL)),
  UNIQUE (partner_id, id),
  UNIQUE (partner_id, transfer_id),
  FOREIGN KEY (partner_id, from_pocket_id) REFERENCES pockets (partner_id, id),
  FOREIGN KEY (partner_id, to_pocket_id) REFERENCES pockets (partner_id, id)
);
CREATE INDEX on_us_transfers_partner_created ON on_us_transfers (partner_id, created_at, id);

-- The bank side of a pocket (Jiko's Transaction): each row is one movement seen from one pocket.
-- Listing: per pocket or per customer, keyset on (time_booked, id); filters on type, direction,
-- amount_cents, time_booked, time_settled, portal_id and on_us_transfer_id.
CREATE TABLE bank_transactions (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  -- NULL for the partner funding pocket.
  customer_id uuid,
  type text NOT NULL CHECK (type IN ('ACH', 'ON_US')),
  direction text NOT NULL CHECK (direction IN ('CREDIT', 'DEBIT')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  description text NOT NULL,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('BOOKED', 'SETTLED')),
  time_booked timestamptz NOT NULL,
  time_settled timestamptz,
  -- New York calendar date of time_booked: the day the money counts in earnings periods.
  book_date date NOT NULL,
  portal_id uuid,
  on_us_transfer_id uuid,
  -- ACH details (Jiko's ach_transaction): originator name and trace number.
  ach_company_name text,
  ach_trace_number text,
  ledger_entry_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'SETTLED') = (time_settled IS NOT NULL)),
  CHECK ((type = 'ON_US') = (on_us_transfer_id IS NOT NULL)),
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id),
  FOREIGN KEY (partner_id, portal_id) REFERENCES portals (partner_id, id),
  FOREIGN KEY (partner_id, on_us_transfer_id) REFERENCES on_us_transfers (partner_id, id),
  FOREIGN KEY (partner_id, ledger_entry_id) REFERENCES ledger_entries (partner_id, id)
);
CREATE INDEX bank_transactions_pocket_time ON bank_transactions (partner_id, pocket_id, time_booked, id);
CREATE INDEX bank_transactions_customer_time ON bank_transactions (partner_id, customer_id, time_booked, id);
CREATE INDEX bank_transactions_pocket_book_date ON bank_transactions (pocket_id, book_date);

-- Due work per tenant: the last business date whose start-of-day work (maturities, investing) and
-- whose end-of-day values are done. A worker claims a tenant's row with FOR UPDATE SKIP LOCKED.
CREATE TABLE scheduler_tenants (
  partner_id uuid PRIMARY KEY REFERENCES partners (id),
  start_of_day_through date NOT NULL,
  end_of_day_through date NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (end_of_day_through <= start_of_day_through)
);
