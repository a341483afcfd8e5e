-- Pockets and the portfolio engine: pockets, the lots of bills they hold, trades, and the value of
-- each pocket at the end of each business day. Cash is not stored here: it is the pocket's ledger
-- balance (ledger_accounts). Amounts are bigint cents; prices per 100 of face and yields numeric.

CREATE TABLE pockets (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- NULL only for the tenant's partner funding pocket.
  customer_id uuid,
  type text NOT NULL CHECK (type IN ('CUSTOMER', 'PARTNER_FUNDING')),
  pocket_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'OPEN', 'FROZEN', 'CLOSED')),
  deposit_strategy_id text NOT NULL CHECK (deposit_strategy_id IN ('UST-1W', 'UST-4W', 'UST-13W', 'UST-26W', 'UST-52W')),
  reinvestment_strategy_id text CHECK (reinvestment_strategy_id IN ('UST-1W', 'UST-4W', 'UST-13W', 'UST-26W', 'UST-52W')),
  closure_reason text,
  -- Cash waits here for the next business day's investing (set when cash arrives on a day the
  -- engine cannot buy; cleared by the buy).
  invest_pending boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  opened_at timestamptz,
  closed_at timestamptz,
  CHECK ((type = 'PARTNER_FUNDING') = (customer_id IS NULL)),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id)
);
CREATE INDEX pockets_partner_created ON pockets (partner_id, created_at, id);
CREATE INDEX pockets_customer_created ON pockets (partner_id, customer_id, created_at, id);
CREATE UNIQUE INDEX pockets_one_partner_funding ON pockets (partner_id) WHERE type = 'PARTNER_FUNDING';
CREATE INDEX pockets_invest_pending ON pockets (partner_id) WHERE invest_pending;

ALTER TABLE ledger_accounts ADD FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id);

-- A purchase of one bill by one pocket. units (of $100 face) and cost_cents shrink as the lot is
-- sold (cost basis leaves in proportion) and drop to zero at maturity; the row stays as history.
CREATE TABLE pocket_lots (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  cusip text NOT NULL,
  maturity_date date NOT NULL,
  units_bought bigint NOT NULL CHECK (units_bought > 0),
  units bigint NOT NULL CHECK (units >= 0 AND units <= units_bought),
  cost_cents bigint NOT NULL CHECK (cost_cents >= 0),
  -- Ask price per 100 of face paid, and the trade date.
  price_per_100 numeric NOT NULL,
  trade_date date NOT NULL,
  buy_trade_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (units > 0 OR cost_cents = 0),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id)
);
CREATE INDEX pocket_lots_open_by_pocket ON pocket_lots (pocket_id, maturity_date, trade_date, id) WHERE units > 0;
CREATE INDEX pocket_lots_open_by_maturity ON pocket_lots (partner_id, maturity_date) WHERE units > 0;

-- Trades of the brokerage side (Jiko's Trade): BUY, SELL and MATURITY, one row each, never
-- changed. Listing: per customer or per pocket, newest first, keyset on (trade_datetime, id).
CREATE TABLE trades (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  -- NULL for trades of the partner funding pocket.
  customer_id uuid,
  activity text NOT NULL CHECK (activity IN ('BUY', 'SELL', 'MATURITY')),
  cusip text NOT NULL,
  description text NOT NULL DEFAULT 'US T-Bill',
  maturity_date date NOT NULL,
  -- Units of $100 face.
  quantity bigint NOT NULL CHECK (quantity > 0),
  -- Price per 100 of face (ask for BUY, bid for SELL, 100 for MATURITY), 6 decimals.
  price_per_100 numeric NOT NULL,
  -- Cash paid (BUY) or received (SELL, MATURITY), in cents.
  notional_cents bigint NOT NULL CHECK (notional_cents > 0),
  -- Investment rate of the trade's price as a fraction ("0.0468"); NULL for MATURITY.
  yield_to_maturity numeric,
  -- Proceeds minus cost basis of what left (SELL, MATURITY); 0 for BUY.
  realized_gain_cents bigint NOT NULL DEFAULT 0,
  trade_datetime timestamptz NOT NULL,
  book_date date NOT NULL,
  settlement_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('BOOKED', 'SETTLED')),
  -- The on-us transfer a SELL or BUY served, when there is one.
  on_us_transfer_id uuid,
  ledger_entry_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id),
  FOREIGN KEY (partner_id, ledger_entry_id) REFERENCES ledger_entries (partner_id, id)
);
CREATE INDEX trades_pocket_time ON trades (partner_id, pocket_id, trade_datetime, id);
CREATE INDEX trades_customer_time ON trades (partner_id, customer_id, trade_datetime, id);

-- The value of a pocket (cash plus bills at the day's same-day bid) at the end of a business
-- day, written once by the scheduler. Earnings of past periods are read from here.
CREATE TABLE pocket_daily_values (
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  business_date date NOT NULL,
  total_value_cents bigint NOT NULL CHECK (total_value_cents >= 0),
  cash_cents bigint NOT NULL CHECK (cash_cents >= 0),
  PRIMARY KEY (pocket_id, business_date),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id)
);
