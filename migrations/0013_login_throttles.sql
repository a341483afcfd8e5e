-- Failed-login throttling (auth): one row per throttled key, `username:<SHA-256 of the username>`
-- or `address:<client address>`, with the failures counted since the last success and the instant
-- before which further attempts are refused. An unknown username gets a row like a known one, so
-- the throttle never tells which usernames exist. On the database, so that every API process
-- counts the same failures. Times are wall-clock times.
CREATE TABLE login_throttles (
  key text PRIMARY KEY,
  failures integer NOT NULL CHECK (failures >= 0),
  last_failure_at timestamptz NOT NULL,
  locked_until timestamptz
);
CREATE INDEX login_throttles_last_failure ON login_throttles (last_failure_at);
