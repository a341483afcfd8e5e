-- Counterparties (module counterparties): the outside accounts a tenant's pockets may move money
-- to and from (Jiko's counterparties v1/v2). `customer_id` is NULL for the partner's own
-- counterparties (created through /api/v2/counterparties/). The fields a type needs are checked
-- by the service; the table keeps the type's shape and the verification state:
-- `verification_status` IN_PROGRESS -> VERIFIED | FAILED (Jiko's v1 field), and `status` the v2
-- link state PENDING -> LINKED | UNLINKED. Money moves only to a LINKED counterparty.
CREATE TABLE counterparties (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  customer_id uuid,
  type text NOT NULL CHECK (type IN ('ach', 'wire', 'international_wire', 'on_us')),
  status text NOT NULL CHECK (status IN ('PENDING', 'LINKED', 'UNLINKED')),
  verification_method text NOT NULL
    CHECK (verification_method IN ('micro_deposits', 'plaid', 'pre_verified', 'supporting_documents')),
  verification_status text NOT NULL CHECK (verification_status IN ('IN_PROGRESS', 'VERIFIED', 'FAILED')),
  -- Jiko's counterparty_name as sent ({type: business, business_name} or {type: individual, ...}).
  counterparty_name jsonb NOT NULL,
  name_on_account text NOT NULL,
  -- ach and wire: an ABA routing number (valid check digit); ach, wire and on_us: account number.
  routing_number text CHECK (routing_number ~ '^[0-9]{9}$'),
  account_number text CHECK (account_number ~ '^[0-9]{4,17}$'),
  account_type text CHECK (account_type IN ('CHECKING', 'SAVINGS')),
  -- international_wire: the beneficiary bank's BIC (ISO 9362) and the account, an IBAN
  -- (ISO 13616) or a plain account number as `identifier_type` says.
  bic text CHECK (bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
  identifier text,
  identifier_type text CHECK (identifier_type IN ('IBAN', 'ACCOUNT_NUMBER')),
  address jsonb,
  wire_instructions text,
  institution_name text,
  -- on_us: the pocket behind the Jiko network address (a portal account number of the tenant).
  on_us_pocket_id uuid,
  plaid_account_id text,
  plaid_mask text,
  plaid_verification_status text CHECK (plaid_verification_status IN (
    'PENDING_AUTOMATIC_VERIFICATION', 'PENDING_MANUAL_VERIFICATION', 'AUTOMATICALLY_VERIFIED',
    'MANUALLY_VERIFIED', 'VERIFICATION_EXPIRED', 'VERIFICATION_FAILED')),
  time_created timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  CHECK ((status = 'LINKED') <= (verification_status = 'VERIFIED')),
  FOREIGN KEY (partner_id, on_us_pocket_id) REFERENCES pockets (partner_id, id)
);
CREATE INDEX counterparties_partner ON counterparties (partner_id, time_created, id);
CREATE INDEX counterparties_customer ON counterparties (partner_id, customer_id, time_created, id);

-- Micro-deposit verification of an ach counterparty (Nacha Micro-Entries): two credits under $1
-- whose amounts the customer confirms; three wrong tries fail the counterparty. `sent_at` stays
-- NULL until the ACH rail originates the ACCTVERIFY entries (credits and offsetting debit).
CREATE TABLE counterparty_micro_deposits (
  counterparty_id uuid PRIMARY KEY,
  partner_id uuid NOT NULL,
  amount1_cents bigint NOT NULL CHECK (amount1_cents > 0 AND amount1_cents < 100),
  amount2_cents bigint NOT NULL CHECK (amount2_cents > 0 AND amount2_cents < 100),
  verification_failure_count integer NOT NULL DEFAULT 0 CHECK (verification_failure_count BETWEEN 0 AND 3),
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  FOREIGN KEY (partner_id, counterparty_id) REFERENCES counterparties (partner_id, id)
);
