-- One claimable job queue for background work (webhook delivery today; file builds and statements
-- later). See src/platform/jobs. Every row carries partner_id: jobs are claimed fairly per tenant,
-- and the table shards by tenant like the rest.
--
-- Life of a job: pending (due at run_at) -> running (claimed; invisible to other workers until
-- locked_until) -> done | failed, or back to pending at a later run_at after a failed attempt.
-- A running job whose lease (locked_until) has passed is claimable again: its worker died.
-- Times are wall-clock times, never a tenant's sandbox clock.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  kind text NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 100),
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  -- '-infinity' means "due now", so enqueueing never needs to read a clock.
  run_at timestamptz NOT NULL DEFAULT '-infinity',
  -- Runs started so far (claims), and the most allowed.
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 1000),
  -- The claim: set while running; a result is recorded only by the holder of the current token.
  locked_until timestamptz,
  lease_token uuid,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK ((status = 'running') = (lease_token IS NOT NULL AND locked_until IS NOT NULL))
);
-- Due pending jobs, and running jobs by lease end (expired leases; each tenant's in-flight count).
CREATE INDEX jobs_pending_due ON jobs (run_at, created_at) WHERE status = 'pending';
CREATE INDEX jobs_running_lease ON jobs (locked_until) WHERE status = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('done', 'failed');

-- Webhook deliveries are now a job kind: the queue claims them, so this index is no longer read.
DROP INDEX IF EXISTS webhook_deliveries_due;

-- Deliveries still pending from before this migration get their job (due when they were).
INSERT INTO jobs (id, partner_id, kind, payload, run_at, max_attempts)
SELECT gen_random_uuid(), partner_id, 'webhook.deliver', jsonb_build_object('delivery_id', id), next_attempt_at, 50
  FROM webhook_deliveries
 WHERE status = 'pending';
