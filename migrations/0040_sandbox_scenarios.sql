-- Declarative failure scenarios of the sandbox (module sandbox, docs/SANDBOX.md): a tenant's
-- rules forcing an outcome on its next (or every) matching operation, and the ACH returns such a
-- rule (or a magic amount) has planned, carried out on the tenant's clock by the ACH rail.

CREATE TABLE sandbox_scenarios (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  operation text NOT NULL CHECK (operation IN ('ach.return', 'wire.reject', 'micro_deposits.fail')),
  -- NULL: every counterparty of the tenant.
  counterparty_id uuid,
  -- ach.return only: DEBIT (pull), CREDIT (push), or NULL for both.
  direction text CHECK (direction IN ('DEBIT', 'CREDIT')),
  return_code text CHECK (return_code IN ('R01', 'R02', 'R03', 'R04', 'R10', 'R29')),
  after_business_days integer CHECK (after_business_days BETWEEN 0 AND 30),
  -- 1: one-shot (the next match only); NULL: standing (every match).
  times integer CHECK (times = 1),
  fired_count integer NOT NULL DEFAULT 0 CHECK (fired_count >= 0 AND (times IS NULL OR fired_count <= times)),
  created_at timestamptz NOT NULL,
  CHECK ((operation = 'ach.return') = (return_code IS NOT NULL AND after_business_days IS NOT NULL)),
  CHECK (operation = 'ach.return' OR direction IS NULL)
);
CREATE INDEX sandbox_scenarios_match ON sandbox_scenarios (partner_id, operation, created_at, id);

CREATE TABLE sandbox_planned_ach_returns (
  origination_id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  -- The rule that planned it (NULL: a magic amount, or the rule was deleted since).
  scenario_id uuid REFERENCES sandbox_scenarios (id) ON DELETE SET NULL,
  return_code text NOT NULL CHECK (return_code IN ('R01', 'R02', 'R03', 'R04', 'R10', 'R29')),
  -- New York business date the return comes back on (at the rail's scenario-return run).
  return_date date NOT NULL,
  -- Set when the run has handled it: 'RETURNED', or 'SKIPPED' (the entry was not settled or out of time).
  outcome text CHECK (outcome IN ('RETURNED', 'SKIPPED')),
  created_at timestamptz NOT NULL
);
CREATE INDEX sandbox_planned_ach_returns_due ON sandbox_planned_ach_returns (partner_id, return_date) WHERE outcome IS NULL;
