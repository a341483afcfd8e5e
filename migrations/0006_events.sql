-- Event store (outbox), webhook subscriptions and their deliveries. See docs/EVENTS.md and
-- docs/WEBHOOKS.md. Every table carries partner_id so tenants can later be sharded by it.

-- One row per event, written in the same transaction as the change it reports.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  event_type text NOT NULL,
  -- The object the event is about, and its per-object sequence number (1, 2, ...).
  object_type text NOT NULL,
  object_id uuid NOT NULL,
  sequence integer NOT NULL CHECK (sequence >= 1),
  customer_id uuid,
  payload jsonb NOT NULL,
  -- Tenant clock time of the change (the envelope's `timestamp`).
  occurred_at timestamptz NOT NULL,
  -- True for events made up through the sandbox webhook trigger rather than by a real change.
  is_test boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partner_id, object_id, sequence)
);
CREATE INDEX events_partner_occurred ON events (partner_id, occurred_at, id);

-- The last sequence number handed out per object. emitEvent upserts the row, which locks it until
-- the transaction ends, so two transactions reporting on one object take numbers one after the
-- other instead of both reading the same max(sequence).
CREATE TABLE event_sequences (
  partner_id uuid NOT NULL REFERENCES partners (id),
  object_id uuid NOT NULL,
  last_sequence integer NOT NULL CHECK (last_sequence >= 1),
  PRIMARY KEY (partner_id, object_id)
);

-- Webhook subscriptions (Jiko's Subscription). shared_secret keys the webhook signatures, so it
-- must stay readable; the API never returns it. Deleted subscriptions are kept (deleted_at) so
-- that the delivery attempts made to them still name them.
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  url text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2083),
  events text[] NOT NULL CHECK (cardinality(events) >= 1),
  description text NOT NULL DEFAULT '',
  shared_secret text NOT NULL CHECK (char_length(shared_secret) >= 16),
  status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  retry_policy jsonb,
  -- Why the subscription was disabled by pocketbook itself (e.g. `gone` after an HTTP 410).
  disabled_reason text,
  time_created timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX subscriptions_partner_created ON subscriptions (partner_id, time_created, id) WHERE deleted_at IS NULL;

-- One row per (event, subscription) to deliver: created with the event (same transaction), or by
-- a replay. The worker claims due rows with FOR UPDATE SKIP LOCKED and moves next_attempt_at past
-- the claim's lease, so a crashed worker's claim becomes due again and no two workers hold it.
-- Times here are wall-clock times: retries run on real time, never on a tenant's test clock.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  event_id uuid NOT NULL REFERENCES events (id),
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
  attempt_count integer NOT NULL DEFAULT 0,
  -- '-infinity' means "due now", so writing an event never needs to read a clock.
  next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
  first_attempt_at timestamptz,
  -- Changes at every claim; a result is recorded only by the holder of the current claim.
  claim_token uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Every HTTP call made (Jiko's DeliveryAttemptDetails). response_code 0: no HTTP response
-- (refused address, connection error, timeout).
CREATE TABLE webhook_delivery_attempts (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
  event_id uuid NOT NULL REFERENCES events (id),
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  attempt_number integer NOT NULL CHECK (attempt_number >= 1),
  success boolean NOT NULL,
  response_code integer NOT NULL,
  response_message text NOT NULL DEFAULT '',
  called_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  UNIQUE (delivery_id, attempt_number)
);
CREATE INDEX webhook_delivery_attempts_event ON webhook_delivery_attempts (event_id, called_at);
