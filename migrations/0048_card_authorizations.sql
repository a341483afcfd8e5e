-- The card issuer (module rails/card, docs/CARDS.md "Authorization and settlement"): every card
-- network message a pocket's card receives (authorization, incremental, reversal, refund, force
-- post), the issuer's decision on it, and for an authorization the hold it keeps on the pocket
-- until the clearing posts it, the merchant reverses it, or it expires.

CREATE TABLE card_authorizations (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  card_id uuid NOT NULL,
  pocket_id uuid NOT NULL,
  customer_id uuid,
  kind text NOT NULL CHECK (kind IN ('authorization', 'incremental', 'reversal', 'refund', 'force_post')),
  -- The authorization an incremental, a reversal or a linked refund refers to.
  authorization_id uuid,
  -- What the message asked for, in cents.
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- APPROVED / DECLINED: the decision on an incremental or a reversal (which change their
  -- authorization). An authorization: PENDING (held), SETTLED, EXPIRED, REVERSED, or DECLINED.
  -- A refund or a force post: SETTLED (posted at once) or DECLINED.
  status text NOT NULL CHECK (status IN ('APPROVED', 'DECLINED', 'PENDING', 'SETTLED', 'EXPIRED', 'REVERSED')),
  decline_reason text CHECK (decline_reason ~ '^[a-z_]{1,40}$'),
  merchant_name text NOT NULL,
  mcc text NOT NULL CHECK (mcc ~ '^[0-9]{4}$'),
  -- An authorization: what it holds now (cents), and the final amount its clearing will post
  -- (NULL: the amount held).
  held_cents bigint NOT NULL DEFAULT 0 CHECK (held_cents >= 0),
  settlement_amount_cents bigint CHECK (settlement_amount_cents > 0),
  -- True: the clearing arrives with the network's settlement on settle_on; false: the hold waits
  -- for a reversal or expires.
  capture boolean NOT NULL DEFAULT true,
  settle_on date,
  expires_at timestamptz,
  -- The pending entry holding an authorization, or the posted entry of a settlement, refund or
  -- force post.
  ledger_entry_id uuid,
  -- Bills sold to cover the message (proceeds, cents).
  sold_cents bigint NOT NULL DEFAULT 0 CHECK (sold_cents >= 0),
  -- What the clearing posted, and what the pocket could not cover (owed by the customer).
  settled_cents bigint CHECK (settled_cents >= 0),
  shortfall_cents bigint NOT NULL DEFAULT 0 CHECK (shortfall_cents >= 0),
  -- New York date of created_at: the day velocity limits count in.
  book_date date NOT NULL,
  created_at timestamptz NOT NULL,
  closed_at timestamptz,
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id),
  FOREIGN KEY (partner_id, authorization_id) REFERENCES card_authorizations (partner_id, id),
  CHECK ((status = 'DECLINED') = (decline_reason IS NOT NULL)),
  CHECK ((kind IN ('incremental', 'reversal')) <= (authorization_id IS NOT NULL)),
  CHECK (status <> 'PENDING' OR (kind = 'authorization' AND ledger_entry_id IS NOT NULL AND held_cents > 0 AND expires_at IS NOT NULL))
);
CREATE INDEX card_authorizations_card_day ON card_authorizations (partner_id, card_id, book_date);
CREATE INDEX card_authorizations_pending ON card_authorizations (partner_id, settle_on) WHERE status = 'PENDING';
CREATE INDEX card_authorizations_list ON card_authorizations (partner_id, card_id, created_at, id);

-- The network's settlement account for existing tenants (new tenants get it with their first
-- pocket): card_clearing, the issuer's side of what card payments owe the network.
INSERT INTO ledger_accounts (id, partner_id, pocket_id, kind, created_at)
SELECT gen_random_uuid(), a.partner_id, NULL, 'card_clearing', a.created_at
  FROM ledger_accounts a
 WHERE a.pocket_id IS NULL AND a.kind = 'ach_clearing'
ON CONFLICT DO NOTHING;

-- Card payments on the bank side of a pocket (Jiko's Transaction of type CARD, its
-- card_transaction details; the type passes the shape check of 0044).
ALTER TABLE bank_transactions ADD COLUMN card_id uuid;
ALTER TABLE bank_transactions ADD COLUMN card_counterparty text;
ALTER TABLE bank_transactions ADD COLUMN card_merchant_type text;
ALTER TABLE bank_transactions ADD COLUMN card_pre_authorization boolean;
ALTER TABLE bank_transactions ADD CONSTRAINT bank_transactions_card CHECK ((type = 'CARD') = (card_id IS NOT NULL));
CREATE INDEX bank_transactions_card ON bank_transactions (partner_id, card_id, time_booked, id) WHERE card_id IS NOT NULL;
