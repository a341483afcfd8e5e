-- Event store (outbox): written in the same transaction as the change it reports.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  event_type text NOT NULL,
  -- The object the event is about, and its per-object sequence number (1, 2, ...).
  object_type text NOT NULL,
  object_id uuid NOT NULL,
  sequence integer NOT NULL,
  customer_id uuid,
  payload jsonb NOT NULL,
  -- Tenant clock time of the change.
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partner_id, object_id, sequence)
);
CREATE INDEX events_partner_occurred ON events (partner_id, occurred_at, id);
