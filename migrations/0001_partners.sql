-- Partner tenants. Every tenant-owned table carries partner_id, so tenants can later be sharded
-- by it. The shared secret must stay readable: it keys the HMAC of every signed request.
CREATE TABLE partners (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  shared_secret text NOT NULL,
  is_sandbox boolean NOT NULL DEFAULT true,
  -- Test clock: tenant time = wall time + clock_offset_ms (sandbox only; 0 in production).
  clock_offset_ms bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
