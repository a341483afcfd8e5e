-- Cards (docs/CARDS.md): virtual and physical debit cards on a customer pocket (Jiko's
-- jiko-account), and the orders of physical cards. The PAN and CVV are stored only encrypted
-- (AES-256-GCM under the card data key of the configuration); the PIN likewise.

CREATE TABLE card_orders (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  -- INITIAL -> CARD_CREATED -> ORDERED -> RECEIVED, moving on the tenant's clock.
  status text NOT NULL CHECK (status IN ('INITIAL', 'CARD_CREATED', 'ORDERED', 'RECEIVED')),
  name_on_card text NOT NULL,
  street_address text NOT NULL,
  street_address2 text,
  city text NOT NULL,
  postal_code text NOT NULL,
  state text NOT NULL,
  country text NOT NULL,
  -- The card made for this order (set when the order reaches CARD_CREATED).
  card_id uuid,
  -- The tenant instant from which the order moves to its next status.
  next_step_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id),
  CHECK ((status = 'INITIAL') = (card_id IS NULL)),
  CHECK ((status = 'RECEIVED') = (next_step_at IS NULL))
);
CREATE INDEX card_orders_list ON card_orders (partner_id, pocket_id, created_at, id);
CREATE INDEX card_orders_due ON card_orders (partner_id, next_step_at) WHERE next_step_at IS NOT NULL;

CREATE TABLE cards (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  pocket_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('VIRTUAL', 'PHYSICAL')),
  -- Jiko's CardStatus. Physical cards start NOT_ACTIVATED; CLOSED is terminal.
  status text NOT NULL CHECK (status IN ('NOT_ACTIVATED', 'OPEN', 'LOCKED', 'CLOSED', 'FROZEN')),
  -- Jiko's Card.name: the name on a physical card, a label for a virtual one.
  name text NOT NULL,
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  -- The last day of the expiry month (the card is good through that day).
  expires_on date NOT NULL,
  -- AES-256-GCM envelopes (docs/CARDS.md): key version, nonce, ciphertext and tag.
  pan_encrypted text NOT NULL,
  cvv_encrypted text NOT NULL,
  -- HMAC-SHA-256 of the PAN under a key derived from the card data key: finds a PAN without
  -- decrypting, and keeps PANs unique.
  pan_fingerprint text NOT NULL UNIQUE,
  pin_encrypted text,
  pin_set_at timestamptz,
  card_order_id uuid,
  closure_reason text CHECK (closure_reason IN ('LOST', 'STOLEN', 'DAMAGED', 'NEVER_RECEIVED', 'EXPIRED', 'CANCELED')),
  lost_stolen_date date,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  activated_at timestamptz,
  closed_at timestamptz,
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, pocket_id) REFERENCES pockets (partner_id, id),
  FOREIGN KEY (partner_id, card_order_id) REFERENCES card_orders (partner_id, id),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
  CHECK ((kind = 'PHYSICAL') = (card_order_id IS NOT NULL)),
  CHECK (kind = 'PHYSICAL' OR pin_encrypted IS NULL)
);
CREATE INDEX cards_list ON cards (partner_id, pocket_id, created_at, id);
