-- Bearer tokens issued by POST /api/v1/login/. Only a SHA-256 hash of the token is stored, so a
-- copy of the database does not hand out sessions. Expiry is wall-clock time, never tenant time.
CREATE TABLE partner_tokens (
  token_hash text PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX partner_tokens_partner_expires ON partner_tokens (partner_id, expires_at);

-- Idempotency keys (x-jiko-idempotency), per partner. A row is written in state 'running' before
-- the route runs (the primary key makes a concurrent duplicate fail), and holds the response once
-- the route has answered, so that a repeat within the window replays it instead of acting again.
CREATE TABLE idempotency_keys (
  partner_id uuid NOT NULL REFERENCES partners (id),
  key uuid NOT NULL,
  -- SHA-256 of method, URL and raw body: the same key with another request is refused.
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'done')),
  -- The attempt that holds the key; only it may store the response.
  attempt_id uuid NOT NULL,
  status_code integer,
  content_type text,
  response_body bytea,
  -- Wall-clock times: when the current attempt started, and when the key may be used again.
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (partner_id, key),
  CHECK (state = 'running' OR status_code IS NOT NULL)
);
CREATE INDEX idempotency_keys_partner_expires ON idempotency_keys (partner_id, expires_at);
